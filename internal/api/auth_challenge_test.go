package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
	"github.com/cirrohq/cirro/internal/user"
)

// requiringNameAndEmail makes "name" and "email" required attributes.
func requiringNameAndEmail(in *cip.CreateUserPoolInput) {
	in.Schema = []types.SchemaAttributeType{
		{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true), AttributeDataType: types.AttributeDataTypeString},
		{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true), AttributeDataType: types.AttributeDataTypeString},
	}
}

// inviteUser creates a user as an administrator does, with a temporary
// password.
func inviteUser(t *testing.T, idp *cip.Client, poolID, name, tempPassword string, attrs ...string) {
	t.Helper()
	_, err := idp.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: &name, TemporaryPassword: &tempPassword,
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: uattrs(attrs...),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An administrator-created user signs in with the temporary password and
// gets NEW_PASSWORD_REQUIRED with Cognito's parameters; the answer must
// carry a valid password and the missing required attributes; then the
// user is CONFIRMED with the new password, and the session is spent.
func TestNewPasswordRequired(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, requiringNameAndEmail)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	inviteUser(t, idp, poolID, "nell", "Temp-Passw0rd!", "email", "nell@example.com", "email_verified", "true")

	start, err := passwordSignIn(idp, clientID, "nell", "Temp-Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || start.AuthenticationResult != nil || start.Session == nil {
		t.Fatalf("start %+v", start)
	}
	p := start.ChallengeParameters
	var attrs map[string]string
	var required []string
	if err := json.Unmarshal([]byte(p["userAttributes"]), &attrs); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(p["requiredAttributes"]), &required); err != nil {
		t.Fatal(err)
	}
	if p["USER_ID_FOR_SRP"] != "nell" || attrs["email"] != "nell@example.com" || attrs["sub"] != "" ||
		len(required) != 1 || required[0] != "userAttributes.name" {
		t.Fatalf("challenge parameters %v", p)
	}

	respond := func(responses ...string) (*cip.RespondToAuthChallengeOutput, error) {
		r := map[string]string{"USERNAME": "nell"}
		for i := 0; i+1 < len(responses); i += 2 {
			r[responses[i]] = responses[i+1]
		}
		return idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: &clientID, ChallengeResponses: r, Session: start.Session,
		})
	}
	const newPassword = "Br4nd-new-pass!"
	for _, r := range []struct {
		name, code, msg string
		responses       []string
	}{
		{"no new password", "InvalidParameterException", "Missing required parameter NEW_PASSWORD", []string{"userAttributes.name", "Nell"}},
		{"required attribute missing", "InvalidParameterException", "Invalid attributes given, name is missing", []string{"NEW_PASSWORD", newPassword}},
		{"required attribute already set", "InvalidParameterException", "Cannot modify an already provided email",
			[]string{"NEW_PASSWORD", newPassword, "userAttributes.name", "Nell", "userAttributes.email", "x@example.com"}},
		{"weak password", "InvalidPasswordException", "Password did not conform with policy: Password not long enough",
			[]string{"NEW_PASSWORD", "Sh0rt!", "userAttributes.name", "Nell"}},
		{"attribute not in the schema", "InvalidParameterException", "",
			[]string{"NEW_PASSWORD", newPassword, "userAttributes.name", "Nell", "userAttributes.custom:nope", "x"}},
	} {
		t.Run(r.name, func(t *testing.T) {
			_, err := respond(r.responses...)
			wantCognitoErr(t, err, r.code, r.msg)
		})
	}
	if u := rawUser(t, c, poolID, "nell"); u.Status != user.StatusForceChangePassword || u.Attributes["name"] != "" {
		t.Fatalf("a refused answer changed the user: %+v", u)
	}

	out, err := respond("NEW_PASSWORD", newPassword, "userAttributes.name", "Nell")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := checkTokens(t, out.AuthenticationResult, "nell", true)
	if id["name"] != "Nell" {
		t.Fatalf("ID token %v", id)
	}
	if u := rawUser(t, c, poolID, "nell"); u.Status != user.StatusConfirmed || u.Password.Temporary {
		t.Fatalf("after the new password: %+v", u)
	}
	_, err = respond("NEW_PASSWORD", "An0ther-pass!", "userAttributes.name", "Nell")
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user")
	if _, err := passwordSignIn(idp, clientID, "nell", newPassword); err != nil {
		t.Fatalf("sign-in with the new password: %v", err)
	}
	_, err = passwordSignIn(idp, clientID, "nell", "Temp-Passw0rd!")
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

// The temporary password proved by SRP leads to the same challenge,
// answered through the admin operation.
func TestNewPasswordRequiredAfterSRP(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	inviteUser(t, idp, poolID, "otto", "Temp-Passw0rd!")

	out, err := srpSignIn(idp, poolID, clientID, "otto", "Temp-Passw0rd!", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil || out.ChallengeParameters["requiredAttributes"] != "[]" {
		t.Fatalf("after PASSWORD_VERIFIER: %+v", out)
	}
	done, err := idp.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
		UserPoolId: &poolID, ClientId: &clientID, ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": "otto", "NEW_PASSWORD": "Br4nd-new-pass!"},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, done.AuthenticationResult, "otto", true)
	if _, err := srpSignIn(idp, poolID, clientID, "otto", "Br4nd-new-pass!", clk.Now()); err != nil {
		t.Fatalf("SRP with the new password: %v", err)
	}
}

// Session strings and SECRET_BLOCKs are opaque, tamper-proof, bound to
// their client and user, single-use, and expire after the client's
// AuthSessionValidity (3 minutes by default); TIMESTAMP must be in the
// library's format and near the clock.
func TestSignInSessions(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	otherClient, _ := appClient(t, idp, poolID, allFlows)
	createConfirmed(t, idp, poolID, "amy", "amy@example.com")
	inviteUser(t, idp, poolID, "nell", "Temp-Passw0rd!")
	inviteUser(t, idp, poolID, "noor", "Temp-Passw0rd!")

	challenge := func() *string {
		out, err := passwordSignIn(idp, clientID, "nell", "Temp-Passw0rd!")
		if err != nil {
			t.Fatal(err)
		}
		return out.Session
	}
	answer := func(client, username string, session *string) error {
		_, err := idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: &client, Session: session,
			ChallengeResponses: map[string]string{"USERNAME": username, "NEW_PASSWORD": "Br4nd-new-pass!"},
		})
		return err
	}
	flip := func(s *string) *string {
		b := []byte(*s)
		b[len(b)/2] ^= 0x01
		if b[len(b)/2] == '-' || b[len(b)/2] == '_' {
			b[len(b)/2] = 'A'
		}
		return aws.String(string(b))
	}
	s := challenge()
	if _, err := base64.RawURLEncoding.DecodeString(*s); err != nil || len(*s) < 100 {
		t.Fatalf("session %q is not an opaque sealed blob", *s)
	}
	wantCognitoErr(t, answer(clientID, "nell", flip(s)), "NotAuthorizedException", "Invalid session for the user.")
	wantCognitoErr(t, answer(otherClient, "nell", s), "NotAuthorizedException", "Invalid session for the user.")
	wantCognitoErr(t, answer(clientID, "noor", s), "NotAuthorizedException", "Invalid session for the user.")
	wantCognitoErr(t, answer(clientID, "nell", nil), "InvalidParameterException", "Missing required parameter Session")
	clk.Advance(3 * time.Minute)
	wantCognitoErr(t, answer(clientID, "nell", s), "NotAuthorizedException", "Invalid session for the user, session is expired.")
	s = challenge()
	clk.Advance(2 * time.Minute)
	if err := answer(clientID, "nell", s); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, answer(clientID, "nell", s), "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	// SECRET_BLOCK: single-use, tamper-proof, expiring, for its client.
	verifier := func(client string, now time.Time, edit func(map[string]string)) error {
		cl := srptest.NewClient(poolID, userPassword)
		start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
			AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(start.ChallengeParameters)
		}
		resp, err := cl.PasswordVerifier(start.ChallengeParameters, now)
		if err != nil {
			t.Fatal(err)
		}
		first, err := idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &client, ChallengeResponses: resp})
		if err != nil || first.AuthenticationResult == nil {
			return err
		}
		_, err = idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &client, ChallengeResponses: resp})
		wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")
		return nil
	}
	if err := verifier(clientID, clk.Now(), nil); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, verifier(otherClient, clk.Now(), nil), "NotAuthorizedException", "Invalid session for the user.")
	wantCognitoErr(t, verifier(clientID, clk.Now(), func(p map[string]string) {
		b, _ := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
		b[20] ^= 1
		p["SECRET_BLOCK"] = base64.StdEncoding.EncodeToString(b)
	}), "NotAuthorizedException", "Invalid session for the user.")
	wantCognitoErr(t, verifier(clientID, clk.Now().Add(20*time.Minute), nil), "NotAuthorizedException", "TIMESTAMP")
	cl := srptest.NewClient(poolID, userPassword)
	start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	padded := resp
	padded["TIMESTAMP"] = clk.Now().UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
	if clk.Now().Day() < 10 {
		_, err = idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &clientID, ChallengeResponses: padded})
		wantCognitoErr(t, err, "InvalidParameterException", "TIMESTAMP")
	}
	clk.Advance(3 * time.Minute)
	resp, err = cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &clientID, ChallengeResponses: resp})
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}
