package user

import (
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Kind is the store kind of user records.
const Kind = "user"

// Statuses, exactly as Cognito names them.
const (
	StatusUnconfirmed         = "UNCONFIRMED"
	StatusConfirmed           = "CONFIRMED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	StatusResetRequired       = "RESET_REQUIRED"
	StatusExternalProvider    = "EXTERNAL_PROVIDER"
	StatusArchived            = "ARCHIVED"
	StatusCompromised         = "COMPROMISED"
	StatusUnknown             = "UNKNOWN"
)

// User is the stored form of one user. Secrets in it (password hash, SRP
// verifier, TOTP seed) are either one-way or sealed under the master key.
type User struct {
	Sub      string `json:"sub"`
	PoolID   string `json:"pool"`
	Username string `json:"username"` // as created; immutable
	Status   string `json:"status"`
	Enabled  bool   `json:"enabled"`
	// Attributes holds every attribute but sub, by Cognito name
	// (email, email_verified, custom:team …), values as strings.
	Attributes map[string]string `json:"attrs,omitempty"`

	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`

	Password Password `json:"password,omitzero"`

	// Codes are pending one-time codes by purpose (see Code*).
	Codes map[string]Code `json:"codes,omitempty"`

	// Pending are attribute values waiting for verification before they
	// replace the current ones (UserAttributeUpdateSettings).
	Pending map[string]string `json:"pending,omitempty"`

	// Lockout counts failed sign-in attempts (internal/auth owns the rules).
	Lockout Lockout `json:"lockout,omitzero"`

	// MFA holds factor settings (internal/mfa owns the rules).
	MFA MFA `json:"mfa,omitzero"`

	// TokensValidAfter revokes every token issued before it (global sign-out,
	// disable, password reset by an administrator).
	TokensValidAfter time.Time `json:"tokens_valid_after,omitzero"`

	// Identities are linked federated identities (federation issue).
	Identities []Identity `json:"identities,omitempty"`
}

// Password is what is kept of a user's password.
type Password struct {
	// Hash is a PHC string (argon2id, or an imported bcrypt/pbkdf2/scrypt
	// hash upgraded on the next sign-in).
	Hash string `json:"hash,omitempty"`
	// SRPSalt and SRPVerifier (sealed) serve USER_SRP_AUTH.
	SRPSalt     []byte `json:"srp_salt,omitempty"`
	SRPVerifier []byte `json:"srp_verifier,omitempty"`
	// SetAt is when the password was set; with Temporary it bounds the
	// validity of an administrator-issued temporary password.
	SetAt     time.Time `json:"set_at,omitzero"`
	Temporary bool      `json:"temporary,omitempty"`
	// History holds earlier hashes for the pool's PasswordHistorySize.
	History []string `json:"history,omitempty"`
}

// Code is a pending one-time code, stored as an HMAC (message.HashCode).
type Code struct {
	Hash      string    `json:"hash"`
	Expires   time.Time `json:"expires"`
	Attempts  int       `json:"attempts,omitempty"`
	Attribute string    `json:"attr,omitempty"` // the email or phone_number it was sent to
	// Dest is the value the code was sent to. Only that value becomes
	// verified when the code is confirmed: a code sent to an address the
	// user has since replaced proves nothing about the new one.
	Dest string `json:"dest,omitempty"`
}

// Code purposes.
const (
	CodeSignUp         = "signup"
	CodeForgotPassword = "forgot"
	CodeVerifyEmail    = "verify:email"
	CodeVerifyPhone    = "verify:phone_number"
)

// Lockout is the failed-attempt state of password checks.
type Lockout struct {
	Failures    int       `json:"failures,omitempty"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// MFA is a user's multi-factor settings.
type MFA struct {
	Preferred    string   `json:"preferred,omitempty"` // SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP
	Enabled      []string `json:"enabled,omitempty"`
	TOTPSecret   []byte   `json:"totp_secret,omitempty"` // sealed
	TOTPPending  []byte   `json:"totp_pending,omitempty"`
	TOTPLastStep int64    `json:"totp_last_step,omitempty"` // replay guard
}

// Identity is a federated identity linked to this user.
type Identity struct {
	ProviderName string    `json:"provider"`
	ProviderType string    `json:"type"`
	UserID       string    `json:"user_id"`
	Primary      bool      `json:"primary,omitempty"`
	Created      time.Time `json:"created"`
	// Issuer is the provider's issuer (OIDC) or entity id (SAML); empty
	// for social providers, whose identities show it as null.
	Issuer string `json:"issuer,omitempty"`
	// AttrName and AttrValue are set for a link made by a mapped pool
	// attribute (AdminLinkProviderForUser) until the identity first signs
	// in; a link by the provider's subject has UserID instead.
	AttrName  string `json:"attr_name,omitempty"`
	AttrValue string `json:"attr_value,omitempty"`
}

// Attr returns an attribute value.
func (u *User) Attr(name string) string {
	if name == "sub" {
		return u.Sub
	}
	return u.Attributes[name]
}

// Verified reports whether email or phone_number is verified.
func (u *User) Verified(attr string) bool {
	return u.Attributes[attr+"_verified"] == "true" && u.Attributes[attr] != ""
}

// TemporaryPasswordExpired reports whether u holds an administrator-issued
// temporary password older than the pool's TemporaryPasswordValidityDays
// (7 by default). Sign-in refuses such a password; AdminCreateUser with
// MessageAction RESEND or AdminSetUserPassword issues a new one.
func (u *User) TemporaryPasswordExpired(p *cognitoidp.UserPoolType, now time.Time) bool {
	if !u.Password.Temporary || u.Password.SetAt.IsZero() {
		return false
	}
	days := int32(7)
	if p.Policies != nil && p.Policies.PasswordPolicy != nil && p.Policies.PasswordPolicy.TemporaryPasswordValidityDays != nil {
		days = *p.Policies.PasswordPolicy.TemporaryPasswordValidityDays
	}
	return !now.Before(u.Password.SetAt.Add(time.Duration(days) * 24 * time.Hour))
}
