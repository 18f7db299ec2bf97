package api_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// tracking turns device tracking on.
func tracking(challengeRequired, userPrompt bool) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) {
		in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: challengeRequired, DeviceOnlyRememberedOnUserPrompt: userPrompt}
	}
}

var (
	deviceKeyPattern = regexp.MustCompile(`^us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	groupKeyPattern  = regexp.MustCompile(`^-[A-Za-z0-9]{8}$`)
)

// appDevice is what an app keeps of a device it confirmed: the keys and
// the random password it derived the verifier from.
type appDevice struct{ key, group, password string }

// confirmDevice confirms the new device of a sign-in as
// amazon-cognito-identity-js does: a random password, a 16-byte salt, the
// SRP verifier of group key, device key and password.
func (f *mfaFixture) confirmDevice(res *types.AuthenticationResultType, name string) (*appDevice, *cip.ConfirmDeviceOutput) {
	f.t.Helper()
	md := res.NewDeviceMetadata
	if md == nil {
		f.t.Fatal("no NewDeviceMetadata")
	}
	d := &appDevice{key: aws.ToString(md.DeviceKey), group: aws.ToString(md.DeviceGroupKey)}
	if !deviceKeyPattern.MatchString(d.key) || !groupKeyPattern.MatchString(d.group) {
		f.t.Fatalf("NewDeviceMetadata %q %q", d.key, d.group)
	}
	pw := make([]byte, 40)
	rand.Read(pw)
	d.password = base64.StdEncoding.EncodeToString(pw)
	salt := make([]byte, 16)
	rand.Read(salt)
	v := srp.ComputeVerifier(d.group, d.key, d.password, salt)
	out, err := f.idp.ConfirmDevice(context.Background(), &cip.ConfirmDeviceInput{
		AccessToken: res.AccessToken, DeviceKey: &d.key, DeviceName: aws.String(name),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(v)), Salt: aws.String(base64.StdEncoding.EncodeToString(salt)),
		},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return d, out
}

// srpWithDevice signs in with USER_SRP_AUTH presenting deviceKey (if
// any) as the library does, in AuthParameters and in the
// PASSWORD_VERIFIER answer.
func (f *mfaFixture) srpWithDevice(name, deviceKey string) (*cip.RespondToAuthChallengeOutput, map[string]string, error) {
	f.t.Helper()
	ctx := context.Background()
	cl := srptest.NewClient(f.poolID, userPassword)
	params := map[string]string{"USERNAME": name, "SRP_A": cl.SRPA()}
	if deviceKey != "" {
		params["DEVICE_KEY"] = deviceKey
	}
	start, err := f.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &f.clientID, AuthParameters: params})
	if err != nil {
		f.t.Fatal(err)
	}
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, f.clk.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	if deviceKey != "" {
		answer["DEVICE_KEY"] = deviceKey
	}
	out, err := f.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &f.clientID, ChallengeResponses: answer,
	})
	return out, answer, err
}

// deviceAuth answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with the
// device's password, as the library does.
func (f *mfaFixture) deviceAuth(d *appDevice, password, name string, session *string) (*cip.RespondToAuthChallengeOutput, error) {
	f.t.Helper()
	cl := srptest.NewClient("_"+d.group, password)
	challenge, err := f.respond(types.ChallengeNameTypeDeviceSrpAuth, session, name, "DEVICE_KEY", d.key, "SRP_A", cl.SRPA())
	if err != nil {
		return nil, err
	}
	p := challenge.ChallengeParameters
	if challenge.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier || p["DEVICE_KEY"] != d.key || p["USERNAME"] != name {
		f.t.Fatalf("DEVICE_SRP_AUTH answered %+v", challenge)
	}
	p["USER_ID_FOR_SRP"] = d.key
	answer, err := cl.PasswordVerifier(p, f.clk.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return f.respond(types.ChallengeNameTypeDevicePasswordVerifier, challenge.Session, name,
		"PASSWORD_CLAIM_SIGNATURE", answer["PASSWORD_CLAIM_SIGNATURE"], "PASSWORD_CLAIM_SECRET_BLOCK", answer["PASSWORD_CLAIM_SECRET_BLOCK"],
		"TIMESTAMP", answer["TIMESTAMP"], "DEVICE_KEY", d.key)
}

// deviceAttr is a device attribute's value.
func deviceAttr(d *types.DeviceType, name string) string { return attrOf(d.DeviceAttributes, name) }

// With MFA required and ChallengeRequiredOnNewDevice, a remembered device
// signs in with device SRP instead of MFA: the sign-in that sets up TOTP
// gets a new device, the app confirms it (remembered at once), and the
// next sign-in presenting its key is authenticated by the device, with
// tokens for it and no new device. Refreshing needs the device key. A
// device that is no longer remembered signs in with MFA and then device
// SRP; a forgotten one is "Device does not exist.".
func TestDeviceRememberedInsteadOfMFA(t *testing.T) {
	f := newMFAFixture(t, nil, tracking(true, false))
	ctx := context.Background()
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "dev", "dev@example.com")

	start := f.signIn("dev")
	a, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session})
	if err != nil {
		t.Fatal(err)
	}
	secret := aws.ToString(a.SecretCode)
	v, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: aws.String(totpCode(t, secret, f.clk.Now()))})
	if err != nil {
		t.Fatal(err)
	}
	setup, err := f.respond(types.ChallengeNameTypeMfaSetup, v.Session, "dev")
	if err != nil {
		t.Fatal(err)
	}
	_, access := checkTokens(t, setup.AuthenticationResult, "dev", true)
	dev, confirmed := f.confirmDevice(setup.AuthenticationResult, "laptop")
	if access["device_key"] != dev.key || confirmed.UserConfirmationNecessary {
		t.Fatalf("device_key claim %v, UserConfirmationNecessary %v", access["device_key"], confirmed.UserConfirmationNecessary)
	}
	accessToken := setup.AuthenticationResult.AccessToken
	got, err := f.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: accessToken, DeviceKey: &dev.key})
	if err != nil {
		t.Fatal(err)
	}
	if deviceAttr(got.Device, "dev:device_remembered_status") != "remembered" || deviceAttr(got.Device, "device_name") != "laptop" ||
		deviceAttr(got.Device, "device_status") != "valid" || deviceAttr(got.Device, "dev:device_owner") != "dev."+f.poolID ||
		deviceAttr(got.Device, "dev:device_arn") != "arn:aws:cognito-idp:us-east-1:000000000000:owner/dev."+f.poolID+"/device/"+dev.key ||
		!got.Device.DeviceCreateDate.Equal(f.clk.Now()) {
		t.Fatalf("GetDevice %+v %v", got.Device, got.Device.DeviceAttributes)
	}

	// The next sign-in: password, then the device, and no MFA.
	f.clk.Advance(time.Hour)
	out, _, err := f.srpWithDevice("dev", dev.key)
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("sign-in with a remembered device: %s", out.ChallengeName)
	}
	_, err = f.deviceAuth(dev, "not-the-device-password", "dev", out.Session)
	wantCognitoErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if out, _, err = f.srpWithDevice("dev", dev.key); err != nil {
		t.Fatal(err)
	}
	res, err := f.deviceAuth(dev, dev.password, "dev", out.Session)
	if err != nil {
		t.Fatal(err)
	}
	_, access = checkTokens(t, res.AuthenticationResult, "dev", true)
	if access["device_key"] != dev.key || res.AuthenticationResult.NewDeviceMetadata != nil {
		t.Fatalf("device sign-in: device_key %v, new device %+v", access["device_key"], res.AuthenticationResult.NewDeviceMetadata)
	}
	admin, err := f.idp.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &f.poolID, Username: aws.String("dev"), DeviceKey: &dev.key})
	if err != nil {
		t.Fatal(err)
	}
	if !admin.Device.DeviceLastAuthenticatedDate.Equal(f.clk.Now()) {
		t.Fatalf("last authenticated %v, want %v", admin.Device.DeviceLastAuthenticatedDate, f.clk.Now())
	}

	accessToken = res.AuthenticationResult.AccessToken

	// The refresh token is the device's.
	refresh := func(deviceKey string) error {
		params := map[string]string{"REFRESH_TOKEN": aws.ToString(res.AuthenticationResult.RefreshToken)}
		if deviceKey != "" {
			params["DEVICE_KEY"] = deviceKey
		}
		_, err := f.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID, AuthParameters: params})
		return err
	}
	if err := refresh(dev.key); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, refresh(""), "NotAuthorizedException", "Invalid Refresh Token")

	// Not remembered any more: MFA first, then the device.
	if _, err := f.idp.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: accessToken, DeviceKey: &dev.key,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}); err != nil {
		t.Fatal(err)
	}
	f.tick()
	out, _, err = f.srpWithDevice("dev", dev.key)
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("sign-in with a device no longer remembered: %s", out.ChallengeName)
	}
	mfa, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, out.Session, "dev", "SOFTWARE_TOKEN_MFA_CODE", totpCode(t, secret, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if mfa.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("after MFA: %s", mfa.ChallengeName)
	}
	res, err = f.deviceAuth(dev, dev.password, "dev", mfa.Session)
	if err != nil {
		t.Fatal(err)
	}
	if _, access = checkTokens(t, res.AuthenticationResult, "dev", true); access["device_key"] != dev.key {
		t.Fatalf("device_key %v", access["device_key"])
	}
	_, err = f.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: accessToken, DeviceKey: &dev.key})
	wantCognitoErr(t, err, "ResourceNotFoundException", "Device does not exist.")

	// Forgotten: the key names no device; the same answer without it
	// goes on to MFA, as the library retries.
	if err := forget(ctx, f, accessToken, dev.key); err != nil {
		t.Fatal(err)
	}
	f.tick()
	_, answer, err := f.srpWithDevice("dev", dev.key)
	wantCognitoErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	delete(answer, "DEVICE_KEY")
	retry, err := f.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &f.clientID, ChallengeResponses: answer,
	})
	if err != nil {
		t.Fatal(err)
	}
	if retry.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("retry without the forgotten key: %s", retry.ChallengeName)
	}
	err = forget(ctx, f, accessToken, dev.key)
	wantCognitoErr(t, err, "ResourceNotFoundException", "Device does not exist.")
}

func forget(ctx context.Context, f *mfaFixture, accessToken *string, key string) error {
	_, err := f.idp.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: accessToken, DeviceKey: &key})
	return err
}

// Without ChallengeRequiredOnNewDevice a remembered device does not stand
// in for MFA: the code is asked, and then the device is authenticated.
func TestDeviceRememberedStillMFA(t *testing.T) {
	f := newMFAFixture(t, nil, tracking(false, false))
	f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: totpOn})
	createConfirmed(t, f.idp, f.poolID, "rem", "rem@example.com")
	first := f.signIn("rem")
	dev, _ := f.confirmDevice(first.AuthenticationResult, "phone")
	secret := f.enrolTOTP(aws.ToString(first.AuthenticationResult.AccessToken))
	if _, err := f.idp.SetUserMFAPreference(context.Background(), &cip.SetUserMFAPreferenceInput{AccessToken: first.AuthenticationResult.AccessToken,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}

	out := f.signIn("rem", "DEVICE_KEY", dev.key)
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("remembered device, ChallengeRequiredOnNewDevice false: %s", out.ChallengeName)
	}
	mfa, err := f.respond(types.ChallengeNameTypeSoftwareTokenMfa, out.Session, "rem", "SOFTWARE_TOKEN_MFA_CODE", totpCode(t, secret, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if mfa.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("after MFA: %s", mfa.ChallengeName)
	}
	res, err := f.deviceAuth(dev, dev.password, "rem", mfa.Session)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "rem", true)
}
