package mfa

import (
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/user"
)

// Factors, named as their challenges and as UserMFASettingList names them.
const (
	SMS   = user.MFASMS
	TOTP  = user.MFASoftwareToken
	Email = user.MFAEmail
)

// factorOrder is the order in which Cognito lists factors (MFAS_CAN_SETUP,
// MFAS_CAN_CHOOSE): SMS, TOTP, email.
var factorOrder = []string{SMS, TOTP, Email}

// config is what sign-in needs of a pool's MFA configuration.
type config struct {
	pool *cognitoidp.UserPoolType
	mode string
	// on are the factors the pool turns on, in factorOrder.
	on    []string
	email *cognitoidp.EmailMfaConfigType
}

func configOf(p *cognitoidp.UserPoolType, m *cognitoidp.GetUserPoolMfaConfigResponse) *config {
	c := &config{pool: p, mode: cognitoidp.UserPoolMfaTypeOff, email: m.EmailMfaConfiguration}
	if m.MfaConfiguration != nil {
		c.mode = *m.MfaConfiguration
	}
	if m.SmsMfaConfiguration != nil {
		c.on = append(c.on, SMS)
	}
	if t := m.SoftwareTokenMfaConfiguration; t != nil && t.Enabled != nil && *t.Enabled {
		c.on = append(c.on, TOTP)
	}
	if m.EmailMfaConfiguration != nil {
		c.on = append(c.on, Email)
	}
	return c
}

// has reports whether the pool turns factor on.
func (c *config) has(factor string) bool { return slices.Contains(c.on, factor) }

// configured reports whether u has what factor needs to reach them: a
// verified authenticator, a verified phone number, a verified email
// address.
func configured(u *user.User, factor string) bool {
	switch factor {
	case TOTP:
		return len(u.MFA.TOTPSecret) > 0
	case SMS:
		return u.Verified("phone_number")
	case Email:
		return u.Verified("email")
	}
	return false
}

// usable lists, in factorOrder, the factors that may challenge u at
// sign-in: none with MFA OFF; with MFA OPTIONAL those the user turned on;
// with MFA ON every factor the user can receive, since "You can't turn
// off SMS MFA for any of your users when MFA is required in your user
// pool; you can only set the type that your user prefers" (model,
// SMSMfaSettingsType; the same for SoftwareTokenMfaSettingsType).
func (c *config) usable(u *user.User) []string {
	if c.mode == cognitoidp.UserPoolMfaTypeOff {
		return nil
	}
	var out []string
	for _, f := range c.on {
		switch {
		case !configured(u, f):
		case c.mode == cognitoidp.UserPoolMfaTypeOn, slices.Contains(u.MFA.Enabled, f):
			out = append(out, f)
		}
	}
	return out
}

// decide is the MFA challenge of a sign-in of u, and for SELECT_MFA_TYPE
// and MFA_SETUP the factors it offers; "" when none is asked. "If
// multiple options are activated and no preference is set, a challenge to
// choose an MFA option will be returned during sign-in" (model,
// SetUserMFAPreference); "MFA_SETUP: For users who are required to setup
// an MFA factor before they can sign in. The MFA types activated for the
// user pool will be listed in the challenge parameters MFAS_CAN_SETUP"
// (model, InitiateAuth ChallengeName).
func (c *config) decide(u *user.User) (challenge string, offer []string) {
	usable := c.usable(u)
	switch {
	case len(usable) == 0 && c.mode == cognitoidp.UserPoolMfaTypeOn:
		return cognitoidp.ChallengeNameTypeMfaSetup, c.on
	case len(usable) == 0:
		return "", nil
	case slices.Contains(usable, u.MFA.Preferred):
		return u.MFA.Preferred, nil
	case len(usable) == 1:
		return usable[0], nil
	}
	return cognitoidp.ChallengeNameTypeSelectMfaType, usable
}
