package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// selfOps calls every token-authorized operation with an access token,
// the other parameters valid.
var selfOps = map[string]func(ctx context.Context, idp *cip.Client, at string) error{
	"GetUser": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &at})
		return err
	},
	"UpdateUserAttributes": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at, UserAttributes: uattrs("given_name", "Z")})
		return err
	},
	"DeleteUserAttributes": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: &at, UserAttributeNames: []string{"given_name"}})
		return err
	},
	"GetUserAttributeVerificationCode": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: &at, AttributeName: aws.String("email")})
		return err
	},
	"VerifyUserAttribute": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: &at, AttributeName: aws.String("email"), Code: aws.String("123456")})
		return err
	},
	"ChangePassword": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: &at, PreviousPassword: aws.String(userPassword), ProposedPassword: aws.String("N3w-Passw0rd!")})
		return err
	},
	"SetUserSettings": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: &at, MFAOptions: []types.MFAOptionType{}})
		return err
	},
	"DeleteUser": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: &at})
		return err
	},
	"GlobalSignOut": func(ctx context.Context, idp *cip.Client, at string) error {
		_, err := idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: &at})
		return err
	},
}

// Every token-authorized operation refuses, with NotAuthorizedException
// and Cognito's message, a token that is garbage, an ID token, a token
// without aws.cognito.signin.user.admin, one of a deleted app client, one
// revoked by a global sign-out or by RevokeToken, one of a disabled user,
// one signed by another cirro, and an expired one; and refuses a user
// whose password must be reset. A refused request changes nothing.
func TestSelfServiceTokenErrors(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail)
	clientID, _ := appClient(t, idp, poolID)
	doomed, _ := appClient(t, idp, poolID)
	for _, name := range []string{"ok", "out", "rvk", "off", "reset"} {
		createConfirmed(t, idp, poolID, name, name+"@example.com", "given_name", "G")
	}
	other := cirrotest.Start(t)
	otherPool := newFamilyPool(t, other.IdentityProvider())
	otherClient, _ := appClient(t, other.IdentityProvider(), otherPool)
	createConfirmed(t, other.IdentityProvider(), otherPool, "ok", "ok@example.com")

	ok := signIn(t, c, poolID, clientID, "ok")
	signedOut := signIn(t, c, poolID, clientID, "out").AccessToken
	revoked := signIn(t, c, poolID, clientID, "rvk")
	disabled := signIn(t, c, poolID, clientID, "off").AccessToken
	ofDeletedClient := signIn(t, c, poolID, doomed, "ok").AccessToken
	reset := signIn(t, c, poolID, clientID, "reset").AccessToken
	// AdminDisableUser revokes by TokensValidAfter, which iat (whole
	// seconds) can only compare from the next second on.
	clk.Advance(time.Second)
	if _, err := idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: &signedOut}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: &revoked.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String("off")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &doomed}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("reset")}); err != nil {
		t.Fatal(err)
	}

	rows := []struct {
		name, token, code, msg string
	}{
		{"garbage", "not-a-token", "NotAuthorizedException", "Invalid Access Token"},
		{"ID token", ok.IDToken, "NotAuthorizedException", "Invalid Access Token"},
		{"without the admin scope", signIn(t, c, poolID, clientID, "ok", "openid", "email").AccessToken, "NotAuthorizedException", "Access Token does not have required scopes"},
		{"of a deleted client", ofDeletedClient, "NotAuthorizedException", "Invalid Access Token"},
		{"after GlobalSignOut", signedOut, "NotAuthorizedException", "Access Token has been revoked"},
		{"after RevokeToken", revoked.AccessToken, "NotAuthorizedException", "Access Token has been revoked"},
		{"of a disabled user", disabled, "NotAuthorizedException", "Access Token has been revoked"},
		{"signed by another cirro", signIn(t, other, otherPool, otherClient, "ok").AccessToken, "NotAuthorizedException", "Invalid Access Token"},
		{"of a user who must reset the password", reset, "PasswordResetRequiredException", "Password reset required for the user"},
	}
	before := adminGet(t, idp, poolID, "ok")
	for _, r := range rows {
		for op, call := range selfOps {
			t.Run(r.name+"/"+op, func(t *testing.T) { wantCognitoErr(t, call(ctx, idp, r.token), r.code, r.msg) })
		}
	}
	// Expiry last: the clock moves past the access token's hour.
	clk.Advance(time.Hour + time.Second)
	for op, call := range selfOps {
		t.Run("expired/"+op, func(t *testing.T) {
			wantCognitoErr(t, call(ctx, idp, ok.AccessToken), "NotAuthorizedException", "Access Token has expired")
		})
	}
	clk.Advance(-time.Hour - time.Second)
	after := adminGet(t, idp, poolID, "ok")
	if !after.UserLastModifiedDate.Equal(*before.UserLastModifiedDate) || attrOf(after.UserAttributes, "given_name") != "G" {
		t.Fatalf("a refused request changed the user: %v", after.UserAttributes)
	}
	// The same token still works: nothing above revoked it.
	if _, err := idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &ok.AccessToken}); err != nil {
		t.Fatal(err)
	}
}
