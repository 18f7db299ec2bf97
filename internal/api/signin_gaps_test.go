package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

// A client rotating its secret has two: SECRET_HASH made with either is
// accepted by every flow and every operation that takes one; a hash made
// with a secret the client does not have is refused.
func TestSecretHashAnyActiveSecret(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, first := appClient(t, idp, poolID, allFlows, withSecret)
	added, err := idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID})
	if err != nil {
		t.Fatal(err)
	}
	second := aws.ToString(added.ClientSecretDescriptor.ClientSecretValue)
	if second == "" || second == first {
		t.Fatalf("second secret %q", second)
	}
	createConfirmed(t, idp, poolID, "cy", "cy@example.com")
	bad := "Unable to verify secret hash for client " + clientID

	for _, secret := range []string{first, second} {
		hash := func(name string) *string { return aws.String(user.SecretHash(secret, name, clientID)) }
		out, err := passwordSignIn(idp, clientID, "cy", userPassword, "SECRET_HASH", *hash("cy"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &clientID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken, "SECRET_HASH": *hash("cy")}}); err != nil {
			t.Fatal(err)
		}
		cl := srptest.NewClient(poolID, userPassword)
		start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
			AuthParameters: map[string]string{"USERNAME": "cy", "SRP_A": cl.SRPA(), "SECRET_HASH": *hash("cy")}})
		if err != nil {
			t.Fatal(err)
		}
		answer, err := cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		answer["SECRET_HASH"] = *hash("cy")
		if _, err := idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ClientId: &clientID, ChallengeResponses: answer}); err != nil {
			t.Fatal(err)
		}
		// The public operations: a hash that verifies lets the operation
		// reach its own checks.
		name := "new-" + secret[:6]
		if _, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String(userPassword), SecretHash: hash(name),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}}); err != nil {
			t.Fatal(err)
		}
		// The pool verifies nothing automatically: past the hash, Cognito's
		// answer is that codes cannot be resent.
		_, err = idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: &name, SecretHash: hash(name)})
		wantCognitoErr(t, err, "InvalidParameterException", "Auto verification not turned on")
		_, err = idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String("000000"), SecretHash: hash(name)})
		wantCognitoErr(t, err, "ExpiredCodeException", "") // no code was ever sent
		if _, err := idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("cy"), SecretHash: hash("cy")}); err != nil {
			t.Fatal(err)
		}
		_, err = idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("cy"), SecretHash: hash("cy"),
			ConfirmationCode: aws.String("000000"), Password: aws.String("An0ther-Passw0rd!")})
		wantCognitoErr(t, err, "CodeMismatchException", "")
	}

	wrong := aws.String(user.SecretHash("not-a-secret-of-this-client", "cy", clientID))
	_, err = passwordSignIn(idp, clientID, "cy", userPassword, "SECRET_HASH", *wrong)
	wantCognitoErr(t, err, "NotAuthorizedException", bad)
	_, err = idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("cy"), SecretHash: wrong})
	wantCognitoErr(t, err, "NotAuthorizedException", bad)
	_, err = idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("cy"), Password: aws.String(userPassword), SecretHash: wrong})
	wantCognitoErr(t, err, "NotAuthorizedException", bad)
	_, err = idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("cy"), SecretHash: wrong})
	wantCognitoErr(t, err, "NotAuthorizedException", bad)
	_, err = idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("cy"), ConfirmationCode: aws.String("000000"), SecretHash: wrong})
	wantCognitoErr(t, err, "NotAuthorizedException", bad)
	_, err = idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("cy"), SecretHash: wrong,
		ConfirmationCode: aws.String("000000"), Password: aws.String("An0ther-Passw0rd!")})
	wantCognitoErr(t, err, "NotAuthorizedException", bad)

	// Once the first secret is deleted, its hashes stop working.
	list, err := idp.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: &poolID, ClientId: &clientID})
	if err != nil || len(list.ClientSecrets) != 2 {
		t.Fatalf("secrets %v %v", list, err)
	}
	if _, err := idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID,
		ClientSecretId: list.ClientSecrets[0].ClientSecretId}); err != nil {
		t.Fatal(err)
	}
	_, err = passwordSignIn(idp, clientID, "cy", userPassword, "SECRET_HASH", user.SecretHash(first, "cy", clientID))
	wantCognitoErr(t, err, "NotAuthorizedException", bad)
	if _, err := passwordSignIn(idp, clientID, "cy", userPassword, "SECRET_HASH", user.SecretHash(second, "cy", clientID)); err != nil {
		t.Fatal(err)
	}
}

// NEW_PASSWORD_REQUIRED commits the attributes, the password and the
// status together: a password the policy refuses, or an attribute the
// client may not write, changes nothing, and the temporary password still
// works.
func TestNewPasswordRequiredAtomic(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("family_name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}}
	})
	clientID, _ := appClient(t, idp, poolID, allFlows, func(in *cip.CreateUserPoolClientInput) {
		in.WriteAttributes = []string{"family_name", "email"}
	})
	const temp = "Temp-0rary-pw!"
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("rose"),
		TemporaryPassword: aws.String(temp), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	challenge := func() *string {
		t.Helper()
		out, err := passwordSignIn(idp, clientID, "rose", temp)
		if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("sign-in: %v %v", out, err)
		}
		return out.Session
	}
	answer := func(session *string, kv ...string) (*cip.RespondToAuthChallengeOutput, error) {
		r := map[string]string{"USERNAME": "rose"}
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i]] = kv[i+1]
		}
		return idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			ClientId: &clientID, Session: session, ChallengeResponses: r})
	}
	unchanged := func(what string) {
		t.Helper()
		u, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("rose")})
		if err != nil {
			t.Fatal(err)
		}
		if u.UserStatus != types.UserStatusTypeForceChangePassword || attrOf(u.UserAttributes, "family_name") != "" {
			t.Fatalf("%s: status %s, attributes %v", what, u.UserStatus, u.UserAttributes)
		}
	}

	_, err := answer(challenge(), "NEW_PASSWORD", "short", "userAttributes.family_name", "Tyler")
	wantCognitoErr(t, err, "InvalidPasswordException", "")
	unchanged("weak password")
	_, err = answer(challenge(), "NEW_PASSWORD", "New-Passw0rd!", "userAttributes.family_name", "Tyler", "userAttributes.given_name", "Rose")
	wantCognitoErr(t, err, "NotAuthorizedException", "")
	unchanged("attribute the client may not write")
	_, err = answer(challenge(), "NEW_PASSWORD", "New-Passw0rd!", "userAttributes.family_name", "Tyler", "userAttributes.email", "not-an-email")
	wantCognitoErr(t, err, "InvalidParameterException", "")
	unchanged("invalid email")

	out, err := answer(challenge(), "NEW_PASSWORD", "New-Passw0rd!", "userAttributes.family_name", "Tyler")
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("answer: %v %v", out, err)
	}
	if id := cirrotest.Claims(t, *out.AuthenticationResult.IdToken); id["family_name"] != "Tyler" {
		t.Errorf("ID token family_name %v", id["family_name"])
	}
	u, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("rose")})
	if err != nil || u.UserStatus != types.UserStatusTypeConfirmed || attrOf(u.UserAttributes, "family_name") != "Tyler" {
		t.Fatalf("after: %v %v", u, err)
	}
	if _, err := passwordSignIn(idp, clientID, "rose", "New-Passw0rd!"); err != nil {
		t.Fatal(err)
	}
}

// A post authentication function that fails leaves the sign-in's event
// failed, never PASS; one that succeeds leaves it PASS.
func TestPostAuthenticationFailureNoPassEvent(t *testing.T) {
	f := newFunctions(t)
	fail := true
	f.on(trigger.PostAuthenticationAuthentication, func(ev map[string]any) (int, any) {
		if fail {
			return http.StatusBadRequest, map[string]string{"errorType": "Error", "errorMessage": "No"}
		}
		return http.StatusOK, ev
	})
	fx := triggerFixtureOn(t, f, &types.LambdaConfigType{PostAuthentication: aws.String(fnARN + "postauth")}, threatProtection,
		withWebhookTriggers(f.webhook().URL, 2*time.Second, 1))
	ctx := context.Background()
	events := func() []types.AuthEventType {
		t.Helper()
		out, err := fx.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &fx.poolID, Username: aws.String("amy")})
		if err != nil {
			t.Fatal(err)
		}
		return out.AuthEvents
	}
	_, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	wantAPIError(t, err, "UserLambdaValidationException", "PostAuthentication failed with error No.")
	_, err = srpSignIn(fx.idp, fx.poolID, fx.clientID, "amy", userPassword, time.Now())
	wantAPIError(t, err, "UserLambdaValidationException", "PostAuthentication failed with error No.")
	evs := events()
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	for _, ev := range evs {
		if ev.EventResponse != types.EventResponseTypeFail {
			t.Errorf("event after a failed post authentication: %s", ev.EventResponse)
		}
	}
	fail = false
	if _, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword); err != nil {
		t.Fatal(err)
	}
	if evs := events(); len(evs) != 3 || evs[0].EventResponse != types.EventResponseTypePass {
		t.Fatalf("events %+v", evs)
	}
}

// AdminDisableUser revokes the user's tokens at once, in the same second
// as they were issued: refresh and token-authorized operations fail.
// Enabling the user again does not bring them back.
func TestDisableUserRevokesTokens(t *testing.T) {
	fx := newAuthFixture(t)
	ctx := context.Background()
	out, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	res := out.AuthenticationResult
	if _, err := fx.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &fx.poolID, Username: aws.String("amy")}); err != nil {
		t.Fatal(err)
	}
	refreshAuth := func() error {
		_, err := fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &fx.clientID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *res.RefreshToken}})
		return err
	}
	wantCognitoErr(t, refreshAuth(), "NotAuthorizedException", "Refresh Token has been revoked")
	wantCognitoErr(t, getUser(ctx, fx.idp, *res.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	if _, err := fx.idp.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: &fx.poolID, Username: aws.String("amy")}); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, refreshAuth(), "NotAuthorizedException", "Refresh Token has been revoked")
	wantCognitoErr(t, getUser(ctx, fx.idp, *res.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
}

// The still-valid access token of a deleted user gets Cognito's "User
// does not exist." (UserNotFoundException); its refresh token is gone.
func TestDeletedUserToken(t *testing.T) {
	fx := newAuthFixture(t)
	ctx := context.Background()
	out, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &fx.poolID, Username: aws.String("amy")}); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, getUser(ctx, fx.idp, *out.AuthenticationResult.AccessToken), "UserNotFoundException", "User does not exist.")
	_, err = fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken}})
	wantCognitoErr(t, err, "NotAuthorizedException", "")
}

// Forgetting a remembered device revokes the refresh tokens bound to it;
// tokens of other sign-ins stay good.
func TestForgetDeviceRevokesItsRefreshTokens(t *testing.T) {
	for _, admin := range []bool{false, true} {
		f := newMFAFixture(t, nil, tracking(false, false))
		ctx := context.Background()
		createConfirmed(t, f.idp, f.poolID, "dev", "dev@example.com")
		res := f.signIn("dev").AuthenticationResult
		dev, _ := f.confirmDevice(res, "laptop")
		other := f.signIn("dev").AuthenticationResult // another device
		refreshAuth := func(rt string, kv ...string) error {
			p := map[string]string{"REFRESH_TOKEN": rt}
			for i := 0; i+1 < len(kv); i += 2 {
				p[kv[i]] = kv[i+1]
			}
			_, err := f.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID, AuthParameters: p})
			return err
		}
		if err := refreshAuth(*res.RefreshToken, "DEVICE_KEY", dev.key); err != nil {
			t.Fatal(err)
		}
		if admin {
			_, err := f.idp.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: &f.poolID, Username: aws.String("dev"), DeviceKey: &dev.key})
			if err != nil {
				t.Fatal(err)
			}
		} else if err := forget(ctx, f, other.AccessToken, dev.key); err != nil {
			t.Fatal(err)
		}
		wantCognitoErr(t, refreshAuth(*res.RefreshToken, "DEVICE_KEY", dev.key), "NotAuthorizedException", "Refresh Token has been revoked")
		if err := refreshAuth(*other.RefreshToken, "DEVICE_KEY", deviceKeyOf(t, other)); err != nil {
			t.Errorf("admin=%v: the other sign-in's refresh token: %v", admin, err)
		}
	}
}

// deviceKeyOf is the device_key claim of a sign-in's access token, "" if
// none.
func deviceKeyOf(t *testing.T, res *types.AuthenticationResultType) string {
	k, _ := cirrotest.Claims(t, *res.AccessToken)["device_key"].(string)
	return k
}
