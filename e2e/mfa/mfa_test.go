// Package mfa_test signs in to cirro with the real amazon-cognito-identity-js
// over HTTP in a pool that requires TOTP MFA and remembers devices: setup,
// a TOTP code computed by an implementation independent of cirro's, device
// confirmation and remembering, and device SRP in place of MFA. It needs
// Node and the npm packages of this directory (npm ci --prefix e2e/mfa);
// without them it skips, unless CIRRO_SRP_REQUIRE_NODE=1 (set by CI and
// scripts/test.sh) makes that a failure.
package mfa_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/e2e/internal/noderun"
)

// outcome is what mfa.js reports for one sign-in.
type outcome struct {
	Step                      int      `json:"step"`
	Outcome                   string   `json:"outcome"`
	Code                      string   `json:"code"`
	Message                   string   `json:"message"`
	Challenges                []string `json:"challenges"`
	AccessToken               string   `json:"accessToken"`
	UserConfirmationNecessary bool     `json:"userConfirmationNecessary"`
	DeviceKey                 string   `json:"deviceKey"`
	Remembered                bool     `json:"remembered"`
	Secret                    string   `json:"secret"`
}

// run runs mfa.js against the server and returns its three outcomes.
func run(t *testing.T, dir string, scenario map[string]string) []outcome {
	t.Helper()
	return noderun.Run[outcome](t, dir, "mfa.js", scenario, 3)
}

// TestCognitoIdentityJSMFAAndDevices: against a real cirro (development
// mode, as `cirro serve` runs on a laptop), a pool that requires TOTP and
// remembers devices on the user's prompt, with an app client of Cognito's
// default flows (SRP). The library sets up TOTP through MFA_SETUP, answers
// SOFTWARE_TOKEN_MFA with an independently computed code and confirms the
// new device, which the script then remembers; the third sign-in is
// completed by device SRP with no MFA, with tokens for that device.
func TestCognitoIdentityJSMFAAndDevices(t *testing.T) {
	dir := noderun.Require(t, "amazon-cognito-identity-js", "end-to-end MFA with amazon-cognito-identity-js")
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	idp := c.IdentityProvider()
	ctx := context.Background()

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("e2e-mfa"),
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	const username, password = "mia", "Corr3ct-Horse-9!"
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(username),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(username),
		Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatal(err)
	}

	got := run(t, dir, map[string]string{"endpoint": c.URL, "poolId": poolID, "clientId": clientID, "username": username, "password": password})
	setup, mfa, device := got[0], got[1], got[2]
	if setup.Outcome != "success" || !slices.Equal(setup.Challenges, []string{"MFA_SETUP"}) || len(setup.Secret) != 52 {
		t.Fatalf("setup: %+v", setup)
	}
	if mfa.Outcome != "success" || !slices.Equal(mfa.Challenges, []string{"SOFTWARE_TOKEN_MFA"}) ||
		!mfa.UserConfirmationNecessary || !mfa.Remembered || mfa.DeviceKey == "" {
		t.Fatalf("TOTP sign-in with a new device: %+v", mfa)
	}
	if device.Outcome != "success" || len(device.Challenges) != 0 || device.DeviceKey != mfa.DeviceKey {
		t.Fatalf("sign-in with the remembered device: %+v", device)
	}
	if k := cirrotest.Claims(t, device.AccessToken)["device_key"]; k != mfa.DeviceKey {
		t.Fatalf("device_key claim %v, want %s", k, mfa.DeviceKey)
	}

	listed, err := idp.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: aws.String(username)})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.Devices) != 1 || aws.ToString(listed.Devices[0].DeviceKey) != mfa.DeviceKey || listed.Devices[0].DeviceLastAuthenticatedDate == nil {
		t.Fatalf("devices %+v", listed.Devices)
	}
	for _, a := range listed.Devices[0].DeviceAttributes {
		if aws.ToString(a.Name) == "dev:device_remembered_status" && aws.ToString(a.Value) != "remembered" {
			t.Fatalf("device status %s", aws.ToString(a.Value))
		}
	}
}
