package remote_test

import (
	"context"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/template"
	"github.com/cirrohq/cirro/internal/template/remote"
)

// TestCloud: model requests go through the SDK and come back as model
// responses; the server's errors keep their Cognito type; support is
// probed without side effects.
func TestCloud(t *testing.T) {
	c := cirrotest.Start(t)
	cloud := remote.NewCloud(c.AWSConfig())
	ctx := context.Background()

	name := "remote"
	var created cognitoidp.CreateUserPoolResponse
	if err := cloud.Call(ctx, template.IdentityProvider, "CreateUserPool", &cognitoidp.CreateUserPoolRequest{PoolName: &name}, &created); err != nil {
		t.Fatal(err)
	}
	var described cognitoidp.DescribeUserPoolResponse
	if err := cloud.Call(ctx, template.IdentityProvider, "DescribeUserPool", &cognitoidp.DescribeUserPoolRequest{UserPoolId: created.UserPool.Id}, &described); err != nil {
		t.Fatal(err)
	}
	if *described.UserPool.Name != name || described.UserPool.CreationDate == nil {
		t.Errorf("described %+v", described.UserPool)
	}

	missing := "us-east-1_missing0"
	err := cloud.Call(ctx, template.IdentityProvider, "DescribeUserPool", &cognitoidp.DescribeUserPoolRequest{UserPoolId: &missing}, nil)
	if !errs.Is(err, errs.ResourceNotFoundException) {
		t.Errorf("missing pool: %v", err)
	}
	err = cloud.Call(ctx, template.IdentityProvider, "CreateUserPool", &cognitoidp.CreateUserPoolRequest{}, nil)
	if !errs.Is(err, errs.InvalidParameterException) {
		t.Errorf("invalid request: %v", err)
	}

	for op, want := range map[string]bool{"CreateUserPool": true, "CreateUserPoolReplica": false} {
		got, err := cloud.Supports(ctx, template.IdentityProvider, op)
		if err != nil || got != want {
			t.Errorf("Supports(%s) = %v, %v; want %v", op, got, err, want)
		}
	}
	var list cognitoidp.ListUserPoolsResponse
	if err := cloud.Call(ctx, template.IdentityProvider, "ListUserPools", &cognitoidp.ListUserPoolsRequest{MaxResults: ptr(int32(10))}, &list); err != nil || len(list.UserPools) != 1 {
		t.Errorf("the probes created something: %v %v", list.UserPools, err)
	}
}

// TestStates keeps a stack's state through the server's stack API.
func TestStates(t *testing.T) {
	c := cirrotest.Start(t)
	st := remote.NewStates(c.AWSConfig())
	ctx := context.Background()
	r := &template.ResourceState{LogicalID: "Pool", Type: "AWS::Cognito::UserPool", PhysicalID: "us-east-1_abc",
		Properties: map[string]any{"UserPoolName": "p"}}
	if err := st.PutResource(ctx, "S", r); err != nil {
		t.Fatal(err)
	}
	if err := st.PutOutputs(ctx, "S", []template.OutputValue{{Key: "PoolId", Value: "us-east-1_abc"}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(ctx, "S")
	if err != nil || got.Resources["Pool"].PhysicalID != "us-east-1_abc" || got.Outputs[0].Value != "us-east-1_abc" {
		t.Fatalf("loaded %+v, %v", got, err)
	}
	env, err := st.Env(ctx, "S")
	if err != nil || env.Region != c.Region || env.AccountID == "" {
		t.Errorf("env %+v, %v", env, err)
	}
	token, err := st.Lock(ctx, "S", "a", 60e9)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Lock(ctx, "S", "b", 60e9); err != template.ErrLocked {
		t.Errorf("second lock: %v, want ErrLocked", err)
	}
	if err := st.Unlock(ctx, "S", token); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteResource(ctx, "S", "Pool"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Load(ctx, "S"); len(got.Resources) != 0 {
		t.Errorf("resources left: %v", got.Resources)
	}
	names, err := st.ListStacks(ctx)
	if err != nil || len(names) != 1 || names[0] != "S" {
		t.Errorf("stacks %v, %v", names, err)
	}
	if _, err := st.Load(ctx, "not a stack name"); !errs.Is(err, errs.InvalidParameterException) {
		t.Errorf("bad name: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
