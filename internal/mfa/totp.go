package mfa

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"

	"github.com/cirrohq/cirro/internal/user"
)

// TOTP as authenticator apps and Cognito do it (RFC 6238): HMAC-SHA-1,
// six digits, 30-second steps, and one step of clock skew accepted each
// way.
const (
	totpPeriod = 30
	totpSkew   = 1
	// secretSize is the secret's length in bytes; its base32 text (52
	// characters) is the SecretCode AssociateSoftwareToken returns.
	secretSize = 32
	// secretPurpose seals TOTP secrets at rest.
	secretPurpose = "mfa-totp-secret"
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// newSecret draws a TOTP secret and returns its base32 text, unpadded as
// authenticator apps expect.
func newSecret() string {
	b := make([]byte, secretSize)
	rand.Read(b) // never fails: crypto/rand aborts the process instead
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// sealSecret seals a secret for u's record, bound to pool and user so it
// opens for no one else.
func (s *Service) sealSecret(u *user.User, secret string) []byte {
	return s.Keys.Seal(secretPurpose, []byte(secret), secretAD(u))
}

func (s *Service) openSecret(u *user.User, sealed []byte) (string, error) {
	b, err := s.Keys.Open(secretPurpose, sealed, secretAD(u))
	if err != nil {
		return "", fmt.Errorf("mfa: open TOTP secret of %s: %w", u.Sub, err)
	}
	return string(b), nil
}

func secretAD(u *user.User) []byte { return []byte(u.PoolID + "/" + u.Sub) }

// totpStep finds the time step at which code is secret's TOTP, within
// totpSkew steps of now; ok is false when it is none of them. When two
// steps give the same code (one chance in a million) the later counts,
// so that the replay guard errs toward refusing.
func totpStep(secret, code string, now time.Time) (step int64, ok bool) {
	cur := now.Unix() / totpPeriod
	for st := cur + totpSkew; st >= cur-totpSkew; st-- {
		if valid, _ := hotp.ValidateCustom(code, uint64(st), secret, totpOpts); valid {
			return st, true
		}
	}
	return 0, false
}
