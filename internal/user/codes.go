package user

import (
	"time"

	"github.com/cirrohq/cirro/internal/message"
)

// How long codes live: "The code or link is valid for 24 hours" (developer
// guide, Signing up and confirming user accounts); attribute verification
// codes 24 hours and forgot-password codes 1 hour (developer guide,
// Quotas, "Code validity").
const (
	signUpCodeTTL = 24 * time.Hour
	verifyCodeTTL = 24 * time.Hour
	forgotCodeTTL = time.Hour
)

// maxCodeAttempts is how many wrong guesses one code survives. Cognito
// does not document its limit; five wrong guesses at a six-digit code
// leave an attacker a chance of 1 in 200,000 before a new code is needed.
const maxCodeAttempts = 5

// issueCode gives u a fresh code for purpose, replacing any earlier one,
// and returns it in clear for the message; only its keyed hash is kept.
// attr and dest are the attribute and value the code is sent to.
func (s *Service) issueCode(u *User, purpose, attr, dest string, ttl time.Duration) string {
	code := message.NewCode(0)
	if u.Codes == nil {
		u.Codes = map[string]Code{}
	}
	u.Codes[purpose] = Code{
		Hash:      message.HashCode(s.Keys, codeScope(u, purpose), code),
		Expires:   s.Clock.Now().Add(ttl),
		Attribute: attr,
		Dest:      dest,
	}
	return code
}

// codeError reports, without changing u, why code would not be accepted
// for purpose, or nil when it would.
func (s *Service) codeError(u *User, purpose, code string) error {
	c, ok := u.Codes[purpose]
	switch {
	case !ok:
		// "If a code isn't requested … Amazon Cognito returns the
		// ExpiredCodeException error" (developer guide, Managing error
		// responses).
		return errCodeExpired
	case c.Attempts >= maxCodeAttempts:
		return errTooManyAttempts
	case !s.Clock.Now().Before(c.Expires):
		return errCodeExpired
	case !message.CheckCode(s.Keys, codeScope(u, purpose), code, c.Hash):
		return errCodeMismatch
	}
	return nil
}

// spendCode checks code against u's code for purpose. A right code is
// removed (single use) and returned; a wrong one counts an attempt, and
// then u has changed and the caller must save it even though the request
// fails: an attempt that is not recorded is free.
func (s *Service) spendCode(u *User, purpose, code string) (Code, error) {
	if err := s.codeError(u, purpose, code); err != nil {
		if err == errCodeMismatch {
			c := u.Codes[purpose]
			c.Attempts++
			u.Codes[purpose] = c
		}
		return Code{}, err
	}
	c := u.Codes[purpose]
	delete(u.Codes, purpose)
	return c, nil
}

// codeScope binds a code to its pool, user and purpose. The sub, unlike a
// username, is never reused by a later user.
func codeScope(u *User, purpose string) message.CodeScope {
	return message.CodeScope{PoolID: u.PoolID, User: u.Sub, Purpose: purpose}
}

// verifyWithCode marks the attribute a spent code was sent to as
// verified, if the user still has that value (or is waiting to change to
// it); a pending value then replaces the old one.
func verifyWithCode(u *User, c Code) {
	attr := c.Attribute
	if attr == "" {
		return
	}
	if pending, ok := u.Pending[attr]; ok && pending == c.Dest {
		u.Attributes[attr] = pending
		delete(u.Pending, attr)
	}
	if u.Attributes[attr] == c.Dest && c.Dest != "" {
		u.Attributes[attr+verifiedSuffix] = "true"
	}
}
