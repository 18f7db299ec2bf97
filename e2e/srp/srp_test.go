// Package srp_test signs in to cirro with the real amazon-cognito-identity-js
// over HTTP, the library Amplify is built on, which uses SRP by default.
// It needs Node and the npm packages of this directory
// (npm ci --prefix e2e/srp); without them it skips, unless
// CIRRO_SRP_REQUIRE_NODE=1 (set by CI and scripts/test.sh) makes that a
// failure.
package srp_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/e2e/internal/noderun"
)

type step struct {
	Username    string            `json:"username"`
	Password    string            `json:"password"`
	NewPassword string            `json:"newPassword,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
}

type outcome struct {
	Step                int    `json:"step"`
	Outcome             string `json:"outcome"`
	Code                string `json:"code"`
	Message             string `json:"message"`
	IDToken             string `json:"idToken"`
	AccessToken         string `json:"accessToken"`
	RefreshToken        string `json:"refreshToken"`
	NewPasswordRequired *struct {
		UserAttributes     map[string]string `json:"userAttributes"`
		RequiredAttributes []string          `json:"requiredAttributes"`
	} `json:"newPasswordRequired"`
}

// runSignIns runs signin.js against the server and returns one outcome
// per step.
func runSignIns(t *testing.T, dir, endpoint, poolID, clientID string, steps []step) []outcome {
	t.Helper()
	in := map[string]any{"endpoint": endpoint, "poolId": poolID, "clientId": clientID, "steps": steps}
	return noderun.Run[outcome](t, dir, "signin.js", in, len(steps))
}

// TestCognitoIdentityJSSignIn: the real library signs in against a real
// cirro (development mode, as `cirro serve` runs on a laptop) with SRP, on
// an app client with Cognito's default flows: the right password yields
// tokens, a wrong one NotAuthorizedException, an unknown user
// UserNotFoundException; an administrator-created user completes
// NEW_PASSWORD_REQUIRED through the library (supplying a required
// attribute) and then signs in with the new password.
func TestCognitoIdentityJSSignIn(t *testing.T) {
	dir := noderun.Require(t, "amazon-cognito-identity-js", "end-to-end sign-in with amazon-cognito-identity-js")
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	idp := c.IdentityProvider()
	ctx := context.Background()

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("e2e"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true), AttributeDataType: types.AttributeDataTypeString}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	const password, temporary, newPassword = "Corr3ct-Horse-9!", "Temp-Passw0rd!", "Br4nd-new-Pass!"
	for _, u := range []struct{ name, pw string }{{"alice", password}, {"bjørn.ü", "pässwörd🔑Ω-1A"}} {
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(u.name),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String(u.name)}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(u.name), Password: aws.String(u.pw), Permanent: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("carol"), TemporaryPassword: aws.String(temporary),
		MessageAction:  types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("carol@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}

	steps := []step{
		{Username: "alice", Password: password},
		{Username: "alice", Password: "Corr3ct-Horse-8!"},
		{Username: "bjørn.ü", Password: "pässwörd🔑Ω-1A"},
		{Username: "nobody", Password: password},
		{Username: "carol", Password: temporary, NewPassword: newPassword, Attributes: map[string]string{"name": "Carol"}},
		{Username: "carol", Password: newPassword},
	}
	got := runSignIns(t, dir, c.URL, poolID, clientID, steps)
	want := []struct{ outcome, code, message string }{
		{"success", "", ""},
		{"failure", "NotAuthorizedException", "Incorrect username or password."},
		{"success", "", ""},
		{"failure", "UserNotFoundException", "User does not exist."},
		{"success", "", ""},
		{"success", "", ""},
	}
	for i, w := range want {
		g := got[i]
		if g.Outcome != w.outcome || g.Code != w.code || g.Message != w.message {
			t.Errorf("step %d (%s): %+v, want %+v", i, steps[i].Username, g, w)
			continue
		}
		if g.Outcome != "success" {
			continue
		}
		id, access := cirrotest.Claims(t, g.IDToken), cirrotest.Claims(t, g.AccessToken)
		if id["cognito:username"] != steps[i].Username || id["token_use"] != "id" || access["token_use"] != "access" ||
			id["iss"] != c.URL+"/"+poolID || id["aud"] != clientID || g.RefreshToken == "" {
			t.Errorf("step %d tokens: id %v, access %v", i, id, access)
		}
	}
	npr := got[4].NewPasswordRequired
	if npr == nil || npr.UserAttributes["email"] != "carol@example.com" || len(npr.RequiredAttributes) != 1 || npr.RequiredAttributes[0] != "name" {
		t.Errorf("NEW_PASSWORD_REQUIRED as the library saw it: %+v", npr)
	}
	if id := cirrotest.Claims(t, got[4].IDToken); id["name"] != "Carol" {
		t.Errorf("carol's ID token after the challenge: %v", id)
	}
	u, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("carol is %s after the new password", u.UserStatus)
	}
}
