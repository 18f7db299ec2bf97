package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
)

// A factor can be turned on, or preferred, only once the user can receive
// it, and only if the pool offers it; one factor at most is preferred;
// nothing of a refused request is kept.
func TestMFAPreferenceRules(t *testing.T) {
	f := newMFAFixture(t, nil)
	ctx := context.Background()
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: smsMfa, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "pat", "pat@example.com", "phone_number", "+15555550100")
	access := f.accessToken("pat")
	set := func(in cip.SetUserMFAPreferenceInput) error {
		in.AccessToken = &access
		_, err := f.idp.SetUserMFAPreference(ctx, &in)
		return err
	}
	admin := func(in cip.AdminSetUserMFAPreferenceInput) error {
		in.UserPoolId, in.Username = &f.poolID, aws.String("pat")
		_, err := f.idp.AdminSetUserMFAPreference(ctx, &in)
		return err
	}

	err := set(cip.SetUserMFAPreferenceInput{SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	wantCognitoErr(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	// The phone number is not verified.
	err = admin(cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}})
	wantCognitoErr(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SMS_MFA")
	err = set(cip.SetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})
	wantCognitoErr(t, err, "InvalidParameterException", "EMAIL_OTP is not enabled for the user pool")

	if _, err := f.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &f.poolID, Username: aws.String("pat"),
		UserAttributes: uattrs("phone_number_verified", "true")}); err != nil {
		t.Fatal(err)
	}
	f.enrolTOTP(access)
	err = set(cip.SetUserMFAPreferenceInput{
		SMSMfaSettings:           &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true},
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
	})
	wantCognitoErr(t, err, "InvalidParameterException", "Only one MFA method can be preferred.")
	if u := adminGet(t, f.idp, f.poolID, "pat"); len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("a refused request changed the settings: %v %v", u.UserMFASettingList, u.PreferredMfaSetting)
	}

	if err := set(cip.SetUserMFAPreferenceInput{
		SMSMfaSettings:           &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true},
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true},
	}); err != nil {
		t.Fatal(err)
	}
	u := adminGet(t, f.idp, f.poolID, "pat")
	if !slices.Equal(u.UserMFASettingList, []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}) || aws.ToString(u.PreferredMfaSetting) != "SMS_MFA" {
		t.Fatalf("settings %v %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}
	// Preferring TOTP moves the preference; turning SMS off keeps it there.
	if err := admin(cip.AdminSetUserMFAPreferenceInput{SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	if err := set(cip.SetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{}}); err != nil {
		t.Fatal(err)
	}
	var factors cip.GetUserAuthFactorsOutput
	if err := signedCall(t, f.c, "AdminGetUserAuthFactors", map[string]string{"UserPoolId": f.poolID, "Username": "pat"}, &factors); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(factors.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || aws.ToString(factors.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" ||
		aws.ToString(factors.Username) != "pat" {
		t.Fatalf("AdminGetUserAuthFactors %+v", factors)
	}
	err = signedCall(t, f.c, "AdminGetUserAuthFactors", map[string]string{"UserPoolId": f.poolID, "Username": "nobody"}, nil)
	wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")
}

// AssociateSoftwareToken and VerifySoftwareToken take an access token or
// a session, not both; a pool without TOTP has none to set up; a session
// that was tampered with, or is for another challenge, opens nothing.
func TestMFASoftwareTokenErrors(t *testing.T) {
	f := newMFAFixture(t, nil)
	ctx := context.Background()
	createConfirmed(t, f.idp, f.poolID, "al", "al@example.com")
	access := f.accessToken("al")

	_, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{})
	wantCognitoErr(t, err, "InvalidParameterException", "either an AccessToken or a Session")
	_, err = f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &access})
	wantCognitoErr(t, err, "SoftwareTokenMFANotFoundException", "not enabled")

	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: totpOn})
	_, err = f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: &access, UserCode: aws.String("123456")})
	wantCognitoErr(t, err, "SoftwareTokenMFANotFoundException", "AssociateSoftwareToken")
	_, err = f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &access, Session: aws.String(strings.Repeat("s", 40))})
	wantCognitoErr(t, err, "InvalidParameterException", "either an AccessToken or a Session")
	_, err = f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: aws.String(f.clientID + "." + strings.Repeat("A", 60))})
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user")
	_, err = f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String("not-a-token")})
	wantCognitoErr(t, err, "NotAuthorizedException", "")

	// A NEW_PASSWORD_REQUIRED session is no MFA_SETUP session.
	inviteUser(t, f.idp, f.poolID, "nia", "Temp-Passw0rd!")
	start, err := passwordSignIn(f.idp, f.clientID, "nia", "Temp-Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: aws.String(f.clientID + "." + aws.ToString(start.Session))})
	wantCognitoErr(t, err, "InvalidParameterException", "does not match")

	// Associating twice keeps only the newest secret.
	a1, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &access})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &access})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: &access, UserCode: aws.String(totpCode(t, *a1.SecretCode, f.clk.Now()))})
	wantCognitoErr(t, err, "EnableSoftwareTokenMFAException", "Code mismatch")
	if _, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: &access, UserCode: aws.String(totpCode(t, *a2.SecretCode, f.clk.Now()))}); err != nil {
		t.Fatal(err)
	}
	raw := rawUser(t, f.c, f.poolID, "al")
	if len(raw.MFA.TOTPSecret) == 0 || len(raw.MFA.TOTPPending) != 0 || strings.Contains(string(raw.MFA.TOTPSecret), *a2.SecretCode) {
		t.Fatalf("stored TOTP state %+v", raw.MFA)
	}
}

// AdminInitiateAuth and AdminRespondToAuthChallenge meet the same
// challenges, MFA_SETUP included.
func TestMFAAdminFlow(t *testing.T) {
	f := newMFAFixture(t, nil)
	ctx := context.Background()
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "ada", "ada@example.com")
	initiate := func() *cip.AdminInitiateAuthOutput {
		out, err := f.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: &f.poolID, ClientId: &f.clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ada", "PASSWORD": userPassword},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	respond := func(name types.ChallengeNameType, session *string, kv ...string) *cip.AdminRespondToAuthChallengeOutput {
		r := map[string]string{"USERNAME": "ada"}
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i]] = kv[i+1]
		}
		out, err := f.idp.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: &f.poolID, ClientId: &f.clientID, ChallengeName: name, ChallengeResponses: r, Session: session,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	start := initiate()
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("challenge %s", start.ChallengeName)
	}
	a, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: aws.String(totpCode(t, *a.SecretCode, f.clk.Now()))})
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, respond(types.ChallengeNameTypeMfaSetup, v.Session).AuthenticationResult, "ada", true)

	f.tick()
	again := initiate()
	if again.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("challenge %s", again.ChallengeName)
	}
	res := respond(types.ChallengeNameTypeSoftwareTokenMfa, again.Session, "SOFTWARE_TOKEN_MFA_CODE", totpCode(t, *a.SecretCode, f.clk.Now()))
	checkTokens(t, res.AuthenticationResult, "ada", true)
}

// A pool as the PDK's UserPoolWithMfa defaults make it (its synthesized
// template in internal/template/testdata/cdk: MFA ON with SMS and TOTP,
// email alias, email and phone auto-verified, case-insensitive names,
// administrators only create users, threat protection enforced): a user
// without a phone number sets up TOTP (MFAS_CAN_SETUP offers both), a
// user with a verified phone number gets SMS codes at once, and one with
// both chooses.
func TestMFAPDKUserPoolWithMfa(t *testing.T) {
	sms := startSMSReceiver(t)
	f := newMFAFixture(t, []cirrotest.Option{cirrotest.WithConfig(sms.configure)}, func(in *cip.CreateUserPoolInput) {
		in.UserPoolTier = types.UserPoolTierTypePlus // threat protection needs it
		in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}}}
		in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true}
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
		in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail, types.VerifiedAttributeTypePhoneNumber}
		in.DeletionProtection = types.DeletionProtectionTypeActive
		in.EmailVerificationMessage = aws.String("The verification code to your new account is {####}")
		in.EmailVerificationSubject = aws.String("Verify your new account")
		in.MfaConfiguration = types.UserPoolMfaTypeOn
		in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			TemporaryPasswordValidityDays: 3, MinimumLength: aws.Int32(8), RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true,
		}}
		in.Schema = []types.SchemaAttributeType{
			{Name: aws.String("phone_number"), Mutable: aws.Bool(true), Required: aws.Bool(false)},
			{Name: aws.String("email"), Mutable: aws.Bool(true), Required: aws.Bool(true)},
			{Name: aws.String("given_name"), Mutable: aws.Bool(true), Required: aws.Bool(true)},
			{Name: aws.String("family_name"), Mutable: aws.Bool(true), Required: aws.Bool(true)},
		}
		in.SmsConfiguration = &types.SmsConfigurationType{ExternalId: aws.String("PdkUserIdentityMfaPoolDF306F36"), SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/smsRole")}
		in.SmsVerificationMessage = aws.String("The verification code to your new account is {####}")
		in.UserAttributeUpdateSettings = &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail, types.VerifiedAttributeTypePhoneNumber}}
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
		in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}
		in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithCode,
			EmailMessage: aws.String("The verification code to your new account is {####}"), EmailSubject: aws.String("Verify your new account"),
			SmsMessage: aws.String("The verification code to your new account is {####}")}
	})
	// EnabledMfas [SMS_MFA, SOFTWARE_TOKEN_MFA], as CloudFormation applies it.
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{ExternalId: aws.String("PdkUserIdentityMfaPoolDF306F36"), SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/smsRole")}},
		SoftwareTokenMfaConfiguration: totpOn})
	ctx := context.Background()
	person := func(name string, more ...string) {
		createConfirmed(t, f.idp, f.poolID, name, name+"@example.com", append([]string{"given_name", "G", "family_name", "F"}, more...)...)
	}
	person("nophone")
	person("phoned", "phone_number", "+15555550111", "phone_number_verified", "true")

	// By email alias, in another case: the pool compares names case-insensitively.
	start := f.signIn("NoPhone@Example.com")
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup ||
		!slices.Equal(factorList(t, start.ChallengeParameters["MFAS_CAN_SETUP"]), []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}) {
		t.Fatalf("user without a phone: %s %v", start.ChallengeName, start.ChallengeParameters)
	}
	a, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: aws.String(totpCode(t, *a.SecretCode, f.clk.Now()))})
	if err != nil {
		t.Fatal(err)
	}
	done, err := f.respond(types.ChallengeNameTypeMfaSetup, v.Session, "NoPhone@Example.com")
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, done.AuthenticationResult, "nophone", true)

	start = f.signIn("phoned")
	if start.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("user with a verified phone: %s", start.ChallengeName)
	}
	if msg := sms.only(t, "+15555550111"); !strings.HasPrefix(msg.Body, "Your authentication code is ") {
		t.Fatalf("default SMS authentication message: %q", msg.Body)
	}
	res, err := f.respond(types.ChallengeNameTypeSmsMfa, start.Session, "phoned", "SMS_MFA_CODE", sms.code(t, "+15555550111"))
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "phoned", true)

	// With an authenticator too, the user chooses.
	f.enrolTOTP(aws.ToString(res.AuthenticationResult.AccessToken))
	if start := f.signIn("phoned"); start.ChallengeName != types.ChallengeNameTypeSelectMfaType {
		t.Fatalf("user with both factors: %s", start.ChallengeName)
	}
}

// signedCall sends a cognito-idp operation the released SDK does not have
// (AdminGetUserAuthFactors), signed by the SDK's own SigV4 signer, decodes
// a success into out and returns a failure as the SDK would, as a typed
// exception when the SDK knows the type.
func signedCall(t *testing.T, c *cirrotest.Server, op string, in, out any) error {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, c.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	sum := sha256.Sum256(body)
	creds, err := c.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "cognito-idp", c.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	json.Unmarshal(b, &e)
	if e.Type == "UserNotFoundException" {
		return &types.UserNotFoundException{Message: &e.Message}
	}
	return &smithy.GenericAPIError{Code: e.Type, Message: e.Message}
}
