package template_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/template"
)

const lifecycleStack = "Life"

func lifecycle(t *testing.T) *template.Template {
	return parseFile(t, "testdata/templates/lifecycle.yaml")
}

func countPools(t *testing.T, c *cirrotest.Server) int {
	t.Helper()
	out, err := c.IdentityProvider().ListUserPools(context.Background(), &cip.ListUserPoolsInput{MaxResults: ptr(int32(60))})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.UserPools)
}

func ptr[T any](v T) *T { return &v }

func describeClient(t *testing.T, c *cirrotest.Server, pool, client string) *types.UserPoolClientType {
	t.Helper()
	out, err := c.IdentityProvider().DescribeUserPoolClient(context.Background(), &cip.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: &client})
	if err != nil {
		t.Fatal(err)
	}
	return out.UserPoolClient
}

// TestDryRun prints the plan and changes nothing, not even the state.
func TestDryRun(t *testing.T) {
	c := cirrotest.Start(t)
	e := engine(c, nil)
	res, err := e.Apply(context.Background(), lifecycleStack, lifecycle(t), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res.Plan.Render(&out)
	want := `stack Life:
  + create     Pool    AWS::Cognito::UserPool
  + create     Client  AWS::Cognito::UserPoolClient
  + create     Client2 AWS::Cognito::UserPoolClient
  + create     Group   AWS::Cognito::UserPoolGroup
  + create     Kept    AWS::Cognito::UserPool
5 create
`
	if out.String() != want {
		t.Errorf("plan:\n%s\nwant:\n%s", out.String(), want)
	}
	if res.Applied || countPools(t, c) != 0 || len(loadState(t, c, lifecycleStack).Resources) != 0 {
		t.Error("a dry run changed something")
	}

	// Against an applied stack, a dry run shows the differences.
	mustApply(t, e, lifecycleStack, lifecycle(t), nil)
	res, err = e.Apply(context.Background(), lifecycleStack, lifecycle(t),
		map[string]string{"MinLength": "12", "GroupName": "staff", "WithExtras": "no"}, true)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	res.Plan.Render(&out)
	want = `stack Life:
  ~ update     Pool    AWS::Cognito::UserPool: Policies
  = no change  Client  AWS::Cognito::UserPoolClient
  ± replace    Group   AWS::Cognito::UserPoolGroup: a change to GroupName requires a new resource
  r retain     Kept    AWS::Cognito::UserPool: DeletionPolicy Retain: left in place, no longer managed by the stack
  - delete     Client2 AWS::Cognito::UserPoolClient
1 update, 1 replace, 1 delete, 1 retain, 1 no change
`
	if out.String() != want {
		t.Errorf("plan:\n%s\nwant:\n%s", out.String(), want)
	}
	if len(loadState(t, c, lifecycleStack).Resources) != 5 {
		t.Error("a dry run changed the state")
	}
}

// TestLifecycle applies a stack, re-applies it unchanged, updates it in
// place, replaces a resource, removes one and retains another.
func TestLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		ctx := context.Background()
		e := engine(c, nil)
		tpl := lifecycle(t)
		first := mustApply(t, e, lifecycleStack, tpl, nil)
		st1 := loadState(t, c, lifecycleStack)
		pool, client := st1.Resources["Pool"].PhysicalID, st1.Resources["Client"].PhysicalID
		before := describeClient(t, c, pool, client)
		if len(first.Outputs) != 3 || first.Outputs[1].Key != "PoolArn" {
			t.Errorf("outputs %+v", first.Outputs)
		}

		t.Run("re-apply changes nothing", func(t *testing.T) {
			res := mustApply(t, e, lifecycleStack, tpl, nil)
			if res.Plan.Changes() {
				var b bytes.Buffer
				res.Plan.Render(&b)
				t.Errorf("second apply changed something:\n%s", b.String())
			}
			st2 := loadState(t, c, lifecycleStack)
			for id, r := range st1.Resources {
				if st2.Resources[id].PhysicalID != r.PhysicalID {
					t.Errorf("%s: physical id %s became %s", id, r.PhysicalID, st2.Resources[id].PhysicalID)
				}
			}
			if after := describeClient(t, c, pool, client); !after.LastModifiedDate.Equal(*before.LastModifiedDate) {
				t.Error("the client was written to")
			}
		})

		t.Run("update in place", func(t *testing.T) {
			res := mustApply(t, e, lifecycleStack, tpl, map[string]string{"MinLength": "12", "Callback": "https://app.example.com/next"})
			actions := map[string]template.Action{}
			for _, s := range res.Plan.Steps {
				actions[s.LogicalID] = s.Action
			}
			if actions["Pool"] != template.ActionUpdate || actions["Client"] != template.ActionUpdate || actions["Group"] != template.ActionNone {
				t.Errorf("actions %v", actions)
			}
			st := loadState(t, c, lifecycleStack)
			if st.Resources["Pool"].PhysicalID != pool || st.Resources["Client"].PhysicalID != client {
				t.Error("an update changed a physical id")
			}
			p, err := c.IdentityProvider().DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &pool})
			if err != nil {
				t.Fatal(err)
			}
			if *p.UserPool.Policies.PasswordPolicy.MinimumLength != 12 {
				t.Errorf("MinimumLength %d", *p.UserPool.Policies.PasswordPolicy.MinimumLength)
			}
			if cb := describeClient(t, c, pool, client).CallbackURLs; len(cb) != 1 || cb[0] != "https://app.example.com/next" {
				t.Errorf("CallbackURLs %v", cb)
			}
		})

		t.Run("replace, remove and retain", func(t *testing.T) {
			params := map[string]string{"MinLength": "12", "Callback": "https://app.example.com/next", "GroupName": "staff", "WithExtras": "no"}
			mustApply(t, e, lifecycleStack, tpl, params)
			st := loadState(t, c, lifecycleStack)
			if _, err := c.IdentityProvider().GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &pool, GroupName: ptr("staff")}); err != nil {
				t.Errorf("new group: %v", err)
			}
			if _, err := c.IdentityProvider().GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &pool, GroupName: ptr("admins")}); !isNotFound(err) {
				t.Errorf("old group: %v, want ResourceNotFoundException", err)
			}
			if st.Resources["Group"].PhysicalID != "staff" {
				t.Errorf("Group is %s", st.Resources["Group"].PhysicalID)
			}
			client2, kept := st1.Resources["Client2"].PhysicalID, st1.Resources["Kept"].PhysicalID
			if _, err := c.IdentityProvider().DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: &client2}); !isNotFound(err) {
				t.Errorf("dropped client: %v, want ResourceNotFoundException", err)
			}
			if _, err := c.IdentityProvider().DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &kept}); err != nil {
				t.Errorf("retained pool: %v", err)
			}
			if st.Resources["Client2"] != nil || st.Resources["Kept"] != nil {
				t.Error("dropped resources are still recorded")
			}
			// Bringing the extras back creates them anew: the retained pool
			// is no longer the stack's.
			mustApply(t, e, lifecycleStack, tpl, map[string]string{"GroupName": "staff"})
			if again := loadState(t, c, lifecycleStack).Resources["Kept"].PhysicalID; again == kept {
				t.Error("the retained pool was adopted again")
			}
		})
	})
}

func isNotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

// TestIDsSurviveRestart: a second server on the same database finds the
// stack applied by the first and changes nothing.
func TestIDsSurviveRestart(t *testing.T) {
	db := "sqlite:" + t.TempDir() + "/cirro.db"
	key := cirrotest.NewMasterKey()
	a := cirrotest.Start(t, cirrotest.WithDB(db), cirrotest.WithMasterKey(key))
	mustApply(t, engine(a, nil), lifecycleStack, lifecycle(t), nil)
	before := loadState(t, a, lifecycleStack)

	b := cirrotest.Start(t, cirrotest.WithDB(db), cirrotest.WithMasterKey(key))
	res := mustApply(t, engine(b, nil), lifecycleStack, lifecycle(t), nil)
	if res.Plan.Changes() {
		t.Error("the restarted server changed the stack")
	}
	after := loadState(t, b, lifecycleStack)
	for id, r := range before.Resources {
		if after.Resources[id].PhysicalID != r.PhysicalID {
			t.Errorf("%s: %s became %s", id, r.PhysicalID, after.Resources[id].PhysicalID)
		}
	}
	if countPools(t, b) != 2 {
		t.Errorf("%d pools, want 2", countPools(t, b))
	}
}

// TestConcurrentApplies: two servers started on one database with the
// same template create its resources once.
func TestConcurrentApplies(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := engine(c, nil).Apply(context.Background(), lifecycleStack, lifecycle(t), nil, false)
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n := countPools(t, c); n != 2 {
			t.Errorf("%d pools, want 2", n)
		}
	})
}

// TestRollback: a step that fails undoes everything the apply did before
// it (a create and an update here), and the previous state stands.
func TestRollback(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		var log lines
		e := engine(c, &log)
		mustApply(t, e, lifecycleStack, lifecycle(t), nil)
		before := loadState(t, c, lifecycleStack)
		pool, client := before.Resources["Pool"].PhysicalID, before.Resources["Client"].PhysicalID

		// ZBad comes last (ties are broken by logical id), and only the
		// server can tell that its scope does not exist.
		broken := parse(t, strings.Replace(lifecycleSource(t), "Outputs:", `  Extra:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: !Ref Pool, GroupName: extra}
  ZBad:
    Type: AWS::Cognito::UserPoolClient
    DependsOn: Extra
    Properties:
      UserPoolId: !Ref Pool
      ClientName: bad
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [nowhere/read]
      CallbackURLs: ["https://app.example.com/cb"]
Outputs:`, 1))
		_, err := e.Apply(context.Background(), lifecycleStack, broken, map[string]string{"Callback": "https://app.example.com/changed"}, false)
		if err == nil || !strings.Contains(err.Error(), "ZBad (AWS::Cognito::UserPoolClient)") || !strings.Contains(err.Error(), "nowhere/read") ||
			!strings.Contains(err.Error(), "rolled back") {
			t.Fatalf("error %v", err)
		}
		after := loadState(t, c, lifecycleStack)
		if canon(before.Resources) != canon(after.Resources) {
			t.Errorf("state changed:\nbefore %s\nafter  %s", canon(before.Resources), canon(after.Resources))
		}
		if cb := describeClient(t, c, pool, client).CallbackURLs; cb[0] != "https://app.example.com/cb" {
			t.Errorf("the client's update was not undone: %v", cb)
		}
		if _, err := c.IdentityProvider().GetGroup(context.Background(), &cip.GetGroupInput{UserPoolId: &pool, GroupName: ptr("extra")}); !isNotFound(err) {
			t.Errorf("the created group was not deleted: %v", err)
		}
		if !strings.Contains(log.String(), "rollback: delete Extra") {
			t.Errorf("log:\n%s", log.String())
		}
	})
}

func lifecycleSource(t *testing.T) string {
	data, err := readFile("testdata/templates/lifecycle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func canon(v any) string {
	b, _ := jsonMarshal(v)
	return string(b)
}
