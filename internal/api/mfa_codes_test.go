package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// smsMfa is SMS MFA with the pool's own authentication message.
var smsMfa = &types.SmsMfaConfigType{
	SmsAuthenticationMessage: aws.String("Your Example sign-in code is {####}"),
	SmsConfiguration:         &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/cognito-sms")},
}

// smsCode reads the one code sent to a number by the webhook.
func (r *smsReceiver) code(t *testing.T, to string) string {
	t.Helper()
	p := r.only(t, to)
	m := sixDigits.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no code in SMS %q", p.Body)
	}
	return m[1]
}

// reset forgets the messages received so far.
func (r *smsReceiver) reset() {
	r.mu.Lock()
	r.msgs = nil
	r.mu.Unlock()
}

// With MFA OPTIONAL, a user signs in with the password alone until they
// turn SMS MFA on; then the code goes through the SMS webhook with the
// pool's message, the challenge names where it went, a wrong code is
// refused and the right one signs in.
func TestMFAOptionalSMS(t *testing.T) {
	sms := startSMSReceiver(t)
	f := newMFAFixture(t, []cirrotest.Option{cirrotest.WithConfig(sms.configure)})
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: smsMfa})
	createConfirmed(t, f.idp, f.poolID, "sam", "sam@example.com", "phone_number", "+15555550123", "phone_number_verified", "true")

	access := f.accessToken("sam")
	_, err := f.idp.SetUserMFAPreference(context.Background(), &cip.SetUserMFAPreferenceInput{
		AccessToken: &access, SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	start := f.signIn("sam")
	p := start.ChallengeParameters
	if start.ChallengeName != types.ChallengeNameTypeSmsMfa || p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" || p["CODE_DELIVERY_DESTINATION"] != "+*******0123" {
		t.Fatalf("challenge %s %v", start.ChallengeName, p)
	}
	msg := sms.only(t, "+15555550123")
	code := sms.code(t, "+15555550123")
	if msg.Body != "Your Example sign-in code is "+code || msg.Kind != "mfa" || msg.User != "sam" {
		t.Fatalf("SMS %+v", msg)
	}
	_, err = f.respond(types.ChallengeNameTypeSmsMfa, start.Session, "sam", "SMS_MFA_CODE", wrongCode(code))
	wantCognitoErr(t, err, "CodeMismatchException", "Invalid code received for user")
	res, err := f.respond(types.ChallengeNameTypeSmsMfa, start.Session, "sam", "SMS_MFA_CODE", code)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "sam", true)
	_, err = f.respond(types.ChallengeNameTypeSmsMfa, start.Session, "sam", "SMS_MFA_CODE", code)
	wantCognitoErr(t, err, "NotAuthorizedException", "session can only be used once")

	// Turned off again, the password alone signs in.
	_, err = f.idp.AdminSetUserMFAPreference(context.Background(), &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: &f.poolID, Username: aws.String("sam"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u := adminGet(t, f.idp, f.poolID, "sam"); len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("after turning SMS off: %v %v", u.UserMFASettingList, u.PreferredMfaSetting)
	}
	f.accessToken("sam")
}

// An SMS code is good for three minutes, even when the client's sessions
// last longer; an expired one is ExpiredCodeException and does not count
// as a guess.
func TestMFACodeExpires(t *testing.T) {
	sms := startSMSReceiver(t)
	f := newMFAFixture(t, []cirrotest.Option{cirrotest.WithConfig(sms.configure)})
	f.clientID, _ = appClient(t, f.idp, f.poolID, allFlows, func(in *cip.CreateUserPoolClientInput) { in.AuthSessionValidity = aws.Int32(15) })
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn, SmsMfaConfiguration: smsMfa})
	createConfirmed(t, f.idp, f.poolID, "sam", "sam@example.com", "phone_number", "+15555550123", "phone_number_verified", "true")

	start := f.signIn("sam")
	if start.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("challenge %s", start.ChallengeName)
	}
	code := sms.code(t, "+15555550123")
	f.clk.Advance(3*time.Minute + time.Second)
	_, err := f.respond(types.ChallengeNameTypeSmsMfa, start.Session, "sam", "SMS_MFA_CODE", code)
	wantCognitoErr(t, err, "ExpiredCodeException", "Invalid code provided, please request a code again.")
	if l := rawUser(t, f.c, f.poolID, "sam").Lockout; l.Failures != 0 {
		t.Fatalf("an expired code counted as a failure: %+v", l)
	}

	// A fresh sign-in sends a fresh code.
	sms.reset()
	start = f.signIn("sam")
	res, err := f.respond(types.ChallengeNameTypeSmsMfa, start.Session, "sam", "SMS_MFA_CODE", sms.code(t, "+15555550123"))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "sam", true)
}

// Email OTP as a second factor: the code arrives at a real SMTP server
// with the pool's email MFA template.
func TestMFAEmailOTP(t *testing.T) {
	mail := startMailServer(t)
	f := newMFAFixture(t, []cirrotest.Option{cirrotest.WithConfig(mail.configure)}, func(in *cip.CreateUserPoolInput) {
		in.EmailConfiguration = &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:us-east-1:000000000000:identity/example.com"),
			From:                aws.String("Example <no-reply@example.com>"),
		}
	})
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{
		MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: totpOn,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Subject: aws.String("Your sign-in code"), Message: aws.String("Use {####} to sign in to Example.")},
	})
	createConfirmed(t, f.idp, f.poolID, "eve", "eve@example.com")

	start := f.signIn("eve")
	p := start.ChallengeParameters
	if start.ChallengeName != types.ChallengeNameTypeEmailOtp || p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" || p["CODE_DELIVERY_DESTINATION"] != "e***@e***" {
		t.Fatalf("challenge %s %v", start.ChallengeName, p)
	}
	got := mail.only(t, "eve@example.com")
	m := sixDigits.FindStringSubmatch(got.Text)
	if m == nil || got.Subject != "Your sign-in code" || strings.TrimSpace(got.Text) != "Use "+m[1]+" to sign in to Example." || got.From != "no-reply@example.com" {
		t.Fatalf("mail %+v", got)
	}
	_, err := f.respond(types.ChallengeNameTypeEmailOtp, start.Session, "eve", "EMAIL_OTP_CODE", wrongCode(m[1]))
	wantCognitoErr(t, err, "CodeMismatchException", "Invalid code received for user")
	res, err := f.respond(types.ChallengeNameTypeEmailOtp, start.Session, "eve", "EMAIL_OTP_CODE", m[1])
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "eve", true)
}

// A user with several factors and no preference chooses one
// (SELECT_MFA_TYPE); the choice asks for that factor. A preference ends
// the choosing.
func TestMFASelectType(t *testing.T) {
	sms := startSMSReceiver(t)
	f := newMFAFixture(t, []cirrotest.Option{cirrotest.WithConfig(sms.configure)})
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: smsMfa, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "cat", "cat@example.com", "phone_number", "+15555550199", "phone_number_verified", "true")
	ctx := context.Background()

	access := f.accessToken("cat")
	secret := f.enrolTOTP(access)
	_, err := f.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{
		AccessToken:              &access,
		SMSMfaSettings:           &types.SMSMfaSettingsType{Enabled: true},
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}

	start := f.signIn("cat")
	if start.ChallengeName != types.ChallengeNameTypeSelectMfaType {
		t.Fatalf("challenge %s", start.ChallengeName)
	}
	if got := factorList(t, start.ChallengeParameters["MFAS_CAN_CHOOSE"]); strings.Join(got, ",") != "SMS_MFA,SOFTWARE_TOKEN_MFA" {
		t.Fatalf("MFAS_CAN_CHOOSE %v", got)
	}
	_, err = f.respond(types.ChallengeNameTypeSelectMfaType, start.Session, "cat", "ANSWER", "EMAIL_OTP")
	wantCognitoErr(t, err, "MFAMethodNotFoundException", "EMAIL_OTP")
	chosen, err := f.respond(types.ChallengeNameTypeSelectMfaType, start.Session, "cat", "ANSWER", "SOFTWARE_TOKEN_MFA")
	if err != nil {
		t.Fatal(err)
	}
	if chosen.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || chosen.Session == nil {
		t.Fatalf("after choosing TOTP: %+v", chosen)
	}
	res, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, chosen.Session, "cat", "SOFTWARE_TOKEN_MFA_CODE", totpCode(t, secret, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "cat", true)

	// Choosing SMS sends the code then.
	start = f.signIn("cat")
	chosen, err = f.respond(types.ChallengeNameTypeSelectMfaType, start.Session, "cat", "ANSWER", "SMS_MFA")
	if err != nil {
		t.Fatal(err)
	}
	if chosen.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("after choosing SMS: %+v", chosen)
	}
	if _, err := f.respond(types.ChallengeNameTypeSmsMfa, chosen.Session, "cat", "SMS_MFA_CODE", sms.code(t, "+15555550199")); err != nil {
		t.Fatal(err)
	}

	// With a preference there is nothing to choose.
	_, err = f.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{
		AccessToken: &access, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if start := f.signIn("cat"); start.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("with TOTP preferred: %s", start.ChallengeName)
	}
	factors, err := f.idp.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: &access})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(factors.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" || strings.Join(factors.UserMFASettingList, ",") != "SMS_MFA,SOFTWARE_TOKEN_MFA" ||
		len(factors.ConfiguredUserAuthFactors) != 1 || factors.ConfiguredUserAuthFactors[0] != types.AuthFactorTypePassword || aws.ToString(factors.Username) != "cat" {
		t.Fatalf("GetUserAuthFactors %+v", factors)
	}
}

// Wrong MFA codes count toward the sign-in lockout as wrong passwords do:
// after five the user is locked out, and then neither the right code nor
// the right password gets through until the lockout is over.
func TestMFAWrongCodesLockOut(t *testing.T) {
	f := newMFAFixture(t, nil, threatProtection)
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "lou", "lou@example.com")
	access := f.accessToken("lou")
	secret := f.enrolTOTP(access)
	if _, err := f.idp.SetUserMFAPreference(context.Background(), &cip.SetUserMFAPreferenceInput{
		AccessToken: &access, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
	}); err != nil {
		t.Fatal(err)
	}

	start := f.signIn("lou")
	right := totpCode(t, secret, f.clk.Now())
	for range 5 {
		_, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, start.Session, "lou", "SOFTWARE_TOKEN_MFA_CODE", wrongCode(right))
		wantCognitoErr(t, err, "CodeMismatchException", "Invalid code received for user")
	}
	_, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, start.Session, "lou", "SOFTWARE_TOKEN_MFA_CODE", right)
	wantCognitoErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	_, err = passwordSignIn(f.idp, f.clientID, "lou", userPassword)
	wantCognitoErr(t, err, "NotAuthorizedException", "Password attempts exceeded")

	events, err := f.idp.AdminListUserAuthEvents(context.Background(), &cip.AdminListUserAuthEventsInput{UserPoolId: &f.poolID, Username: aws.String("lou")})
	if err != nil {
		t.Fatal(err)
	}
	var mfaFailures int
	for _, e := range events.AuthEvents {
		for _, r := range e.ChallengeResponses {
			if r.ChallengeName == types.ChallengeNameMfa && r.ChallengeResponse == types.ChallengeResponseFailure {
				mfaFailures++
			}
		}
	}
	if mfaFailures != 6 { // five wrong codes, and the right one refused while locked
		t.Fatalf("%d MFA failures recorded in the auth events", mfaFailures)
	}
	// Once the lockout is over the right code of the moment signs in.
	f.clk.Advance(time.Minute)
	start = f.signIn("lou")
	res, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, start.Session, "lou", "SOFTWARE_TOKEN_MFA_CODE", totpCode(t, secret, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "lou", true)
	if l := rawUser(t, f.c, f.poolID, "lou").Lockout; l.Failures != 0 {
		t.Fatalf("lockout after a successful sign-in: %+v", l)
	}
}
