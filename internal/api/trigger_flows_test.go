package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/trigger"
)

// Tests of the triggers the directory's flows call (pre sign-up, post
// confirmation, custom message, custom senders, user migration, pre
// authentication, pre token generation on GetTokensFromRefreshToken),
// each through the AWS SDK against a webhook that records the event and
// answers so as to change the outcome.

const senderKeyARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// senderKey is the local stand-in of senderKeyARN.
var senderKey = []byte("0123456789abcdef0123456789abcdef")

// withTriggers routes every function ARN to the webhook at url, with
// the custom senders' key.
func withTriggers(url string, timeout time.Duration, attempts int) cirrotest.Option {
	return cirrotest.WithConfig(func(c *config.Config) {
		c.Triggers = config.TriggersConfig{
			Functions: []config.TriggerFunction{{ARN: "arn:aws:lambda:*:*:function:*", Webhook: &config.Webhook{URL: url, Secret: hookSecret}}},
			Timeout:   timeout, Attempts: attempts,
			KMSKeys: []config.KMSKey{{KeyID: senderKeyARN, Key: base64.StdEncoding.EncodeToString(senderKey)}},
		}
	})
}

// flowFixture is a server whose functions are f, and a pool with lc that
// verifies email addresses, with a client allowing every password flow.
func flowFixture(t *testing.T, f *functions, lc *types.LambdaConfigType, server []cirrotest.Option, pool ...func(*cip.CreateUserPoolInput)) *authFixture {
	t.Helper()
	if len(server) == 0 {
		server = []cirrotest.Option{withTriggers(f.webhook().URL, 2*time.Second, 0)}
	}
	c := cirrotest.Start(t, server...)
	idp := c.IdentityProvider()
	poolID := newFamilyPool(t, idp, append([]func(*cip.CreateUserPoolInput){verifyingEmail, lambdaConfig(lc)}, pool...)...)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	return &authFixture{c: c, idp: idp, poolID: poolID, clientID: clientID}
}

// outboxTo is every message of the pool to a recipient, newest first.
func outboxTo(t *testing.T, fx *authFixture, to string) []message.Message {
	t.Helper()
	msgs, err := fx.c.Internal().Outbox.Recent(context.Background(), fx.poolID, to, 50)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// wantGoldenShape compares a recorded event with the golden event of its
// source (internal/trigger/testdata): the same members at every level of
// the header, request and response, values of the same JSON kind where
// both have one. clientMetadata and userNotFound are sent only when
// there is something to send.
func wantGoldenShape(t *testing.T, ev map[string]any) {
	t.Helper()
	src, _ := ev["triggerSource"].(string)
	raw, err := os.ReadFile(filepath.Join("..", "trigger", "testdata", src+".json"))
	if err != nil {
		t.Fatalf("golden of %s: %v", src, err)
	}
	var golden map[string]any
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	optional := map[string]bool{"clientMetadata": true, "userNotFound": true}
	keys := func(m map[string]any, skipOptional bool) []string {
		var out []string
		for k := range m {
			if !skipOptional || !optional[k] {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	}
	kind := func(v any) string {
		switch v.(type) {
		case nil:
			return "null"
		case map[string]any:
			return "object"
		case []any:
			return "array"
		case string:
			return "string"
		case bool:
			return "bool"
		}
		return "number"
	}
	if g, e := keys(golden, false), keys(ev, false); !slices.Equal(g, e) {
		t.Errorf("%s: event members %v, golden %v", src, e, g)
	}
	for _, part := range []string{"callerContext", "request", "response"} {
		gm, _ := golden[part].(map[string]any)
		em, _ := ev[part].(map[string]any)
		if g, e := keys(gm, true), keys(em, true); !slices.Equal(g, e) {
			t.Errorf("%s: %s members %v, golden %v", src, part, e, g)
		}
		for k, gv := range gm {
			if ev, ok := em[k]; ok && gv != nil && ev != nil && kind(gv) != kind(ev) {
				t.Errorf("%s: %s.%s is %s, golden %s", src, part, k, kind(ev), kind(gv))
			}
		}
	}
	if ev["version"] != golden["version"] || ev["region"] == "" || ev["userPoolId"] == "" {
		t.Errorf("%s: header %v", src, ev)
	}
}

func attrsOf(ev map[string]any) map[string]any {
	a, _ := req(ev)["userAttributes"].(map[string]any)
	return a
}

var meta = map[string]string{"app": "web"}

func wantMeta(t *testing.T, ev map[string]any, member string) {
	t.Helper()
	if m, _ := req(ev)[member].(map[string]any); m["app"] != "web" {
		t.Errorf("%s: %s = %v", ev["triggerSource"], member, req(ev)[member])
	}
}

// Pre sign-up: autoConfirmUser and autoVerifyEmail confirm the user with
// no code sent; autoVerifyPhone alone verifies the number and leaves the
// user to confirm with the code; ValidationData and ClientMetadata reach
// the function.
func TestTriggerPreSignUpSignUp(t *testing.T) {
	f := newFunctions(t)
	f.on(trigger.PreSignUpSignUp, func(ev map[string]any) (int, any) {
		if attrsOf(ev)["email"] == "auto@example.com" {
			return respond(ev, map[string]any{"autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false})
		}
		return respond(ev, map[string]any{"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": true})
	})
	fx := flowFixture(t, f, &types.LambdaConfigType{PreSignUp: aws.String(fnARN + "presignup")}, nil)
	ctx := context.Background()
	out, err := fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("auto"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "auto@example.com"), ValidationData: uattrs("captcha", "ok"), ClientMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	if !out.UserConfirmed || out.CodeDeliveryDetails != nil {
		t.Errorf("SignUp: confirmed=%v delivery=%v", out.UserConfirmed, out.CodeDeliveryDetails)
	}
	if n := len(outboxTo(t, fx, "auto@example.com")); n != 0 {
		t.Errorf("%d messages sent to an auto-confirmed user", n)
	}
	got := adminGet(t, fx.idp, fx.poolID, "auto")
	if got.UserStatus != types.UserStatusTypeConfirmed || attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Errorf("user: %s %v", got.UserStatus, got.UserAttributes)
	}
	if _, err := passwordSignIn(fx.idp, fx.clientID, "auto", userPassword); err != nil {
		t.Errorf("auto-confirmed user cannot sign in: %v", err)
	}
	ev := f.last(trigger.PreSignUpSignUp)
	wantGoldenShape(t, ev)
	wantMeta(t, ev, "clientMetadata")
	if req(ev)["validationData"].(map[string]any)["captcha"] != "ok" || ev["userName"] != "auto" || ev["callerContext"].(map[string]any)["clientId"] != fx.clientID {
		t.Errorf("event: %v", ev)
	}

	// autoVerifyPhone: the number is verified, the user still confirms.
	out, err = fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("phoebe"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "phoebe@example.com", "phone_number", "+15555550199")})
	if err != nil {
		t.Fatal(err)
	}
	got = adminGet(t, fx.idp, fx.poolID, "phoebe")
	if out.UserConfirmed || got.UserStatus != types.UserStatusTypeUnconfirmed || attrOf(got.UserAttributes, "phone_number_verified") != "true" ||
		attrOf(got.UserAttributes, "email_verified") == "true" {
		t.Errorf("user: %s %v", got.UserStatus, got.UserAttributes)
	}
	code := outboxMessage(t, fx.c, fx.poolID, "phoebe@example.com").Code
	if _, err := fx.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &fx.clientID, Username: aws.String("phoebe"), ConfirmationCode: &code}); err != nil {
		t.Fatal(err)
	}

	// autoVerifyEmail without an email is the function's error.
	f.on(trigger.PreSignUpSignUp, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"autoVerifyEmail": true})
	})
	_, err = fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("nomail"), Password: aws.String(userPassword),
		UserAttributes: uattrs("phone_number", "+15555550100")})
	wantAPIError(t, err, "InvalidLambdaResponseException", "Invalid lambda response: autoVerifyEmail")
}

// Pre sign-up on AdminCreateUser: the function refuses a user (nothing
// is created) or verifies its email address.
func TestTriggerPreSignUpAdminCreateUser(t *testing.T) {
	f := newFunctions(t)
	f.on(trigger.PreSignUpAdminCreateUser, func(ev map[string]any) (int, any) {
		if ev["userName"] == "mallory" {
			return http.StatusBadRequest, map[string]string{"errorType": "Error", "errorMessage": "Not on the list"}
		}
		return respond(ev, map[string]any{"autoVerifyEmail": true})
	})
	fx := flowFixture(t, f, &types.LambdaConfigType{PreSignUp: aws.String(fnARN + "presignup")}, nil)
	ctx := context.Background()
	create := func(name string) error {
		_, err := fx.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &fx.poolID, Username: aws.String(name),
			UserAttributes: uattrs("email", name+"@example.com"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
			ClientMetadata: meta})
		return err
	}
	wantAPIError(t, create("mallory"), "UserLambdaValidationException", "PreSignUp failed with error Not on the list.")
	if _, err := fx.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &fx.poolID, Username: aws.String("mallory")}); err == nil {
		t.Error("a refused user was created")
	}
	if n := len(outboxTo(t, fx, "mallory@example.com")); n != 0 {
		t.Errorf("%d invitations to a refused user", n)
	}
	if err := create("alice"); err != nil {
		t.Fatal(err)
	}
	got := adminGet(t, fx.idp, fx.poolID, "alice")
	if got.UserStatus != types.UserStatusTypeForceChangePassword || attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Errorf("user: %s %v", got.UserStatus, got.UserAttributes)
	}
	ev := f.last(trigger.PreSignUpAdminCreateUser)
	wantGoldenShape(t, ev)
	wantMeta(t, ev, "clientMetadata")
	if ev["callerContext"].(map[string]any)["clientId"] != "CLIENT_ID_NOT_APPLICABLE" || attrsOf(ev)["email"] != "alice@example.com" {
		t.Errorf("event: %v", ev)
	}
}

// Post confirmation runs for ConfirmSignUp and AdminConfirmSignUp
// (PostConfirmation_ConfirmSignUp) and ConfirmForgotPassword
// (PostConfirmation_ConfirmForgotPassword), with the user as confirmed.
func TestTriggerPostConfirmation(t *testing.T) {
	f := newFunctions(t)
	fx := flowFixture(t, f, &types.LambdaConfigType{PostConfirmation: aws.String(fnARN + "postconfirm")}, nil)
	ctx := context.Background()
	signUp(t, fx, "carol")
	code := outboxMessage(t, fx.c, fx.poolID, "carol@example.com").Code
	if _, err := fx.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &fx.clientID, Username: aws.String("carol"), ConfirmationCode: &code,
		ClientMetadata: meta}); err != nil {
		t.Fatal(err)
	}
	ev := f.last(trigger.PostConfirmationConfirmSignUp)
	wantGoldenShape(t, ev)
	wantMeta(t, ev, "clientMetadata")
	if a := attrsOf(ev); a["cognito:user_status"] != "CONFIRMED" || a["email_verified"] != "true" || ev["callerContext"].(map[string]any)["clientId"] != fx.clientID {
		t.Errorf("event: %v", ev)
	}

	signUp(t, fx, "dave")
	if _, err := fx.idp.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &fx.poolID, Username: aws.String("dave")}); err != nil {
		t.Fatal(err)
	}
	ev = f.last(trigger.PostConfirmationConfirmSignUp)
	if ev["userName"] != "dave" || ev["callerContext"].(map[string]any)["clientId"] != "CLIENT_ID_NOT_APPLICABLE" {
		t.Errorf("admin event: %v", ev)
	}

	if _, err := fx.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	code = outboxMessage(t, fx.c, fx.poolID, "carol@example.com").Code
	if _, err := fx.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("carol"),
		ConfirmationCode: &code, Password: aws.String("N3w-Passw0rd!"), ClientMetadata: meta}); err != nil {
		t.Fatal(err)
	}
	ev = f.last(trigger.PostConfirmationConfirmForgotPassword)
	wantGoldenShape(t, ev)
	wantMeta(t, ev, "clientMetadata")
	want := []string{trigger.PostConfirmationConfirmSignUp, trigger.PostConfirmationConfirmSignUp, trigger.PostConfirmationConfirmForgotPassword}
	if got := f.sources(); !slices.Equal(got, want) {
		t.Errorf("sources = %v", got)
	}
}

// signUp signs name up with name@example.com.
func signUp(t *testing.T, fx *authFixture, name string) {
	t.Helper()
	_, err := fx.idp.SignUp(context.Background(), &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String(name),
		Password: aws.String(userPassword), UserAttributes: uattrs("email", name+"@example.com")})
	if err != nil {
		t.Fatal(err)
	}
}

// Pre authentication refuses a sign-in before the password is checked,
// on every password flow; ClientMetadata is its validationData.
func TestTriggerPreAuthentication(t *testing.T) {
	f := newFunctions(t)
	f.on(trigger.PreAuthenticationAuthentication, func(ev map[string]any) (int, any) {
		if v, _ := req(ev)["validationData"].(map[string]any); v["app"] == "web" {
			return respond(ev, map[string]any{})
		}
		return http.StatusBadRequest, map[string]string{"errorType": "Error", "errorMessage": "Use the web app"}
	})
	fx := flowFixture(t, f, &types.LambdaConfigType{PreAuthentication: aws.String(fnARN + "preauth")}, nil)
	createConfirmed(t, fx.idp, fx.poolID, "amy", "amy@example.com")
	ctx := context.Background()
	const refused = "PreAuthentication failed with error Use the web app."
	_, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	wantAPIError(t, err, "UserLambdaValidationException", refused)
	_, err = fx.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &fx.poolID, ClientId: &fx.clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "amy", "PASSWORD": userPassword}})
	wantAPIError(t, err, "UserLambdaValidationException", refused)
	_, err = srpSignIn(fx.idp, fx.poolID, fx.clientID, "amy", userPassword, time.Now())
	wantAPIError(t, err, "UserLambdaValidationException", refused)
	// A refused wrong password is not a failed attempt: no lockout grows.
	for range 6 {
		_, err = passwordSignIn(fx.idp, fx.clientID, "amy", "Wr0ng-pass!")
		wantAPIError(t, err, "UserLambdaValidationException", refused)
	}

	out, err := fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy", "PASSWORD": userPassword}, ClientMetadata: meta})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("allowed sign-in: %v", err)
	}
	ev := f.last(trigger.PreAuthenticationAuthentication)
	wantGoldenShape(t, ev)
	if attrsOf(ev)["email"] != "amy@example.com" || attrsOf(ev)["cognito:user_status"] != "CONFIRMED" || ev["userName"] != "amy" {
		t.Errorf("event: %v", ev)
	}
}

// Custom message: the function's text is what the user receives, for
// every CustomMessage_* source, and the code in it still works.
func TestTriggerCustomMessage(t *testing.T) {
	f := newFunctions(t)
	custom := func(ev map[string]any) (int, any) {
		src := ev["triggerSource"].(string)
		return respond(ev, map[string]any{
			"emailSubject": "Subject of " + src, "emailMessage": "Custom " + src + ": {####}",
			"smsMessage": "SMS " + src + ": {####}",
		})
	}
	sources := []string{trigger.CustomMessageSignUp, trigger.CustomMessageAdminCreateUser, trigger.CustomMessageResendCode,
		trigger.CustomMessageForgotPassword, trigger.CustomMessageUpdateUserAttribute, trigger.CustomMessageVerifyUserAttribute,
		trigger.CustomMessageAuthentication}
	for _, src := range sources {
		f.on(src, custom)
	}
	fx := flowFixture(t, f, &types.LambdaConfigType{CustomMessage: aws.String(fnARN + "custommessage")}, nil)
	ctx := context.Background()
	wantCustom := func(to, src string) message.Message {
		t.Helper()
		m := outboxMessage(t, fx.c, fx.poolID, to)
		body := "Custom " + src + ": " + m.Code
		if m.Channel == message.ChannelSMS {
			body = "SMS " + src + ": " + m.Code
		} else if m.Subject != "Subject of "+src {
			t.Errorf("%s: subject %q", src, m.Subject)
		}
		if m.Code == "" || m.Body != body {
			t.Errorf("%s: body %q, want %q", src, m.Body, body)
		}
		ev := f.last(src)
		wantGoldenShape(t, ev)
		return m
	}

	// SignUp, ResendConfirmationCode, then the resent code confirms.
	_, err := fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("erin"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "erin@example.com"), ClientMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	wantCustom("erin@example.com", trigger.CustomMessageSignUp)
	wantMeta(t, f.last(trigger.CustomMessageSignUp), "clientMetadata")
	if _, err := fx.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &fx.clientID, Username: aws.String("erin"), ClientMetadata: meta}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom("erin@example.com", trigger.CustomMessageResendCode)
	if _, err := fx.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &fx.clientID, Username: aws.String("erin"), ConfirmationCode: &m.Code}); err != nil {
		t.Fatal(err)
	}

	// AdminCreateUser: the temporary password, and {username} offered.
	if _, err := fx.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &fx.poolID, Username: aws.String("frank"),
		UserAttributes: uattrs("email", "frank@example.com"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}}); err != nil {
		t.Fatal(err)
	}
	m = wantCustom("frank@example.com", trigger.CustomMessageAdminCreateUser)
	if r := req(f.last(trigger.CustomMessageAdminCreateUser)); r["usernameParameter"] != "{username}" {
		t.Errorf("usernameParameter = %v", r["usernameParameter"])
	}
	if out, err := passwordSignIn(fx.idp, fx.clientID, "frank", m.Code); err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("temporary password from the custom message: %v", err)
	}

	// ForgotPassword.
	if _, err := fx.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	m = wantCustom("erin@example.com", trigger.CustomMessageForgotPassword)
	if _, err := fx.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("erin"),
		ConfirmationCode: &m.Code, Password: aws.String(userPassword)}); err != nil {
		t.Fatal(err)
	}

	// UpdateUserAttributes and GetUserAttributeVerificationCode.
	signedIn, err := passwordSignIn(fx.idp, fx.clientID, "erin", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	access := signedIn.AuthenticationResult.AccessToken
	if _, err := fx.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: access,
		UserAttributes: uattrs("email", "erin2@example.com"), ClientMetadata: meta}); err != nil {
		t.Fatal(err)
	}
	wantCustom("erin2@example.com", trigger.CustomMessageUpdateUserAttribute)
	wantMeta(t, f.last(trigger.CustomMessageUpdateUserAttribute), "clientMetadata")
	if _, err := fx.idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: access,
		AttributeName: aws.String("email"), ClientMetadata: meta}); err != nil {
		t.Fatal(err)
	}
	m = wantCustom("erin2@example.com", trigger.CustomMessageVerifyUserAttribute)
	if _, err := fx.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: access, AttributeName: aws.String("email"), Code: &m.Code}); err != nil {
		t.Fatal(err)
	}

	// An SMS MFA code (CustomMessage_Authentication).
	if _, err := fx.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &fx.poolID,
		MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: smsMfa}); err != nil {
		t.Fatal(err)
	}
	createConfirmed(t, fx.idp, fx.poolID, "sam", "sam@example.com", "phone_number", "+15555550123", "phone_number_verified", "true")
	if _, err := fx.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &fx.poolID, Username: aws.String("sam"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	start, err := fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "sam", "PASSWORD": userPassword}, ClientMetadata: meta})
	if err != nil || start.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("SMS MFA sign-in: %v %v", err, start)
	}
	m = wantCustom("+15555550123", trigger.CustomMessageAuthentication)
	wantMeta(t, f.last(trigger.CustomMessageAuthentication), "clientMetadata")
	if _, err := fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSmsMfa, ClientId: &fx.clientID,
		Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "sam", "SMS_MFA_CODE": m.Code}}); err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		f.last(src) // each source was seen
	}
}

// Custom senders deliver instead of cirro: the code arrives encrypted with
// the pool's KMS key (its local stand-in), decrypts to the code that then
// confirms, and nothing reaches cirro's own channels.
func TestTriggerCustomSenders(t *testing.T) {
	f := newFunctions(t)
	fx := flowFixture(t, f, &types.LambdaConfigType{
		KMSKeyID:          aws.String(senderKeyARN),
		CustomEmailSender: &types.CustomEmailLambdaVersionConfigType{LambdaArn: aws.String(fnARN + "emailsender"), LambdaVersion: types.CustomEmailSenderLambdaVersionTypeV10},
		CustomSMSSender:   &types.CustomSMSLambdaVersionConfigType{LambdaArn: aws.String(fnARN + "smssender"), LambdaVersion: types.CustomSMSSenderLambdaVersionTypeV10},
	}, nil)
	ctx := context.Background()
	decrypt := func(src string) string {
		t.Helper()
		ev := f.last(src)
		wantGoldenShape(t, ev)
		enc, _ := req(ev)["code"].(string)
		plain, ec, err := trigger.DecryptCode(senderKey, senderKeyARN, enc)
		if err != nil || ec["userpool-id"] != fx.poolID {
			t.Fatalf("%s: decrypt: %v (context %v)", src, err, ec)
		}
		return string(plain)
	}
	_, err := fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("gina"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "gina@example.com"), ClientMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	code := decrypt("CustomEmailSender_SignUp")
	wantMeta(t, f.last("CustomEmailSender_SignUp"), "clientMetadata")
	if req(f.last("CustomEmailSender_SignUp"))["type"] != "customEmailSenderRequestV1" {
		t.Error("request type")
	}
	if _, err := fx.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &fx.clientID, Username: aws.String("gina"), ConfirmationCode: &code}); err != nil {
		t.Fatalf("the decrypted code does not confirm: %v", err)
	}

	// An invitation by SMS: the temporary password, to the SMS sender.
	if _, err := fx.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &fx.poolID, Username: aws.String("hank"),
		UserAttributes: uattrs("phone_number", "+15555550142")}); err != nil {
		t.Fatal(err)
	}
	temp := decrypt("CustomSMSSender_AdminCreateUser")
	if out, err := passwordSignIn(fx.idp, fx.clientID, "hank", temp); err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("temporary password from the SMS sender: %v", err)
	}
	for _, to := range []string{"gina@example.com", "+15555550142"} {
		if n := len(outboxTo(t, fx, to)); n != 0 {
			t.Errorf("%d messages to %s went through cirro", n, to)
		}
	}
}

// User migration at sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH)
// creates the user the function returns, with the password just used, and
// the sign-in goes on; at ForgotPassword, the user is created needing a
// new password and gets the code. USER_SRP_AUTH does not migrate.
func TestTriggerUserMigration(t *testing.T) {
	f := newFunctions(t)
	legacy := map[string]string{"olga": "0ld-Passw0rd!", "oscar": "0ld-Passw0rd!"}
	f.on(trigger.UserMigrationAuthentication, func(ev map[string]any) (int, any) {
		name := ev["userName"].(string)
		if pw, ok := legacy[name]; !ok || req(ev)["password"] != pw {
			return http.StatusBadRequest, map[string]string{"errorType": "Error", "errorMessage": "Bad password"}
		}
		resp := map[string]any{
			"userAttributes":  map[string]string{"email": name + "@example.com", "email_verified": "true", "custom:team": "blue"},
			"finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS",
		}
		if name == "oscar" { // welcomed by email
			resp["messageAction"] = nil
			resp["desiredDeliveryMediums"] = []string{"EMAIL"}
		}
		return respond(ev, resp)
	})
	f.on(trigger.UserMigrationForgotPassword, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{
			"userAttributes":  map[string]string{"email": "paula@example.com", "email_verified": "true"},
			"finalUserStatus": "RESET_REQUIRED", "messageAction": "SUPPRESS",
		})
	})
	fx := flowFixture(t, f, &types.LambdaConfigType{UserMigration: aws.String(fnARN + "migrate")}, nil, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)}}
	})
	ctx := context.Background()

	out, err := fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "olga", "PASSWORD": legacy["olga"]}, ClientMetadata: meta})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("migrating sign-in: %v", err)
	}
	got := adminGet(t, fx.idp, fx.poolID, "olga")
	if got.UserStatus != types.UserStatusTypeConfirmed || attrOf(got.UserAttributes, "custom:team") != "blue" || attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Errorf("migrated user: %s %v", got.UserStatus, got.UserAttributes)
	}
	if n := len(outboxTo(t, fx, "olga@example.com")); n != 0 {
		t.Errorf("SUPPRESS: %d messages", n)
	}
	ev := f.last(trigger.UserMigrationAuthentication)
	wantGoldenShape(t, ev)
	wantMeta(t, ev, "clientMetadata")
	wantMeta(t, ev, "validationData")
	// Known now: the next sign-in (SRP too) needs no function.
	before := len(f.sources())
	if _, err := srpSignIn(fx.idp, fx.poolID, fx.clientID, "olga", legacy["olga"], time.Now()); err != nil {
		t.Errorf("SRP sign-in of the migrated user: %v", err)
	}
	if len(f.sources()) != before {
		t.Errorf("migration asked again: %v", f.sources()[before:])
	}

	// ADMIN_USER_PASSWORD_AUTH, with a welcome message.
	ares, err := fx.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &fx.poolID, ClientId: &fx.clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "oscar", "PASSWORD": legacy["oscar"]}})
	if err != nil || ares.AuthenticationResult == nil {
		t.Fatalf("admin migrating sign-in: %v", err)
	}
	if w := outboxMessage(t, fx.c, fx.poolID, "oscar@example.com"); w.Kind != message.KindInvitation || strings.Contains(w.Body, "{####}") {
		t.Errorf("welcome message: %+v", w)
	}

	// A function that does not know the user refuses with its message;
	// SRP never asks it.
	_, err = passwordSignIn(fx.idp, fx.clientID, "nobody", "Wh4tever-pass!")
	wantAPIError(t, err, "UserLambdaValidationException", "UserMigration failed with error Bad password.")
	before = len(f.sources())
	_, err = srpSignIn(fx.idp, fx.poolID, fx.clientID, "nobody", "Wh4tever-pass!", time.Now())
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	if len(f.sources()) != before {
		t.Error("USER_SRP_AUTH invoked user migration")
	}

	// ForgotPassword: created in RESET_REQUIRED, the code sent, then a
	// new password and sign-in.
	fp, err := fx.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("paula"), ClientMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	if d := fp.CodeDeliveryDetails; d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Errorf("delivery: %+v", d)
	}
	if got := adminGet(t, fx.idp, fx.poolID, "paula"); got.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("status %s", got.UserStatus)
	}
	ev = f.last(trigger.UserMigrationForgotPassword)
	wantGoldenShape(t, ev)
	if _, ok := req(ev)["password"]; ok {
		t.Error("ForgotPassword migration was told a password")
	}
	code := outboxMessage(t, fx.c, fx.poolID, "paula@example.com").Code
	if _, err := fx.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("paula"),
		ConfirmationCode: &code, Password: aws.String(userPassword)}); err != nil {
		t.Fatal(err)
	}
	if _, err := passwordSignIn(fx.idp, fx.clientID, "paula", userPassword); err != nil {
		t.Errorf("sign-in after the reset: %v", err)
	}
}

// Pre token generation on GetTokensFromRefreshToken
// (TokenGeneration_RefreshTokens): claims added and suppressed, with the
// request's ClientMetadata.
func TestTriggerPreTokenGenerationGetTokensFromRefreshToken(t *testing.T) {
	f := newFunctions(t)
	f.on(trigger.TokenGenerationRefreshTokens, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"claimsOverrideDetails": map[string]any{
			"claimsToAddOrOverride": map[string]string{"refreshed": "yes"}, "claimsToSuppress": []string{"email"},
		}})
	})
	fx := flowFixture(t, f, &types.LambdaConfigType{PreTokenGeneration: aws.String(fnARN + "pretoken")}, nil)
	createConfirmed(t, fx.idp, fx.poolID, "amy", "amy@example.com")
	signedIn, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	if cirrotest.Claims(t, *signedIn.AuthenticationResult.IdToken)["email"] != "amy@example.com" {
		t.Fatal("sign-in tokens lack the email")
	}
	out, err := fx.idp.GetTokensFromRefreshToken(context.Background(), &cip.GetTokensFromRefreshTokenInput{ClientId: &fx.clientID,
		RefreshToken: signedIn.AuthenticationResult.RefreshToken, ClientMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	id := cirrotest.Claims(t, *out.AuthenticationResult.IdToken)
	if id["refreshed"] != "yes" || id["email"] != nil {
		t.Errorf("refreshed ID token: %v", id)
	}
	ev := f.last(trigger.TokenGenerationRefreshTokens)
	wantGoldenShape(t, ev)
	wantMeta(t, ev, "clientMetadata")
	if got := f.sources(); !slices.Equal(got, []string{trigger.TokenGenerationAuthentication, trigger.TokenGenerationRefreshTokens}) {
		t.Errorf("sources = %v", got)
	}
}

// A function that throws, times out or answers nonsense fails the
// operation with Cognito's error and changes nothing: no user, the user
// still unconfirmed, no message sent.
func TestTriggerFailuresChangeNothing(t *testing.T) {
	f := newFunctions(t)
	var mu sync.Mutex
	failing, mode := "", ""
	set := func(source, m string) {
		mu.Lock()
		failing, mode = source, m
		mu.Unlock()
	}
	handler := func(ev map[string]any) (int, any) {
		mu.Lock()
		fails, m := ev["triggerSource"] == failing, mode
		mu.Unlock()
		if !fails {
			return http.StatusOK, ev
		}
		switch m {
		case "throw":
			return http.StatusBadRequest, map[string]string{"errorType": "Error", "errorMessage": "No way"}
		case "timeout":
			time.Sleep(500 * time.Millisecond)
			return http.StatusOK, ev
		}
		return http.StatusOK, "OK"
	}
	for _, src := range []string{trigger.PreSignUpSignUp, trigger.PreSignUpAdminCreateUser, trigger.PostConfirmationConfirmSignUp,
		trigger.UserMigrationAuthentication, trigger.CustomMessageForgotPassword, trigger.CustomMessageSignUp} {
		f.on(src, handler)
	}
	start := time.Now()
	fx := flowFixture(t, f, &types.LambdaConfigType{
		PreSignUp: aws.String(fnARN + "presignup"), PostConfirmation: aws.String(fnARN + "postconfirm"),
		UserMigration: aws.String(fnARN + "migrate"), CustomMessage: aws.String(fnARN + "custommessage"),
	}, []cirrotest.Option{withTriggers(f.webhook().URL, 200*time.Millisecond, 1)})
	ctx := context.Background()
	signUp(t, fx, "una") // stays unconfirmed: the confirmation below fails
	unaCode := outboxMessage(t, fx.c, fx.poolID, "una@example.com").Code
	createConfirmed(t, fx.idp, fx.poolID, "vera", "vera@example.com")
	absent := func(name string) func() error {
		return func() error {
			if _, err := fx.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &fx.poolID, Username: aws.String(name)}); err == nil {
				return fmt.Errorf("user %s exists", name)
			}
			return nil
		}
	}
	noMail := func(to string, before int) func() error {
		return func() error {
			if n := len(outboxTo(t, fx, to)); n != before {
				return fmt.Errorf("%d messages to %s, want %d", n, to, before)
			}
			return nil
		}
	}
	sites := []struct {
		source, point string
		call          func() error
		unchanged     func() error
	}{
		{trigger.PreSignUpSignUp, "PreSignUp", func() error {
			_, err := fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("walt"), Password: aws.String(userPassword),
				UserAttributes: uattrs("email", "walt@example.com")})
			return err
		}, func() error {
			if err := absent("walt")(); err != nil {
				return err
			}
			return noMail("walt@example.com", 0)()
		}},
		{trigger.PreSignUpAdminCreateUser, "PreSignUp", func() error {
			_, err := fx.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &fx.poolID, Username: aws.String("xena"),
				UserAttributes: uattrs("email", "xena@example.com"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}})
			return err
		}, func() error {
			if err := absent("xena")(); err != nil {
				return err
			}
			return noMail("xena@example.com", 0)()
		}},
		{trigger.PostConfirmationConfirmSignUp, "PostConfirmation", func() error {
			_, err := fx.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &fx.clientID, Username: aws.String("una"), ConfirmationCode: &unaCode})
			return err
		}, func() error {
			if s := adminGet(t, fx.idp, fx.poolID, "una").UserStatus; s != types.UserStatusTypeUnconfirmed {
				return fmt.Errorf("una is %s", s)
			}
			return nil
		}},
		{trigger.UserMigrationAuthentication, "UserMigration", func() error {
			_, err := passwordSignIn(fx.idp, fx.clientID, "yuri", userPassword)
			return err
		}, absent("yuri")},
		{trigger.CustomMessageForgotPassword, "CustomMessage", func() error {
			_, err := fx.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &fx.clientID, Username: aws.String("vera")})
			return err
		}, noMail("vera@example.com", 0)},
		{trigger.CustomMessageSignUp, "CustomMessage", func() error {
			_, err := fx.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("zoe"), Password: aws.String(userPassword),
				UserAttributes: uattrs("email", "zoe@example.com")})
			return err
		}, func() error {
			if err := absent("zoe")(); err != nil {
				return err
			}
			return noMail("zoe@example.com", 0)()
		}},
	}
	for _, site := range sites {
		for _, tc := range []struct{ mode, code, msg string }{
			{"throw", "UserLambdaValidationException", site.point + " failed with error No way."},
			{"timeout", "UnexpectedLambdaException", site.point + " invocation failed due to error Socket timeout while invoking Lambda function."},
			{"malformed", "InvalidLambdaResponseException", "Unrecognizable lambda output"},
		} {
			set(site.source, tc.mode)
			err := site.call()
			wantAPIError(t, err, tc.code, tc.msg)
			if err := site.unchanged(); err != nil {
				t.Errorf("%s %s: %v", site.source, tc.mode, err)
			}
		}
	}
	// The same calls succeed once the functions answer, the unspent code
	// included.
	set("", "")
	for _, site := range sites[:3] {
		if err := site.call(); err != nil {
			t.Errorf("%s once the function answers: %v", site.source, err)
		}
	}
	if s := adminGet(t, fx.idp, fx.poolID, "una").UserStatus; s != types.UserStatusTypeConfirmed {
		t.Errorf("una is %s after a working confirmation", s)
	}
	t.Logf("18 failures in %v", time.Since(start).Round(time.Millisecond))
}

// Pre sign-up and custom message through the Lambda Invoke API: SigV4
// and the invocation headers checked on every call, the function's
// answers obeyed.
func TestTriggerLambdaInvokeAPISignUp(t *testing.T) {
	const keyID, secret = "AKIALAMBDAINVOKETEST", "lambda-invoke-test-secret-0123456789"
	f := newFunctions(t)
	f.on(trigger.PreSignUpSignUp, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": true})
	})
	f.on(trigger.CustomMessageSignUp, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"emailSubject": "Via Lambda", "emailMessage": "Lambda says {####}"})
	})
	srv, invoked := lambdaEndpoint(t, f, keyID, secret)
	fx := flowFixture(t, f, &types.LambdaConfigType{PreSignUp: aws.String(fnARN + "presignup"), CustomMessage: aws.String(fnARN + "custommessage")},
		[]cirrotest.Option{cirrotest.WithConfig(func(c *config.Config) {
			c.Triggers = config.TriggersConfig{Lambda: &config.LambdaEndpoint{Endpoint: srv.URL, AccessKeyID: keyID, SecretAccessKey: secret}}
		})})
	_, err := fx.idp.SignUp(context.Background(), &cip.SignUpInput{ClientId: &fx.clientID, Username: aws.String("lana"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "lana@example.com", "phone_number", "+15555550177")})
	if err != nil {
		t.Fatal(err)
	}
	m := outboxMessage(t, fx.c, fx.poolID, "lana@example.com")
	if m.Subject != "Via Lambda" || m.Body != "Lambda says "+m.Code {
		t.Errorf("message: %q %q", m.Subject, m.Body)
	}
	if got := adminGet(t, fx.idp, fx.poolID, "lana"); attrOf(got.UserAttributes, "phone_number_verified") != "true" {
		t.Errorf("autoVerifyPhone not applied: %v", got.UserAttributes)
	}
	if names := invoked(); !slices.Equal(names, []string{"presignup", "custommessage"}) {
		t.Errorf("functions invoked: %v", names)
	}
	for _, src := range []string{trigger.PreSignUpSignUp, trigger.CustomMessageSignUp} {
		wantGoldenShape(t, f.last(src))
	}
}
