package device

import "github.com/cirrohq/cirro/internal/errs"

// "Device does not exist." is Cognito's text: amazon-cognito-identity-js
// matches a ResourceNotFoundException mentioning "device" to forget a
// stale key, and the AWS Mobile SDK's integration tests expect these
// words from ForgetDevice and UpdateDeviceStatus.
var errNotFound = errs.New(errs.ResourceNotFoundException, "Device does not exist.")

// Ours: Cognito's texts for these are not public.
var (
	errTrackingOff    = errs.New(errs.InvalidUserPoolConfigurationException, "Device tracking is not enabled for this user pool.")
	errExists         = errs.New(errs.DeviceKeyExistsException, "The device is already confirmed.")
	errVerifierConfig = errs.New(errs.InvalidParameterException,
		"DeviceSecretVerifierConfig must hold the base64 PasswordVerifier and Salt of an SRP verifier.")
)
