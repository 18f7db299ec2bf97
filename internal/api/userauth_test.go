package api_test

import (
	"context"
	"slices"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// userAuthFlows are the flows of the choice-based clients of these tests.
func userAuthFlows(in *cip.CreateUserPoolClientInput) {
	in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{
		types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
	}
}

// firstFactors makes an Essentials pool allowing these first factors.
func firstFactors(f ...types.AuthFactorType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) {
		in.UserPoolTier = types.UserPoolTierTypeEssentials
		in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: f}}
	}
}

var allFirstFactors = []types.AuthFactorType{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}

// newUserAuthFixture is an MFA fixture whose client allows USER_AUTH.
func newUserAuthFixture(t *testing.T, server []cirrotest.Option, pool ...func(*cip.CreateUserPoolInput)) *mfaFixture {
	t.Helper()
	f := newMFAFixture(t, server, pool...)
	f.clientID, _ = appClient(t, f.idp, f.poolID, userAuthFlows)
	return f
}

// userAuth starts USER_AUTH as name with the parameters kv.
func (f *mfaFixture) userAuth(name string, kv ...string) (*cip.InitiateAuthOutput, error) {
	p := map[string]string{"USERNAME": name}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return f.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: &f.clientID, AuthParameters: p})
}

func (f *mfaFixture) mustUserAuth(name string, kv ...string) *cip.InitiateAuthOutput {
	f.t.Helper()
	out, err := f.userAuth(name, kv...)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func challenges(cs []types.ChallengeNameType) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, string(c))
	}
	return out
}

// emailCode is the newest code mailed to an address (the dev outbox).
func (f *mfaFixture) emailCode(to string) string {
	f.t.Helper()
	m := sixDigits.FindStringSubmatch(outboxMessage(f.t, f.c, f.poolID, to).Body)
	if m == nil {
		f.t.Fatalf("no code in the mail to %s", to)
	}
	return m[1]
}

// PREFERRED_CHALLENGE=PASSWORD signs in at once with PASSWORD, or asks
// for it; a wrong password counts toward the lockout.
func TestUserAuthPreferredPassword(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	createConfirmed(t, f.idp, f.poolID, "ann", "ann@example.com")

	out := f.mustUserAuth("ann", "PREFERRED_CHALLENGE", "PASSWORD", "PASSWORD", userPassword)
	checkTokens(t, out.AuthenticationResult, "ann", true)

	_, err := f.userAuth("ann", "PREFERRED_CHALLENGE", "PASSWORD", "PASSWORD", "wrong-Passw0rd!")
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if l := rawUser(t, f.c, f.poolID, "ann").Lockout; l.Failures != 1 {
		t.Fatalf("lockout after a wrong password: %+v", l)
	}

	start := f.mustUserAuth("ann", "PREFERRED_CHALLENGE", "PASSWORD")
	if start.ChallengeName != types.ChallengeNameTypePassword || start.Session == nil {
		t.Fatalf("challenge %s", start.ChallengeName)
	}
	res, err := f.respond(types.ChallengeNameTypePassword, start.Session, "ann", "PASSWORD", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "ann", true)
	if l := rawUser(t, f.c, f.poolID, "ann").Lockout; l.Failures != 0 {
		t.Fatalf("lockout after signing in: %+v", l)
	}
}

// PREFERRED_CHALLENGE=PASSWORD_SRP with SRP_A answers PASSWORD_VERIFIER,
// which the SRP client answers as for USER_SRP_AUTH.
func TestUserAuthPreferredPasswordSRP(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors("PASSWORD"))
	createConfirmed(t, f.idp, f.poolID, "bo", "bo@example.com")
	cl := srptest.NewClient(f.poolID, userPassword)
	start := f.mustUserAuth("bo", "PREFERRED_CHALLENGE", "PASSWORD_SRP", "SRP_A", cl.SRPA())
	if start.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("challenge %s", start.ChallengeName)
	}
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.idp.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &f.clientID, ChallengeResponses: answer, Session: start.Session,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "bo", true)
}

// EMAIL_OTP as a first factor: the code arrives by mail, a wrong one is
// refused and counted, the right one signs in without the MFA the same
// user's password sign-in is asked for.
func TestUserAuthEmailOTP(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "cy", "cy@example.com")
	access := f.accessToken("cy")
	f.enrolTOTP(access)
	_, err := f.idp.SetUserMFAPreference(context.Background(), &cip.SetUserMFAPreferenceInput{
		AccessToken: &access, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.tick()

	// The password is followed by MFA …
	pw := f.mustUserAuth("cy", "PREFERRED_CHALLENGE", "PASSWORD", "PASSWORD", userPassword)
	if pw.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("after the password: %s", pw.ChallengeName)
	}
	// … a one-time password is not.
	start := f.mustUserAuth("cy", "PREFERRED_CHALLENGE", "EMAIL_OTP")
	p := start.ChallengeParameters
	if start.ChallengeName != types.ChallengeNameTypeEmailOtp || p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" || p["CODE_DELIVERY_DESTINATION"] != "c***@e***" {
		t.Fatalf("challenge %s %v", start.ChallengeName, p)
	}
	code := f.emailCode("cy@example.com")
	_, err = f.respond(types.ChallengeNameTypeEmailOtp, start.Session, "cy", "EMAIL_OTP_CODE", wrongCode(code))
	wantCognitoErr(t, err, "CodeMismatchException", "Invalid code received for user")
	if l := rawUser(t, f.c, f.poolID, "cy").Lockout; l.Failures != 1 {
		t.Fatalf("lockout after a wrong code: %+v", l)
	}
	res, err := f.respond(types.ChallengeNameTypeEmailOtp, start.Session, "cy", "EMAIL_OTP_CODE", code)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "cy", true)
	_, err = f.respond(types.ChallengeNameTypeEmailOtp, start.Session, "cy", "EMAIL_OTP_CODE", code)
	wantCognitoErr(t, err, "NotAuthorizedException", "session can only be used once")
}

// SMS_OTP as a first factor, through the SMS webhook.
func TestUserAuthSMSOTP(t *testing.T) {
	sms := startSMSReceiver(t)
	f := newUserAuthFixture(t, []cirrotest.Option{cirrotest.WithConfig(sms.configure)}, firstFactors(allFirstFactors...), smsPool)
	createConfirmed(t, f.idp, f.poolID, "di", "di@example.com", "phone_number", "+15555550177", "phone_number_verified", "true")
	start := f.mustUserAuth("di", "PREFERRED_CHALLENGE", "SMS_OTP")
	if start.ChallengeName != types.ChallengeNameTypeSmsOtp || start.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0177" {
		t.Fatalf("challenge %s %v", start.ChallengeName, start.ChallengeParameters)
	}
	code := sms.code(t, "+15555550177")
	_, err := f.respond(types.ChallengeNameTypeSmsOtp, start.Session, "di", "SMS_OTP_CODE", wrongCode(code))
	wantCognitoErr(t, err, "CodeMismatchException", "Invalid code received for user")
	res, err := f.respond(types.ChallengeNameTypeSmsOtp, start.Session, "di", "SMS_OTP_CODE", code)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "di", true)
}

// Without PREFERRED_CHALLENGE the answer is SELECT_CHALLENGE with what
// this user can do in this pool, and each choice leads on.
func TestUserAuthSelectChallenge(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	createConfirmed(t, f.idp, f.poolID, "eve", "eve@example.com", "phone_number", "+15555550199") // phone not verified
	sel := func() *cip.InitiateAuthOutput {
		out := f.mustUserAuth("eve")
		if out.ChallengeName != types.ChallengeNameTypeSelectChallenge || out.Session == nil {
			t.Fatalf("challenge %s", out.ChallengeName)
		}
		return out
	}
	if got := challenges(sel().AvailableChallenges); !slices.Equal(got, []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}) {
		t.Fatalf("AvailableChallenges %v", got)
	}
	// A preferred challenge the user cannot answer lists the choices.
	if out := f.mustUserAuth("eve", "PREFERRED_CHALLENGE", "SMS_OTP"); out.ChallengeName != types.ChallengeNameTypeSelectChallenge {
		t.Fatalf("preferring SMS_OTP without a verified phone: %s", out.ChallengeName)
	}

	// PASSWORD.
	res, err := f.respond(types.ChallengeNameTypeSelectChallenge, sel().Session, "eve", "ANSWER", "PASSWORD", "PASSWORD", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "eve", true)

	// PASSWORD_SRP.
	cl := srptest.NewClient(f.poolID, userPassword)
	v, err := f.respond(types.ChallengeNameTypeSelectChallenge, sel().Session, "eve", "ANSWER", "PASSWORD_SRP", "SRP_A", cl.SRPA())
	if err != nil || v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("PASSWORD_SRP: %v %v", err, v)
	}
	answer, err := cl.PasswordVerifier(v.ChallengeParameters, f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err = f.idp.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &f.clientID, ChallengeResponses: answer, Session: v.Session,
	})
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "eve", true)

	// EMAIL_OTP.
	otp, err := f.respond(types.ChallengeNameTypeSelectChallenge, sel().Session, "eve", "ANSWER", "EMAIL_OTP")
	if err != nil || otp.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("EMAIL_OTP: %v %v", err, otp)
	}
	res, err = f.respond(types.ChallengeNameTypeEmailOtp, otp.Session, "eve", "EMAIL_OTP_CODE", f.emailCode("eve@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "eve", true)

	// What was not offered is refused.
	_, err = f.respond(types.ChallengeNameTypeSelectChallenge, sel().Session, "eve", "ANSWER", "SMS_OTP")
	wantCognitoErr(t, err, "InvalidParameterException", "The challenge SMS_OTP is not available to the user.")
}

// A pool whose SignInPolicy allows only passwords offers nothing else,
// and a client without ALLOW_USER_AUTH is refused.
func TestUserAuthPolicyAndClient(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors("PASSWORD"))
	createConfirmed(t, f.idp, f.poolID, "fay", "fay@example.com")
	out := f.mustUserAuth("fay", "PREFERRED_CHALLENGE", "EMAIL_OTP")
	if out.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challenges(out.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
		t.Fatalf("%s %v", out.ChallengeName, out.AvailableChallenges)
	}
	access := f.accessToken("fay")
	factors, err := f.idp.GetUserAuthFactors(context.Background(), &cip.GetUserAuthFactorsInput{AccessToken: &access})
	if err != nil || !slices.Equal(authFactors(factors.ConfiguredUserAuthFactors), []string{"PASSWORD"}) {
		t.Fatalf("GetUserAuthFactors: %v %v", err, factors)
	}

	f.clientID, _ = appClient(t, f.idp, f.poolID, allFlows)
	_, err = f.userAuth("fay")
	wantCognitoErr(t, err, "InvalidParameterException", "USER_AUTH flow not enabled for this client")
}

// An unknown name: UserNotFoundException, or with
// PreventUserExistenceErrors what a user with a password alone gets,
// failing as a wrong password.
func TestUserAuthUnknownUser(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	_, err := f.userAuth("nobody")
	wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")

	f.clientID, _ = appClient(t, f.idp, f.poolID, userAuthFlows, hidingUsers)
	out := f.mustUserAuth("nobody")
	if out.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challenges(out.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
		t.Fatalf("%s %v", out.ChallengeName, out.AvailableChallenges)
	}
	_, err = f.respond(types.ChallengeNameTypeSelectChallenge, out.Session, "nobody", "ANSWER", "PASSWORD", "PASSWORD", userPassword)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = f.userAuth("nobody", "PREFERRED_CHALLENGE", "PASSWORD", "PASSWORD", userPassword)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
}

// GetUserAuthFactors reports the first factors a user has in the pool.
func TestUserAuthFactors(t *testing.T) {
	f := newUserAuthFixture(t, nil, firstFactors(allFirstFactors...))
	createConfirmed(t, f.idp, f.poolID, "gil", "gil@example.com", "phone_number", "+15555550111", "phone_number_verified", "true")
	access := f.accessToken("gil")
	out, err := f.idp.GetUserAuthFactors(context.Background(), &cip.GetUserAuthFactorsInput{AccessToken: &access})
	if err != nil {
		t.Fatal(err)
	}
	if got := authFactors(out.ConfiguredUserAuthFactors); !slices.Equal(got, []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP"}) {
		t.Fatalf("ConfiguredUserAuthFactors %v", got)
	}
}

func authFactors(fs []types.AuthFactorType) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, string(f))
	}
	return out
}
