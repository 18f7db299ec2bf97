package template_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/template"
)

// TestFixtures starts cirro on each template `cdk synth` wrote for the
// CDK apps in testdata/cdk (as `cirro serve --template` does) and checks
// every Cognito resource through the SDK: each property of the template
// (as resolved, recorded in the stack state) equals what the Describe
// operations answer, and what the template leaves out has Cognito's
// default. Resources cirro skips or cannot run yet must say so and leave
// nothing behind.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/fixtures/*.template.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		stack := strings.TrimSuffix(filepath.Base(f), ".template.json")
		t.Run(stack, func(t *testing.T) {
			c := cirrotest.Start(t)
			var log lines
			tpl := parseFile(t, f)
			res := mustApply(t, engine(c, &log), stack, tpl, nil)
			st := loadState(t, c, stack)
			d := &describer{t: t, c: c, st: st}
			checked := 0
			for _, step := range res.Plan.Steps {
				r := st.Resources[step.LogicalID]
				switch step.Action {
				case template.ActionSkip, template.ActionNotYet, template.ActionInactive:
					if r != nil {
						t.Errorf("%s (%s, %s) was recorded", step.LogicalID, step.Type, step.Action)
					}
					if step.Action != template.ActionInactive && !strings.Contains(log.String(), step.LogicalID+" ("+step.Type+"): ") {
						t.Errorf("%s (%s): no line in the log saying it was %s", step.LogicalID, step.Type, step.Action)
					}
					continue
				case template.ActionCreate:
				default:
					t.Errorf("%s: first apply planned %s", step.LogicalID, step.Action)
				}
				if r == nil {
					t.Errorf("%s: not recorded", step.LogicalID)
					continue
				}
				check, ok := checks[r.Type]
				if !ok {
					if !slices.Contains([]string{"AWS::IAM::Role", "AWS::Lambda::Function"}, r.Type) && !strings.HasPrefix(r.Type, "Custom::") {
						t.Errorf("%s: no check for %s", step.LogicalID, r.Type)
					}
					continue
				}
				check(d, r)
				checked++
			}
			if checked == 0 {
				t.Error("no Cognito resource checked")
			}
			again := mustApply(t, engine(c, nil), stack, tpl, nil)
			if again.Plan.Changes() {
				var b strings.Builder
				again.Plan.Render(&b)
				t.Errorf("applying the fixture again changed something:\n%s", b.String())
			}
			t.Logf("%d resources checked; log:\n%s", checked, log.String())
		})
	}
}

// describer reads back a fixture's resources.
type describer struct {
	t  *testing.T
	c  *cirrotest.Server
	st *template.StackState
}

func (d *describer) ctx() context.Context { return context.Background() }

func (d *describer) must(err error) {
	d.t.Helper()
	if err != nil {
		d.t.Fatal(err)
	}
}

// str is a recorded string property.
func str(r *template.ResourceState, name string) string {
	s, _ := r.Properties[name].(string)
	return s
}

// without copies m without the named members.
func without(m map[string]any, names ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if !slices.Contains(names, k) {
			out[k] = v
		}
	}
	return out
}

// checks compares one recorded resource with the server's answers.
var checks = map[string]func(d *describer, r *template.ResourceState){
	"AWS::Cognito::UserPool":                            checkPool,
	"AWS::Cognito::UserPoolClient":                      checkClient,
	"AWS::Cognito::UserPoolDomain":                      checkDomain,
	"AWS::Cognito::UserPoolGroup":                       checkGroup,
	"AWS::Cognito::UserPoolResourceServer":              checkResourceServer,
	"AWS::Cognito::UserPoolIdentityProvider":            checkIdentityProvider,
	"AWS::Cognito::UserPoolUser":                        checkUser,
	"AWS::Cognito::UserPoolUserToGroupAttachment":       checkMembership,
	"AWS::Cognito::UserPoolUICustomizationAttachment":   checkUICustomization,
	"AWS::Cognito::LogDeliveryConfiguration":            checkLogDelivery,
	"AWS::Cognito::UserPoolRiskConfigurationAttachment": checkRiskConfiguration,
	"AWS::Cognito::ManagedLoginBranding":                checkBranding,
	"AWS::Cognito::Terms":                               checkTerms,
	"AWS::Cognito::IdentityPool":                        checkIdentityPool,
	"AWS::Cognito::IdentityPoolRoleAttachment":          checkIdentityRoles,
	"AWS::Cognito::IdentityPoolPrincipalTag":            checkPrincipalTags,
}
