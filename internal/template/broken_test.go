package template_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/template"
)

// TestBrokenTemplates: a template with a mistake is refused as a whole,
// with an error naming the resource, the property and the problem, and
// the stack applied before it is left exactly as it was.
func TestBrokenTemplates(t *testing.T) {
	c := cirrotest.Start(t)
	e := engine(c, nil)
	mustApply(t, e, lifecycleStack, lifecycle(t), nil)
	before := canon(loadState(t, c, lifecycleStack))
	pools := countPools(t, c)
	src := lifecycleSource(t)

	for _, tc := range []struct {
		name   string
		edit   func(string) string
		params map[string]string
		want   []string
	}{
		{"unknown property", replace("      ClientName: web\n", "      ClientName: web\n      ClientNmae: typo\n"), nil,
			[]string{"Resources.Client.Properties.ClientNmae", "unknown property"}},
		{"unknown nested property", replace("          MinimumLength: !Ref MinLength\n", "          MinimumLength: !Ref MinLength\n          MinLenght: 9\n"), nil,
			[]string{"Resources.Pool.Properties.Policies.PasswordPolicy.MinLenght", "unknown property"}},
		{"wrong type", replace("      ClientName: web\n", "      ClientName: web\n      AccessTokenValidity: an hour\n"), nil,
			[]string{"Resources.Client.Properties.AccessTokenValidity", "expected an integer", `"an hour"`}},
		{"list expected", replace("      AllowedOAuthFlows: [code]", "      AllowedOAuthFlows: code"), nil,
			[]string{"Resources.Client.Properties.AllowedOAuthFlows", "expected a list"}},
		{"invalid value", nil, map[string]string{"MinLength": "100"},
			[]string{"Resources.Pool.Properties.Policies.PasswordPolicy.MinimumLength", `"100"`, "less than or equal to 99"}},
		{"invalid enum", replace("      AllowedOAuthFlows: [code]", "      AllowedOAuthFlows: [magic]"), nil,
			[]string{"Resources.Client.Properties.AllowedOAuthFlows[0]", `"magic"`, "enum value set"}},
		{"invalid value of a property sent apart", replace("      UserPoolName: !Sub", "      WebAuthnFactorConfiguration: SINGLE_FACTOR_ONLY\n      UserPoolName: !Sub"), nil,
			[]string{"Resources.Pool.Properties.WebAuthnFactorConfiguration", `"SINGLE_FACTOR_ONLY"`, "enum value set"}},
		{"invalid value of a renamed property", replace(`!Sub "${AWS::StackName}-pool"`, `!Sub "${AWS::StackName}-`+strings.Repeat("p", 130)+`"`), nil,
			[]string{"Resources.Pool.Properties.UserPoolName", "length less than or equal to 128"}},
		{"missing required", replace("      UserPoolId: !GetAtt Pool.UserPoolId\n", ""), nil,
			[]string{"Resources.Group.Properties.UserPoolId", "required"}},
		{"missing reference", replace("      UserPoolId: !Ref Pool\n      ClientName: web", "      UserPoolId: !Ref Pol\n      ClientName: web"), nil,
			[]string{"Resources.Client.Properties", "refers to Pol, which is neither a resource nor a parameter"}},
		{"unknown attribute", replace("!GetAtt Pool.UserPoolId", "!GetAtt Pool.Nope"), nil,
			[]string{"Resources.Group.Properties", "Fn::GetAtt Pool.Nope", "no attribute Nope"}},
		{"cycle", replace("      UserPoolName: !Sub \"${AWS::StackName}-pool\"", "      UserPoolName: !Sub \"${AWS::StackName}-${Group}\""), nil,
			[]string{"circular dependency between resources", "Group", "Pool"}},
		{"unknown resource attribute", replace("    DeletionPolicy: Retain", "    DeletionPolicy: Retain\n    Propertys: {}"), nil,
			[]string{"Resources.Kept.Propertys", "unknown resource attribute"}},
		{"bad deletion policy", replace("DeletionPolicy: Retain", "DeletionPolicy: Keep"), nil,
			[]string{"Resources.Kept.DeletionPolicy", `"Keep" is not one of`}},
		{"parameter not allowed", nil, map[string]string{"WithExtras": "maybe"},
			[]string{"Parameters.WithExtras", `"maybe" is not one of the AllowedValues`}},
		{"parameter below MinValue", nil, map[string]string{"MinLength": "2"},
			[]string{"Parameters.MinLength", "less than MinValue 6"}},
		{"undeclared parameter", nil, map[string]string{"Colour": "blue"},
			[]string{"Parameters.Colour", "declares no such parameter"}},
		{"unknown condition", replace("Condition: Extras\n    Properties:\n      UserPoolId", "Condition: Extra\n    Properties:\n      UserPoolId"), nil,
			[]string{"Resources.Client2.Condition", "unknown condition Extra"}},
		{"type change", replace("    Type: AWS::Cognito::UserPoolGroup", "    Type: AWS::Cognito::UserPoolResourceServer"), nil,
			[]string{"Resources.Group.Type", "cannot change type"}},
		{"unsupported function", replace("!Ref Callback", "!Cidr [10.0.0.0/16, 2, 8]"), nil,
			[]string{"Resources.Client.Properties.CallbackURLs[0].Fn::Cidr", "not supported"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := src
			if tc.edit != nil {
				text = tc.edit(src)
				if text == src {
					t.Fatal("the edit changed nothing")
				}
			}
			tpl, err := template.Parse("broken.yaml", []byte(text))
			if err == nil {
				_, err = e.Apply(context.Background(), lifecycleStack, tpl, tc.params, false)
			}
			if err == nil {
				t.Fatal("applied")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if _, ok := template.AsTemplateError(err); !ok {
				t.Errorf("%T is not a *TemplateError", err)
			}
			if after := canon(loadState(t, c, lifecycleStack)); after != before {
				t.Errorf("state changed:\n%s\n%s", before, after)
			}
			if n := countPools(t, c); n != pools {
				t.Errorf("%d pools, want %d", n, pools)
			}
		})
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}
