package api_test

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/device"
)

// With DeviceOnlyRememberedOnUserPrompt a confirmed device waits for the
// user's choice (UserConfirmationNecessary): the user does not see it
// until it is remembered, administrators do. Without MFA a known device
// is still authenticated at sign-in. Lists page; ConfirmDevice accepts
// only the key of its own sign-in, once, with a real verifier.
func TestDeviceUserPrompt(t *testing.T) {
	f := newMFAFixture(t, nil, tracking(true, true))
	ctx := context.Background()
	createConfirmed(t, f.idp, f.poolID, "opt", "opt@example.com")

	first := f.signIn("opt")
	res := first.AuthenticationResult
	dev, confirmed := f.confirmDevice(res, "tablet")
	if !confirmed.UserConfirmationNecessary {
		t.Fatal("UserConfirmationNecessary false with DeviceOnlyRememberedOnUserPrompt")
	}
	listed, err := f.idp.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.Devices) != 0 {
		t.Fatalf("ListDevices shows a device not remembered: %+v", listed.Devices)
	}
	_, err = f.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: res.AccessToken, DeviceKey: &dev.key})
	wantCognitoErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	all, err := f.idp.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &f.poolID, Username: aws.String("opt")})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Devices) != 1 || deviceAttr(&all.Devices[0], "dev:device_remembered_status") != "not_remembered" {
		t.Fatalf("AdminListDevices %+v", all.Devices)
	}

	if _, err := f.idp.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: &dev.key,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}); err != nil {
		t.Fatal(err)
	}
	listed, err = f.idp.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.Devices) != 1 || aws.ToString(listed.Devices[0].DeviceKey) != dev.key {
		t.Fatalf("ListDevices after remembering %+v", listed.Devices)
	}

	// ConfirmDevice: once; only the key of the token's own sign-in; a
	// verifier that is a verifier.
	_, err = f.idp.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: &dev.key,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("AQ=="), Salt: aws.String("AQ==")}})
	wantCognitoErr(t, err, "DeviceKeyExistsException", "")
	second := f.signIn("opt").AuthenticationResult
	_, err = f.idp.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: second.AccessToken, DeviceKey: &dev.key,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("AQ=="), Salt: aws.String("AQ==")}})
	wantCognitoErr(t, err, "ResourceNotFoundException", "Device does not exist.")
	_, err = f.idp.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: second.AccessToken, DeviceKey: second.NewDeviceMetadata.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(make([]byte, 384))), Salt: aws.String("AQ==")}})
	wantCognitoErr(t, err, "InvalidParameterException", "DeviceSecretVerifierConfig")

	// MFA is off, yet a known device proves itself.
	out := f.signIn("opt", "DEVICE_KEY", dev.key)
	if out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("sign-in with a known device: %s", out.ChallengeName)
	}
	if _, err := f.deviceAuth(dev, dev.password, "opt", out.Session); err != nil {
		t.Fatal(err)
	}

	// Three devices, listed two at a time.
	f.confirmDevice(second, "two")
	f.confirmDevice(f.signIn("opt").AuthenticationResult, "three")
	var keys []string
	var token *string
	for page := 0; ; page++ {
		out, err := f.idp.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &f.poolID, Username: aws.String("opt"), Limit: aws.Int32(2), PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Devices) > 2 || page > 2 {
			t.Fatalf("page %d: %d devices", page, len(out.Devices))
		}
		for _, d := range out.Devices {
			keys = append(keys, aws.ToString(d.DeviceKey))
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	if len(keys) != 3 {
		t.Fatalf("listed %v", keys)
	}
	_, err = f.idp.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &f.poolID, Username: aws.String("opt"), PaginationToken: aws.String("forged")})
	wantCognitoErr(t, err, "InvalidParameterException", "pagination token")

	// Administrators change and forget devices by the user's name.
	if _, err := f.idp.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: &f.poolID, Username: aws.String("opt"), DeviceKey: &dev.key,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.idp.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: &f.poolID, Username: aws.String("opt"), DeviceKey: &dev.key}); err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: &f.poolID, Username: aws.String("opt"), DeviceKey: &dev.key})
	wantCognitoErr(t, err, "ResourceNotFoundException", "Device does not exist.")
}

// A pool that does not track devices gives none, and confirms none.
func TestDeviceTrackingOff(t *testing.T) {
	f := newMFAFixture(t, nil)
	createConfirmed(t, f.idp, f.poolID, "off", "off@example.com")
	res := f.signIn("off", "DEVICE_KEY", "us-east-1_00000000-0000-4000-8000-000000000000").AuthenticationResult
	if res == nil || res.NewDeviceMetadata != nil {
		t.Fatalf("sign-in without device tracking: %+v", res)
	}
	_, access := checkTokens(t, res, "off", true)
	if _, ok := access["device_key"]; ok {
		t.Fatalf("device_key claim without device tracking: %v", access)
	}
	_, err := f.idp.ConfirmDevice(context.Background(), &cip.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String("us-east-1_00000000-0000-4000-8000-000000000000"),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("AQ=="), Salt: aws.String("AQ==")}})
	wantCognitoErr(t, err, "InvalidUserPoolConfigurationException", "")
}

// A user's devices go with the user, on every backend.
func TestDevicesDeletedWithUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		poolID := newFamilyPool(t, idp, tracking(true, false))
		clientID, _ := appClient(t, idp, poolID, allFlows)
		f := &mfaFixture{t: t, c: c, idp: idp, poolID: poolID, clientID: clientID}
		createConfirmed(t, idp, poolID, "gone", "gone@example.com")
		createConfirmed(t, idp, poolID, "kept", "kept@example.com")
		f.confirmDevice(f.signIn("gone").AuthenticationResult, "a")
		f.confirmDevice(f.signIn("gone").AuthenticationResult, "b")
		f.confirmDevice(f.signIn("kept").AuthenticationResult, "c")
		if n := countScoped(t, c, device.Kind, poolID); n != 3 {
			t.Fatalf("%d devices stored", n)
		}
		if _, err := idp.AdminDeleteUser(context.Background(), &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: aws.String("gone")}); err != nil {
			t.Fatal(err)
		}
		if n := countScoped(t, c, device.Kind, poolID); n != 1 {
			t.Fatalf("%d devices left after deleting their user", n)
		}
	})
}
