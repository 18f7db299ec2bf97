package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestRiskConfiguration: the pool-wide configuration ("ALL") is what a
// client without its own inherits; a client's own replaces it; a request
// with nothing but the ids resets; bad IP ranges and unknown clients are
// refused and change nothing.
func TestRiskConfiguration(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	pool := newFamilyPool(t, idp)
	client, _ := appClient(t, idp, pool)

	describe := func(clientID *string) *types.RiskConfigurationType {
		t.Helper()
		out, err := idp.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &pool, ClientId: clientID})
		if err != nil {
			t.Fatal(err)
		}
		return out.RiskConfiguration
	}
	if got := describe(nil); aws.ToString(got.ClientId) != "ALL" || got.CompromisedCredentialsRiskConfiguration != nil {
		t.Fatalf("fresh pool: %+v", got)
	}

	poolWide := &cip.SetRiskConfigurationInput{UserPoolId: &pool,
		CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
			Actions:     &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock},
			EventFilter: []types.EventFilterType{types.EventFilterTypeSignIn}},
		RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{BlockedIPRangeList: []string{"192.0.2.0/24"}},
	}
	if _, err := idp.SetRiskConfiguration(ctx, poolWide); err != nil {
		t.Fatal(err)
	}
	got := describe(&client)
	if aws.ToString(got.ClientId) != "ALL" || got.CompromisedCredentialsRiskConfiguration.Actions.EventAction != types.CompromisedCredentialsEventActionTypeBlock ||
		got.RiskExceptionConfiguration.BlockedIPRangeList[0] != "192.0.2.0/24" || got.LastModifiedDate == nil {
		t.Fatalf("client inherits the pool's: %+v", got)
	}

	own := &cip.SetRiskConfigurationInput{UserPoolId: &pool, ClientId: &client,
		AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{
			HighAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeBlock, Notify: false}}}}
	if _, err := idp.SetRiskConfiguration(ctx, own); err != nil {
		t.Fatal(err)
	}
	if got := describe(&client); aws.ToString(got.ClientId) != client || got.CompromisedCredentialsRiskConfiguration != nil ||
		got.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction != types.AccountTakeoverEventActionTypeBlock {
		t.Fatalf("client's own: %+v", got)
	}

	// Refused, and nothing changes.
	bad := []struct {
		in   *cip.SetRiskConfigurationInput
		code string
	}{
		{&cip.SetRiskConfigurationInput{UserPoolId: &pool, RiskExceptionConfiguration: &types.RiskExceptionConfigurationType{SkippedIPRangeList: []string{"not-a-range"}}}, "InvalidParameterException"},
		{&cip.SetRiskConfigurationInput{UserPoolId: &pool, AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{
			LowAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeNoAction, Notify: true}}}}, "InvalidParameterException"},
		{&cip.SetRiskConfigurationInput{UserPoolId: &pool, ClientId: aws.String("0000000000000000000000000a")}, "ResourceNotFoundException"},
		{&cip.SetRiskConfigurationInput{UserPoolId: aws.String("us-east-1_NoSuchPoo")}, "ResourceNotFoundException"},
	}
	for i, tc := range bad {
		_, err := idp.SetRiskConfiguration(ctx, tc.in)
		t.Logf("case %d: %v", i, err)
		wantCode(t, err, tc.code, "")
	}
	if got := describe(nil); got.RiskExceptionConfiguration.BlockedIPRangeList[0] != "192.0.2.0/24" {
		t.Fatalf("a refused request changed the pool's configuration: %+v", got)
	}

	// Only the ids: the client inherits again; then the pool resets.
	if _, err := idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &pool, ClientId: &client}); err != nil {
		t.Fatal(err)
	}
	if got := describe(&client); aws.ToString(got.ClientId) != "ALL" {
		t.Fatalf("after reset the client should inherit: %+v", got)
	}
	if _, err := idp.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: &pool}); err != nil {
		t.Fatal(err)
	}
	if got := describe(nil); got.CompromisedCredentialsRiskConfiguration != nil || got.RiskExceptionConfiguration != nil {
		t.Fatalf("after reset the pool should have defaults: %+v", got)
	}
}
