package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// Each way a sign-in is refused, with Cognito's error type and message,
// one row each.
func TestSignInErrors(t *testing.T) {
	clk := familyClock()
	f := newAuthFixture(t, cirrotest.WithClock(clk))
	idp, poolID, clientID := f.idp, f.poolID, f.clientID
	ctx := context.Background()

	defaultClient, _ := appClient(t, idp, poolID) // SRP, refresh and custom only
	adminOnly, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	legacy, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAdminNoSrpAuth}
	})
	hiding, _ := appClient(t, idp, poolID, allFlows, hidingUsers)
	rotating, _ := appClient(t, idp, poolID, allFlows, func(in *cip.CreateUserPoolClientInput) {
		in.RefreshTokenRotation = &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled}
	})
	otherPool := newFamilyPool(t, idp)

	// Users in every state.
	createConfirmed(t, idp, poolID, "dora", "dora@example.com")
	if _, err := idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String("dora")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("ulf"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "ulf@example.com")}); err != nil {
		t.Fatal(err)
	}
	createConfirmed(t, idp, poolID, "rita", "rita@example.com")
	if _, err := idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("rita")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("tess"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(8 * 24 * time.Hour) // past the default 7 days of temporary passwords
	amy, err := passwordSignIn(idp, clientID, "amy", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	rt := aws.ToString(amy.AuthenticationResult.RefreshToken)

	initiate := func(client string, flow types.AuthFlowType, params ...string) func() error {
		return func() error {
			p := map[string]string{}
			for i := 0; i+1 < len(params); i += 2 {
				p[params[i]] = params[i+1]
			}
			_, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: flow, ClientId: &client, AuthParameters: p})
			return err
		}
	}
	adminInitiate := func(pool, client string, flow types.AuthFlowType, params ...string) func() error {
		return func() error {
			p := map[string]string{}
			for i := 0; i+1 < len(params); i += 2 {
				p[params[i]] = params[i+1]
			}
			_, err := idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &pool, AuthFlow: flow, ClientId: &client, AuthParameters: p})
			return err
		}
	}
	pw := types.AuthFlowTypeUserPasswordAuth
	adminPw := types.AuthFlowTypeAdminUserPasswordAuth
	srpFlow := types.AuthFlowTypeUserSrpAuth
	srpA := srptest.NewClient(poolID, userPassword).SRPA()
	srpOnly, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth}
	})
	for _, r := range []struct {
		name, code, msg string
		call            func() error
	}{
		{"USER_PASSWORD_AUTH not enabled", "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client",
			initiate(defaultClient, pw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"USER_SRP_AUTH not enabled", "InvalidParameterException", "USER_SRP_AUTH is not enabled for the client.",
			initiate(adminOnly, srpFlow, "USERNAME", "amy", "SRP_A", srpA)},
		{"ADMIN_USER_PASSWORD_AUTH not enabled", "InvalidParameterException", "Auth flow not enabled for this client",
			adminInitiate(poolID, defaultClient, adminPw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"REFRESH_TOKEN_AUTH not enabled", "InvalidParameterException", "Auth flow not enabled for this client",
			initiate(srpOnly, types.AuthFlowTypeRefreshTokenAuth, "REFRESH_TOKEN", rt)},
		{"admin flow on InitiateAuth", "InvalidParameterException", "Initiate Auth method not supported.",
			initiate(clientID, adminPw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"public flow on AdminInitiateAuth", "InvalidParameterException", "Initiate Auth method not supported.",
			adminInitiate(poolID, clientID, pw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"CUSTOM_AUTH without the triggers", "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.",
			initiate(defaultClient, types.AuthFlowTypeCustomAuth, "USERNAME", "amy")},
		{"no USERNAME", "InvalidParameterException", "Missing required parameter USERNAME", initiate(clientID, pw, "PASSWORD", userPassword)},
		{"no PASSWORD", "InvalidParameterException", "Missing required parameter PASSWORD", initiate(clientID, pw, "USERNAME", "amy")},
		{"no SRP_A", "InvalidParameterException", "Missing required parameter SRP_A", initiate(clientID, srpFlow, "USERNAME", "amy")},
		{"no REFRESH_TOKEN", "InvalidParameterException", "Missing required parameter REFRESH_TOKEN", initiate(clientID, types.AuthFlowTypeRefreshTokenAuth)},
		{"SRP_A of 0", "InvalidParameterException", "SRP_A", initiate(clientID, srpFlow, "USERNAME", "amy", "SRP_A", "0")},
		{"SRP_A of N", "InvalidParameterException", "SRP_A", initiate(clientID, srpFlow, "USERNAME", "amy", "SRP_A", srptest.NHex())},
		{"SRP_A not hex", "InvalidParameterException", "SRP_A", initiate(clientID, srpFlow, "USERNAME", "amy", "SRP_A", "-12zz")},
		{"wrong password", "NotAuthorizedException", "Incorrect username or password.", initiate(clientID, pw, "USERNAME", "amy", "PASSWORD", "Wr0ng-pass!")},
		{"unknown user", "UserNotFoundException", "User does not exist.", initiate(clientID, pw, "USERNAME", "nobody", "PASSWORD", userPassword)},
		{"unknown user, SRP", "UserNotFoundException", "User does not exist.", initiate(clientID, srpFlow, "USERNAME", "nobody", "SRP_A", srpA)},
		{"unknown user, admin", "UserNotFoundException", "User does not exist.", adminInitiate(poolID, clientID, adminPw, "USERNAME", "nobody", "PASSWORD", userPassword)},
		{"unknown user hidden", "NotAuthorizedException", "Incorrect username or password.", initiate(hiding, pw, "USERNAME", "nobody", "PASSWORD", userPassword)},
		{"disabled user", "NotAuthorizedException", "User is disabled.", initiate(clientID, pw, "USERNAME", "dora", "PASSWORD", userPassword)},
		{"disabled user, SRP", "NotAuthorizedException", "User is disabled.", initiate(clientID, srpFlow, "USERNAME", "dora", "SRP_A", srpA)},
		{"unconfirmed user", "UserNotConfirmedException", "User is not confirmed.", initiate(clientID, pw, "USERNAME", "ulf", "PASSWORD", userPassword)},
		{"unconfirmed user, wrong password", "NotAuthorizedException", "Incorrect username or password.", initiate(clientID, pw, "USERNAME", "ulf", "PASSWORD", "Wr0ng-pass!")},
		{"reset required", "PasswordResetRequiredException", "Password reset required for the user", initiate(clientID, pw, "USERNAME", "rita", "PASSWORD", userPassword)},
		{"expired temporary password", "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.",
			initiate(clientID, pw, "USERNAME", "tess", "PASSWORD", "Temp-Passw0rd!")},
		{"unknown client", "ResourceNotFoundException", "User pool client 1example23456789example12 does not exist.",
			initiate("1example23456789example12", pw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"unknown pool", "ResourceNotFoundException", "does not exist.", adminInitiate("us-east-1_NoSuchOne", clientID, adminPw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"client of another pool", "ResourceNotFoundException", "User pool client " + clientID + " does not exist.",
			adminInitiate(otherPool, clientID, adminPw, "USERNAME", "amy", "PASSWORD", userPassword)},
		{"unknown refresh token", "NotAuthorizedException", "Invalid Refresh Token.", initiate(clientID, types.AuthFlowTypeRefreshTokenAuth, "REFRESH_TOKEN", "bm90LWEtdG9rZW4")},
		{"refresh token of another client", "NotAuthorizedException", "Invalid Refresh Token.", initiate(hiding, types.AuthFlowTypeRefreshTokenAuth, "REFRESH_TOKEN", rt)},
		{"REFRESH_TOKEN_AUTH with rotation", "InvalidParameterException", "GetTokensFromRefreshToken",
			initiate(rotating, types.AuthFlowTypeRefreshTokenAuth, "REFRESH_TOKEN", rt)},
	} {
		t.Run(r.name, func(t *testing.T) { wantCognitoErr(t, r.call(), r.code, r.msg) })
	}
	// The legacy ADMIN_NO_SRP_AUTH client still signs in with SRP.
	if _, err := srpSignIn(idp, poolID, legacy, "amy", userPassword, clk.Now()); err != nil {
		t.Fatalf("SRP on a legacy client: %v", err)
	}
	// With users hidden, SRP for an unknown name fails only at the proof,
	// as a wrong password, and the challenge looks like a real one: the
	// same SALT on every attempt.
	var salts []string
	for range 2 {
		cl := srptest.NewClient(poolID, userPassword)
		start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: srpFlow, ClientId: &hiding,
			AuthParameters: map[string]string{"USERNAME": "nobody", "SRP_A": cl.SRPA()}})
		if err != nil {
			t.Fatal(err)
		}
		p := start.ChallengeParameters
		if p["USER_ID_FOR_SRP"] != "nobody" || len(p["SRP_B"]) < 700 || p["SECRET_BLOCK"] == "" {
			t.Fatalf("decoy challenge %v", p)
		}
		salts = append(salts, p["SALT"])
		answer, err := cl.PasswordVerifier(p, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		_, err = idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &hiding, ChallengeResponses: answer})
		wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	if salts[0] != salts[1] {
		t.Fatalf("decoy salts differ: %v", salts)
	}
	// SRP with a wrong password fails at the proof.
	_, err = srpSignIn(idp, poolID, clientID, "amy", "Wr0ng-pass!", clk.Now())
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
}
