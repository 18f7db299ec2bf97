// Package device is a user pool's device tracking: the devices users sign
// in from (ConfirmDevice, UpdateDeviceStatus, GetDevice, ListDevices,
// ForgetDevice and their Admin* forms), device authentication
// (DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER), and remembered devices
// standing in for MFA.
//
// # Keys and verifiers
//
// With a DeviceConfiguration, every sign-in that does not authenticate a
// known device gets NewDeviceMetadata: a fresh device key
// (<region>_<uuid>, Cognito's format) and the user's device group key.
// The access token carries the key (device_key), and the refresh token is
// bound to it. Nothing is stored until the app confirms the device with
// that access token (ConfirmDevice), sending the SRP verifier and salt it
// derived from the group key, the device key and a random password it
// keeps; the verifier is stored sealed under the master key. The group
// key is derived from the pool and the user's sub with a server key:
// stable for the user, and kept with each device as it was confirmed.
//
// A device is a store record (Kind "device", ID the device key, Scope the
// pool) with a non-unique key on the owner's sub, so a user's devices are
// an index range and go with the user (user.Service.OnDelete) or the pool.
//
// # Signing in with a device
//
// A client that presents DEVICE_KEY (in AuthParameters or challenge
// responses) for one of the user's devices proves it with SRP, the group
// key standing in for the pool name and the device key for the user
// name. Where that happens follows amazon-cognito-identity-js, which
// expects DEVICE_SRP_AUTH after PASSWORD_VERIFIER and after an MFA code:
// a remembered device of a pool whose ChallengeRequiredOnNewDevice is true
// ("a remembered device can sign in with device authentication instead of
// SMS and time-based one-time password (TOTP) factors", model) is
// authenticated before MFA, and then no MFA is asked; any other confirmed
// device is authenticated after it. A DEVICE_KEY that names no device of
// the user fails with "Device does not exist.", on which the library
// forgets the key and answers again without it.
//
// ConfirmDevice remembers the device at once unless the pool's
// DeviceOnlyRememberedOnUserPrompt asks the user first
// (UserConfirmationNecessary). A user sees their remembered devices
// (GetDevice, ListDevices: Cognito answers a not-remembered device
// ResourceNotFoundException there, as the AWS Mobile SDK's integration
// tests against the service expect); administrators see every confirmed
// device.
package device
