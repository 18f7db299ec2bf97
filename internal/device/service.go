package device

import (
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// Service is device tracking for every pool of a cirro.
type Service struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
	// Pools gives the account id of device ARNs.
	Pools *pool.Service
	// Auth is the sign-in service devices plug into; its sessions, lockout
	// and token checks are shared.
	Auth *auth.Service
	// Tokens, when set, revokes the sessions of a forgotten device.
	Tokens *token.Service
}

// Register plugs device authentication into a sign-in service, around
// secondFactor, the step that asks for MFA (nil if none): a device that
// may stand in for MFA is authenticated before it, any other known device
// after it, and a sign-in that authenticated no device is given a new
// one. Register adds the steps, the DEVICE_SRP_AUTH and
// DEVICE_PASSWORD_VERIFIER handlers and the hook that adds
// NewDeviceMetadata to the tokens.
func (s *Service) Register(a *auth.Service, secondFactor auth.Step) {
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeDeviceSrpAuth, Handler: auth.HandlerFunc(s.startSRP)})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeDevicePasswordVerifier, Handler: auth.HandlerFunc(s.answerSRP)})
	a.AddStep(knownDevice{s: s, insteadOfMFA: true})
	if secondFactor != nil {
		a.AddStep(secondFactor)
	}
	a.AddStep(knownDevice{s: s})
	a.AddStep(newDevice{})
	a.AddTokenHook(metadata{s})
}

// tracking reports whether a pool tracks devices: "When you provide a
// value for any property of DeviceConfiguration, you activate the device
// remembering for the user pool" (model).
func tracking(p *cognitoidp.UserPoolType) bool { return p.DeviceConfiguration != nil }

// standsInForMFA reports whether a pool lets a remembered device sign in
// without MFA (ChallengeRequiredOnNewDevice).
func standsInForMFA(p *cognitoidp.UserPoolType) bool {
	d := p.DeviceConfiguration
	return d != nil && d.ChallengeRequiredOnNewDevice != nil && *d.ChallengeRequiredOnNewDevice
}

// userPrompt reports whether ConfirmDevice leaves remembering to the user
// (DeviceOnlyRememberedOnUserPrompt).
func userPrompt(p *cognitoidp.UserPoolType) bool {
	d := p.DeviceConfiguration
	return d != nil && d.DeviceOnlyRememberedOnUserPrompt != nil && *d.DeviceOnlyRememberedOnUserPrompt
}
