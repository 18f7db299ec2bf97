package api_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
)

type limitAnswer struct {
	Limit struct {
		LimitDefinition struct {
			LimitClass string
			Attributes map[string]string
		}
		ProvisionedLimitValue int
		FreeLimitValue        int
	}
}

func apiDefinition(category string) map[string]any {
	return map[string]any{"LimitClass": "API_CATEGORY", "Attributes": map[string]string{"Category": category}}
}

func getLimit(t *testing.T, c *cirrotest.Server, category string) (provisioned, free int) {
	t.Helper()
	var out limitAnswer
	if err := signedCall(t, c, "GetProvisionedLimit", map[string]any{"LimitDefinition": apiDefinition(category)}, &out); err != nil {
		t.Fatalf("GetProvisionedLimit %s: %v", category, err)
	}
	if d := out.Limit.LimitDefinition; d.LimitClass != "API_CATEGORY" || d.Attributes["Category"] != category || len(d.Attributes) != 1 {
		t.Fatalf("GetProvisionedLimit %s: definition %+v", category, d)
	}
	return out.Limit.ProvisionedLimitValue, out.Limit.FreeLimitValue
}

func updateLimit(t *testing.T, c *cirrotest.Server, category string, v int) (limitAnswer, error) {
	t.Helper()
	var out limitAnswer
	err := signedCall(t, c, "UpdateProvisionedLimit", map[string]any{"LimitDefinition": apiDefinition(category), "RequestedLimitValue": v}, &out)
	return out, err
}

func TestProvisionedLimitDefaults(t *testing.T) {
	c := cirrotest.Start(t)
	for cat, want := range map[string]int{
		"UserAuthentication": 120, "UserCreation": 50, "UserFederation": 25, "UserAccountRecovery": 30,
		"UserRead": 120, "UserUpdate": 25, "UserToken": 120, "UserResourceRead": 50, "UserResourceUpdate": 25,
		"UserList": 30, "UserPoolRead": 15, "UserPoolUpdate": 15, "UserPoolResourceRead": 20,
		"UserPoolResourceUpdate": 15, "UserPoolClientRead": 15, "UserPoolClientUpdate": 15,
		"ClientAuthentication": 150, "LimitManagement": 1,
	} {
		if p, f := getLimit(t, c, cat); p != want || f != want {
			t.Errorf("%s: provisioned %d, free %d, want %d", cat, p, f, want)
		}
	}
	for name, def := range map[string]map[string]any{
		"unknown category":  apiDefinition("UserTeleportation"),
		"no Category key":   {"LimitClass": "API_CATEGORY", "Attributes": map[string]string{"Kind": "UserRead"}},
		"extra attribute":   {"LimitClass": "API_CATEGORY", "Attributes": map[string]string{"Category": "UserRead", "Pool": "x"}},
		"other limit class": {"LimitClass": "RESOURCE", "Attributes": map[string]string{"Category": "UserRead"}},
	} {
		var out limitAnswer
		err := signedCall(t, c, "GetProvisionedLimit", map[string]any{"LimitDefinition": def}, &out)
		if !isCode(err, errs.InvalidParameterException) {
			t.Errorf("%s: %v, want InvalidParameterException", name, err)
		}
	}
}

func TestUpdateProvisionedLimit(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithConfig(func(cfg *config.Config) {
		cfg.Quotas.Max = map[string]int{"UserCreation": 400}
	}))
	out, err := updateLimit(t, c, "UserAuthentication", 300)
	if err != nil {
		t.Fatal(err)
	}
	if out.Limit.ProvisionedLimitValue != 300 || out.Limit.FreeLimitValue != 120 || out.Limit.LimitDefinition.Attributes["Category"] != "UserAuthentication" {
		t.Fatalf("update answered %+v", out.Limit)
	}
	if p, f := getLimit(t, c, "UserAuthentication"); p != 300 || f != 120 {
		t.Fatalf("after update: provisioned %d, free %d", p, f)
	}
	// Back to the default, and the bounds of a configured maximum.
	for _, v := range []int{120, 50, 400} {
		if _, err := updateLimit(t, c, map[bool]string{true: "UserAuthentication", false: "UserCreation"}[v == 120], v); err != nil {
			t.Fatalf("update to %d: %v", v, err)
		}
	}
	if p, _ := getLimit(t, c, "UserCreation"); p != 400 {
		t.Fatalf("UserCreation %d, want 400", p)
	}
	for _, tc := range []struct {
		cat  string
		v    int
		want errs.Code
	}{
		{"UserAuthentication", 119, errs.InvalidParameterException},      // below the default
		{"UserAuthentication", 0, errs.InvalidParameterException},        // below the default
		{"UserAuthentication", 1201, errs.ServiceQuotaExceededException}, // above 10× the default
		{"UserCreation", 401, errs.ServiceQuotaExceededException},        // above the configured max
		{"UserList", 30, errs.InvalidParameterException},                 // not adjustable
		{"LimitManagement", 2, errs.InvalidParameterException},           // not adjustable
		{"UserTeleportation", 200, errs.InvalidParameterException},       // no such category
	} {
		if _, err := updateLimit(t, c, tc.cat, tc.v); !isCode(err, tc.want) {
			t.Errorf("%s to %d: %v, want %s", tc.cat, tc.v, err, tc.want)
		}
	}
	if p, _ := getLimit(t, c, "UserAuthentication"); p != 120 {
		t.Fatalf("a refused update changed the limit to %d", p)
	}

	// A pool with a managed-login domain freezes UserAuthentication and
	// UserFederation; a classic hosted-UI domain does not.
	idp := c.IdentityProvider()
	ctx := context.Background()
	classic := newFamilyPool(t, idp)
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &classic, Domain: aws.String("classic-ui")}); err != nil {
		t.Fatal(err)
	}
	if _, err := updateLimit(t, c, "UserFederation", 30); err != nil {
		t.Fatalf("classic hosted UI: %v", err)
	}
	managed := newFamilyPool(t, idp)
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &managed, Domain: aws.String("managed-ui"), ManagedLoginVersion: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	for _, cat := range []string{"UserAuthentication", "UserFederation"} {
		if _, err := updateLimit(t, c, cat, 200); !isCode(err, errs.InvalidParameterException) {
			t.Errorf("%s with a managed-login pool: %v, want InvalidParameterException", cat, err)
		}
	}
	if _, err := updateLimit(t, c, "UserRead", 200); err != nil {
		t.Fatalf("UserRead with a managed-login pool: %v", err)
	}
}

func TestQuotasOffByDefault(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider(noRetries)
	poolID := newFamilyPool(t, idp)
	inviteUser(t, idp, poolID, "burst", "Temporary1!")
	for i := range 500 {
		if _, err := idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("burst")}); err != nil {
			t.Fatalf("AdminGetUser %d of 500 without quotas.enforce: %v", i+1, err)
		}
	}
}

func TestQuotasEnforced(t *testing.T) {
	clk := clock.NewFake(time.Now())
	c := cirrotest.Start(t, cirrotest.WithClock(clk), cirrotest.WithConfig(func(cfg *config.Config) { cfg.Quotas.Enforce = true }))
	idp := c.IdentityProvider(noRetries)
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	inviteUser(t, idp, poolID, "reader", "Temporary1!")
	get := func() error {
		_, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("reader")})
		return err
	}
	burst := func(n int) {
		t.Helper()
		for i := range n {
			if err := get(); err != nil {
				t.Fatalf("AdminGetUser %d of a burst of %d: %v", i+1, n, err)
			}
		}
		err := get()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "TooManyRequestsException" || ae.ErrorMessage() != "Rate exceeded" {
			t.Fatalf("AdminGetUser after a burst of %d: %v, want TooManyRequestsException: Rate exceeded", n, err)
		}
	}
	burst(120) // UserRead's default quota
	clk.Advance(500 * time.Millisecond)
	burst(60) // half a second refills half the bucket
	clk.Advance(time.Second)

	// A raised provisioned limit applies at once.
	if _, err := updateLimit(t, c, "UserRead", 200); err != nil {
		t.Fatal(err)
	}
	if _, err := updateLimit(t, c, "UserRead", 200); !isCode(err, errs.TooManyRequestsException) {
		t.Fatalf("second UpdateProvisionedLimit in one second (LimitManagement is 1 RPS): %v", err)
	}
	clk.Advance(time.Second)
	burst(200)

	// A throttled request does no work.
	clk.Advance(time.Second)
	for i := range 50 { // UserCreation's quota
		inviteUser(t, idp, poolID, fmt.Sprintf("new%d", i), "Temporary1!")
	}
	_, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("one-too-many"), TemporaryPassword: aws.String("Temporary1!")})
	if !isCode(err, errs.TooManyRequestsException) {
		t.Fatalf("51st AdminCreateUser: %v", err)
	}
	if _, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("one-too-many")}); !isCode(err, errs.UserNotFoundException) {
		t.Fatalf("the throttled user exists: %v", err)
	}
}

// noRetries keeps the SDK from retrying a throttled call, which it does
// by default for TooManyRequestsException.
func noRetries(o *cip.Options) { o.RetryMaxAttempts = 1 }

// A provisioned limit is one account-wide record, inserted then updated.
func TestProvisionedLimitStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		for _, v := range []int{150, 130} {
			if _, err := updateLimit(t, c, "UserToken", v); err != nil {
				t.Fatalf("update to %d: %v", v, err)
			}
			if p, f := getLimit(t, c, "UserToken"); p != v || f != 120 {
				t.Fatalf("after update to %d: provisioned %d, free %d", v, p, f)
			}
		}
	})
}
