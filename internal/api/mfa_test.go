package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
)

// mfaFixture is a pool with an app client allowing every flow, on a fake
// clock, whose MFA configuration a test sets.
type mfaFixture struct {
	t        *testing.T
	c        *cirrotest.Server
	idp      *cip.Client
	clk      *clock.Fake
	poolID   string
	clientID string
}

func newMFAFixture(t *testing.T, server []cirrotest.Option, pool ...func(*cip.CreateUserPoolInput)) *mfaFixture {
	t.Helper()
	clk := familyClock()
	c := cirrotest.Start(t, append([]cirrotest.Option{cirrotest.WithClock(clk)}, server...)...)
	idp := c.IdentityProvider()
	poolID := newFamilyPool(t, idp, pool...)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	return &mfaFixture{t: t, c: c, idp: idp, clk: clk, poolID: poolID, clientID: clientID}
}

// mfaConfig sets the pool's MFA configuration.
func (f *mfaFixture) mfaConfig(in cip.SetUserPoolMfaConfigInput) {
	f.t.Helper()
	in.UserPoolId = &f.poolID
	if _, err := f.idp.SetUserPoolMfaConfig(context.Background(), &in); err != nil {
		f.t.Fatal(err)
	}
}

var totpOn = &types.SoftwareTokenMfaConfigType{Enabled: true}

// signIn is USER_PASSWORD_AUTH with the right password.
func (f *mfaFixture) signIn(name string, extra ...string) *cip.InitiateAuthOutput {
	f.t.Helper()
	out, err := passwordSignIn(f.idp, f.clientID, name, userPassword, extra...)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// respond answers a challenge as name with the responses kv.
func (f *mfaFixture) respond(challenge types.ChallengeNameType, session *string, name string, kv ...string) (*cip.RespondToAuthChallengeOutput, error) {
	r := map[string]string{"USERNAME": name}
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return f.idp.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: challenge, ClientId: &f.clientID, ChallengeResponses: r, Session: session,
	})
}

// tokens signs name in to a pool without MFA and returns the access token.
func (f *mfaFixture) accessToken(name string) string {
	f.t.Helper()
	out := f.signIn(name)
	if out.AuthenticationResult == nil {
		f.t.Fatalf("sign-in of %s: challenge %s", name, out.ChallengeName)
	}
	return aws.ToString(out.AuthenticationResult.AccessToken)
}

// tick moves the clock to the next 30-second TOTP step.
func (f *mfaFixture) tick() { f.clk.Advance(30 * time.Second) }

// totpCode is an authenticator's code for secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// enrolTOTP gives the holder of accessToken an authenticator and returns
// its secret.
func (f *mfaFixture) enrolTOTP(accessToken string) string {
	f.t.Helper()
	ctx := context.Background()
	a, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &accessToken})
	if err != nil {
		f.t.Fatal(err)
	}
	secret := aws.ToString(a.SecretCode)
	v, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: &accessToken, UserCode: aws.String(totpCode(f.t, secret, f.clk.Now())), FriendlyDeviceName: aws.String("phone")})
	if err != nil {
		f.t.Fatal(err)
	}
	if v.Status != types.VerifySoftwareTokenResponseTypeSuccess || v.Session != nil {
		f.t.Fatalf("VerifySoftwareToken with an access token: %+v", v)
	}
	f.tick()
	return secret
}

// factorList decodes MFAS_CAN_SETUP / MFAS_CAN_CHOOSE.
func factorList(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("factor list %q: %v", s, err)
	}
	return out
}

// A pool that requires TOTP: the first sign-in meets MFA_SETUP; the
// authenticator is associated and verified with the challenge's session,
// and MFA_SETUP completes the sign-in. From then on every sign-in, by
// password or SRP, asks for a code: a wrong one is refused and may be
// corrected with the same session, the code already used (by
// VerifySoftwareToken or a sign-in) is refused as a replay, and the
// answered session is spent.
func TestMFARequiredTOTP(t *testing.T) {
	f := newMFAFixture(t, nil)
	ctx := context.Background()
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "tess", "tess@example.com")

	start := f.signIn("tess")
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup || start.AuthenticationResult != nil || start.Session == nil {
		t.Fatalf("first sign-in: %+v", start)
	}
	if got := factorList(t, start.ChallengeParameters["MFAS_CAN_SETUP"]); !slices.Equal(got, []string{"SOFTWARE_TOKEN_MFA"}) {
		t.Fatalf("MFAS_CAN_SETUP %v", got)
	}
	// The session completes nothing before an authenticator is verified.
	_, err := f.respond(types.ChallengeNameTypeMfaSetup, start.Session, "tess")
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session")

	assoc, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session})
	if err != nil {
		t.Fatal(err)
	}
	secret := aws.ToString(assoc.SecretCode)
	if len(secret) != 52 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" || assoc.Session == nil {
		t.Fatalf("AssociateSoftwareToken: %q %v", secret, assoc.Session)
	}
	_, err = f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(wrongCode(totpCode(t, secret, f.clk.Now())))})
	wantCognitoErr(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	code := totpCode(t, secret, f.clk.Now())
	verified, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: &code, FriendlyDeviceName: aws.String("phone")})
	if err != nil {
		t.Fatal(err)
	}
	if verified.Status != types.VerifySoftwareTokenResponseTypeSuccess || verified.Session == nil {
		t.Fatalf("VerifySoftwareToken: %+v", verified)
	}
	done, err := f.respond(types.ChallengeNameTypeMfaSetup, verified.Session, "tess")
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, done.AuthenticationResult, "tess", true)
	_, err = f.respond(types.ChallengeNameTypeMfaSetup, verified.Session, "tess")
	wantCognitoErr(t, err, "NotAuthorizedException", "session can only be used once")
	u := adminGet(t, f.idp, f.poolID, "tess")
	if !slices.Equal(u.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("after MFA_SETUP: %v %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}

	// Still in the same 30 seconds: the code VerifySoftwareToken took is spent.
	again := f.signIn("tess")
	if again.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || again.ChallengeParameters["USER_ID_FOR_SRP"] != "tess" {
		t.Fatalf("second sign-in: %+v", again)
	}
	_, err = f.respond(types.ChallengeNameTypeSoftwareTokenMfa, again.Session, "tess", "SOFTWARE_TOKEN_MFA_CODE", code)
	wantCognitoErr(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	f.tick()
	_, err = f.respond(types.ChallengeNameTypeSoftwareTokenMfa, again.Session, "tess", "SOFTWARE_TOKEN_MFA_CODE", wrongCode(totpCode(t, secret, f.clk.Now())))
	wantCognitoErr(t, err, "CodeMismatchException", "Invalid code received for user")
	code = totpCode(t, secret, f.clk.Now())
	res, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, again.Session, "tess", "SOFTWARE_TOKEN_MFA_CODE", code)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "tess", true)
	_, err = f.respond(types.ChallengeNameTypeSoftwareTokenMfa, again.Session, "tess", "SOFTWARE_TOKEN_MFA_CODE", code)
	wantCognitoErr(t, err, "NotAuthorizedException", "session can only be used once")

	// SRP meets the same challenge; a code of the previous step is still
	// accepted (one step of skew) unless it was the one used.
	srp, err := srpSignIn(f.idp, f.poolID, f.clientID, "tess", userPassword, f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if srp.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("SRP sign-in: %+v", srp)
	}
	f.clk.Advance(30 * time.Second)
	_, err = f.respond(types.ChallengeNameTypeSoftwareTokenMfa, srp.Session, "tess", "SOFTWARE_TOKEN_MFA_CODE", code)
	wantCognitoErr(t, err, "ExpiredCodeException", "already been used once")
	res, err = f.respond(types.ChallengeNameTypeSoftwareTokenMfa, srp.Session, "tess", "SOFTWARE_TOKEN_MFA_CODE", totpCode(t, secret, f.clk.Now().Add(30*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "tess", true)
}
