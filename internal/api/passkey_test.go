package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/passkey/webauthntest"
)

const appOrigin = "https://app.example.com"

// newPasskeyFixture is a USER_AUTH fixture whose pool allows passkeys
// with relying party example.com.
func newPasskeyFixture(t *testing.T, uv types.UserVerificationType) *mfaFixture {
	t.Helper()
	f := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{
		MfaConfiguration:      types.UserPoolMfaTypeOff,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("example.com"), UserVerification: uv},
	})
	return f
}

// startRegistration returns the creation options for the holder of access.
func (f *mfaFixture) startRegistration(access string) []byte {
	f.t.Helper()
	out, err := f.idp.StartWebAuthnRegistration(context.Background(), &cip.StartWebAuthnRegistrationInput{AccessToken: &access})
	if err != nil {
		f.t.Fatal(err)
	}
	b, err := out.CredentialCreationOptions.MarshalSmithyDocument()
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// completeRegistration sends an authenticator's registration response.
func (f *mfaFixture) completeRegistration(access string, resp []byte) error {
	var v map[string]any
	if err := json.Unmarshal(resp, &v); err != nil {
		f.t.Fatal(err)
	}
	_, err := f.idp.CompleteWebAuthnRegistration(context.Background(), &cip.CompleteWebAuthnRegistrationInput{
		AccessToken: &access, Credential: document.NewLazyDocument(v),
	})
	return err
}

// register gives the holder of access a passkey made by a.
func (f *mfaFixture) register(access string, a *webauthntest.Authenticator) {
	f.t.Helper()
	resp, err := a.Register(f.startRegistration(access))
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.completeRegistration(access, resp); err != nil {
		f.t.Fatal(err)
	}
}

// passkeyChallenge starts USER_AUTH preferring WEB_AUTHN.
func (f *mfaFixture) passkeyChallenge(name string) *cip.InitiateAuthOutput {
	f.t.Helper()
	out := f.mustUserAuth(name, "PREFERRED_CHALLENGE", "WEB_AUTHN")
	if out.ChallengeName != types.ChallengeNameTypeWebAuthn || out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"] == "" {
		f.t.Fatalf("challenge %s %v", out.ChallengeName, out.ChallengeParameters)
	}
	return out
}

func (f *mfaFixture) answerPasskey(name string, start *cip.InitiateAuthOutput, a *webauthntest.Authenticator) (*cip.RespondToAuthChallengeOutput, error) {
	f.t.Helper()
	cred, err := a.Assert(start.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	if err != nil {
		f.t.Fatal(err)
	}
	return f.respond(types.ChallengeNameTypeWebAuthn, start.Session, name, "CREDENTIAL", cred)
}

// A software authenticator registers a passkey, which is listed, signs
// in by USER_AUTH with WEB_AUTHN (no MFA after it), and is deleted.
func TestPasskeyRegisterSignInDelete(t *testing.T) {
	f := newPasskeyFixture(t, "")
	createConfirmed(t, f.idp, f.poolID, "pat", "pat@example.com")
	access := f.accessToken("pat")

	var opts struct {
		Challenge string                `json:"challenge"`
		RP        struct{ ID string }   `json:"rp"`
		User      struct{ Name string } `json:"user"`
		Selection struct {
			ResidentKey      string `json:"residentKey"`
			UserVerification string `json:"userVerification"`
		} `json:"authenticatorSelection"`
	}
	raw := f.startRegistration(access)
	if err := json.Unmarshal(raw, &opts); err != nil {
		t.Fatal(err)
	}
	if opts.RP.ID != "example.com" || opts.User.Name != "pat" || opts.Challenge == "" || opts.Selection.UserVerification != "preferred" || opts.Selection.ResidentKey != "required" {
		t.Fatalf("creation options %s", raw)
	}
	key := webauthntest.New(appOrigin)
	resp, err := key.Register(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.completeRegistration(access, resp); err != nil {
		t.Fatal(err)
	}
	// The challenge is single-use.
	err = f.completeRegistration(access, resp)
	wantCognitoErr(t, err, "WebAuthnChallengeNotFoundException", "")

	list, err := f.idp.ListWebAuthnCredentials(context.Background(), &cip.ListWebAuthnCredentialsInput{AccessToken: &access})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Credentials) != 1 || list.NextToken != nil {
		t.Fatalf("credentials %+v", list)
	}
	c := list.Credentials[0]
	if aws.ToString(c.CredentialId) != key.ID() || aws.ToString(c.RelyingPartyId) != "example.com" || aws.ToString(c.AuthenticatorAttachment) != "platform" ||
		!slices.Equal(c.AuthenticatorTransports, []string{"internal", "hybrid"}) || c.CreatedAt == nil || aws.ToString(c.FriendlyCredentialName) == "" {
		t.Fatalf("credential %+v", c)
	}
	factors, err := f.idp.GetUserAuthFactors(context.Background(), &cip.GetUserAuthFactorsInput{AccessToken: &access})
	if err != nil || !slices.Equal(authFactors(factors.ConfiguredUserAuthFactors), []string{"PASSWORD", "WEB_AUTHN", "EMAIL_OTP"}) {
		t.Fatalf("GetUserAuthFactors %v %v", err, factors)
	}
	if got := challenges(f.mustUserAuth("pat").AvailableChallenges); !slices.Equal(got, []string{"PASSWORD", "PASSWORD_SRP", "WEB_AUTHN", "EMAIL_OTP"}) {
		t.Fatalf("AvailableChallenges %v", got)
	}

	start := f.passkeyChallenge("pat")
	var ro struct {
		RPID  string `json:"rpId"`
		Allow []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
	}
	if err := json.Unmarshal([]byte(start.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]), &ro); err != nil || ro.RPID != "example.com" || len(ro.Allow) != 1 || ro.Allow[0].ID != key.ID() {
		t.Fatalf("request options %v %s", err, start.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	}
	res, err := f.answerPasskey("pat", start, key)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "pat", true)
	// The same challenge again: the session is spent.
	_, err = f.answerPasskey("pat", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "session can only be used once")

	// Through SELECT_CHALLENGE.
	sel := f.mustUserAuth("pat")
	ch, err := f.respond(types.ChallengeNameTypeSelectChallenge, sel.Session, "pat", "ANSWER", "WEB_AUTHN")
	if err != nil || ch.ChallengeName != types.ChallengeNameTypeWebAuthn {
		t.Fatalf("SELECT_CHALLENGE WEB_AUTHN: %v %v", err, ch)
	}
	cred, err := key.Assert(ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	if err != nil {
		t.Fatal(err)
	}
	res, err = f.respond(types.ChallengeNameTypeWebAuthn, ch.Session, "pat", "CREDENTIAL", cred)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "pat", true)

	// Deleted, the passkey no longer signs in, even with a challenge
	// issued before, and is no longer offered.
	pending := f.passkeyChallenge("pat")
	if _, err := f.idp.DeleteWebAuthnCredential(context.Background(), &cip.DeleteWebAuthnCredentialInput{AccessToken: &access, CredentialId: aws.String(key.ID())}); err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.DeleteWebAuthnCredential(context.Background(), &cip.DeleteWebAuthnCredentialInput{AccessToken: &access, CredentialId: aws.String(key.ID())})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
	_, err = f.answerPasskey("pat", pending, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if out := f.mustUserAuth("pat", "PREFERRED_CHALLENGE", "WEB_AUTHN"); out.ChallengeName != types.ChallengeNameTypeSelectChallenge ||
		slices.Contains(challenges(out.AvailableChallenges), "WEB_AUTHN") {
		t.Fatalf("after deletion: %s %v", out.ChallengeName, out.AvailableChallenges)
	}
	list, err = f.idp.ListWebAuthnCredentials(context.Background(), &cip.ListWebAuthnCredentialsInput{AccessToken: &access})
	if err != nil || len(list.Credentials) != 0 {
		t.Fatalf("after deletion %v %+v", err, list)
	}
}

// Assertions that must not sign in: a bad signature (which counts toward
// the lockout and leaves the session for another try), another origin,
// another relying party, an assertion made for another sign-in, and no
// user verification where the pool requires it.
func TestPasskeyRefusedAssertions(t *testing.T) {
	f := newPasskeyFixture(t, types.UserVerificationTypeRequired)
	createConfirmed(t, f.idp, f.poolID, "quinn", "quinn@example.com")
	key := webauthntest.New(appOrigin)
	f.register(f.accessToken("quinn"), key)

	// Five failures are allowed before a lockout: three per sign-in.
	start := f.passkeyChallenge("quinn")
	key.BadSignature = true
	_, err := f.answerPasskey("quinn", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if l := rawUser(t, f.c, f.poolID, "quinn").Lockout; l.Failures != 1 {
		t.Fatalf("lockout after a bad signature: %+v", l)
	}
	key.BadSignature = false
	key.Origin = "https://evil.example.net"
	_, err = f.answerPasskey("quinn", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	key.Origin = "http://app.example.com" // not https
	_, err = f.answerPasskey("quinn", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	key.Origin = appOrigin
	// The session survived the failures; a good assertion signs in and
	// forgets them.
	res, err := f.answerPasskey("quinn", start, key)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "quinn", true)
	if l := rawUser(t, f.c, f.poolID, "quinn").Lockout; l.Failures != 0 {
		t.Fatalf("lockout after signing in: %+v", l)
	}
	stored := key.Count

	start = f.passkeyChallenge("quinn")
	key.RPID = "other.example.org"
	_, err = f.answerPasskey("quinn", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	key.RPID = ""
	key.NoUserVerification = true
	_, err = f.answerPasskey("quinn", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	key.NoUserVerification = false
	// An assertion of another sign-in's challenge.
	other := f.passkeyChallenge("quinn")
	cred, err := key.Assert(other.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.respond(types.ChallengeNameTypeWebAuthn, start.Session, "quinn", "CREDENTIAL", cred)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// A signature counter that does not grow (a cloned authenticator).
	next := key.Count
	key.Count = stored - 1 // the next assertion repeats the stored count
	_, err = f.answerPasskey("quinn", start, key)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	key.Count = next
	if l := rawUser(t, f.c, f.poolID, "quinn").Lockout; l.Failures != 4 {
		t.Fatalf("lockout after four failures: %+v", l)
	}
	res, err = f.answerPasskey("quinn", start, key)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "quinn", true)
}

// Registration refuses another origin or relying party, an expired or
// foreign challenge, and a pool without passkeys.
func TestPasskeyRegistrationErrors(t *testing.T) {
	f := newPasskeyFixture(t, "")
	createConfirmed(t, f.idp, f.poolID, "ray", "ray@example.com")
	access := f.accessToken("ray")
	try := func(a *webauthntest.Authenticator) error {
		resp, err := a.Register(f.startRegistration(access))
		if err != nil {
			t.Fatal(err)
		}
		return f.completeRegistration(access, resp)
	}
	evil := webauthntest.New("https://example.com.evil.net")
	wantCognitoErr(t, try(evil), "WebAuthnOriginNotAllowedException", "")
	other := webauthntest.New(appOrigin)
	other.RPID = "example.org"
	wantCognitoErr(t, try(other), "WebAuthnRelyingPartyMismatchException", "")

	late := webauthntest.New(appOrigin)
	resp, err := late.Register(f.startRegistration(access))
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(5*time.Minute + time.Second)
	wantCognitoErr(t, f.completeRegistration(access, resp), "WebAuthnChallengeNotFoundException", "")

	// Started with one app client's token, completed with another's.
	resp, err = late.Register(f.startRegistration(access))
	if err != nil {
		t.Fatal(err)
	}
	f.clientID, _ = appClient(t, f.idp, f.poolID, userAuthFlows)
	other2 := f.accessToken("ray")
	wantCognitoErr(t, f.completeRegistration(other2, resp), "WebAuthnClientMismatchException", "")

	// Pagination over several passkeys.
	for range 3 {
		f.register(other2, webauthntest.New("https://example.com"))
	}
	page, err := f.idp.ListWebAuthnCredentials(context.Background(), &cip.ListWebAuthnCredentialsInput{AccessToken: &other2, MaxResults: aws.Int32(2)})
	if err != nil || len(page.Credentials) != 2 || page.NextToken == nil {
		t.Fatalf("first page %v %+v", err, page)
	}
	rest, err := f.idp.ListWebAuthnCredentials(context.Background(), &cip.ListWebAuthnCredentialsInput{AccessToken: &other2, MaxResults: aws.Int32(2), NextToken: page.NextToken})
	if err != nil || len(rest.Credentials) != 1 || rest.NextToken != nil {
		t.Fatalf("second page %v %+v", err, rest)
	}

	// A pool that does not allow passkeys, and one without a relying party.
	g := newUserAuthFixture(t, nil, firstFactors("PASSWORD", "EMAIL_OTP"))
	createConfirmed(t, g.idp, g.poolID, "sue", "sue@example.com")
	a := g.accessToken("sue")
	_, err = g.idp.StartWebAuthnRegistration(context.Background(), &cip.StartWebAuthnRegistrationInput{AccessToken: &a})
	wantCognitoErr(t, err, "WebAuthnNotEnabledException", "")
	h := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	createConfirmed(t, h.idp, h.poolID, "tom", "tom@example.com")
	a = h.accessToken("tom")
	_, err = h.idp.StartWebAuthnRegistration(context.Background(), &cip.StartWebAuthnRegistrationInput{AccessToken: &a})
	wantCognitoErr(t, err, "WebAuthnConfigurationMissingException", "")
}
