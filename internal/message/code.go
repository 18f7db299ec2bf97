package message

import (
	"encoding/base64"
	"encoding/binary"
	"strings"

	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/secrets"
)

// NewCode returns a code of digits decimal digits (DefaultCodeDigits when
// digits <= 0), each drawn uniformly from a CSPRNG.
func NewCode(digits int) string {
	if digits <= 0 {
		digits = DefaultCodeDigits
	}
	return ids.FromAlphabet("0123456789", digits)
}

// CodeScope binds a stored code to what it may prove. A hash made for one
// scope never checks in another: a sign-up code cannot reset a password,
// and a code issued to one user cannot confirm another who happens to get
// the same digits.
type CodeScope struct {
	PoolID string
	// User should be the user's sub, which unlike a username is never
	// reused after the user is deleted.
	User string
	// Purpose names the flow, e.g. "signup", "forgot-password",
	// "verify:email".
	Purpose string
}

const (
	codeMACPurpose = "message-code"
	codeHashPrefix = "v1."
)

// HashCode returns what to store instead of code: an HMAC-SHA256 under a
// key derived from the master key, over the scope and the code. Six digits
// are too few to resist a brute force of an unkeyed hash; the key, which
// lives outside the database, is what protects them.
func HashCode(k *secrets.Keyring, s CodeScope, code string) string {
	mac := k.MAC(codeMACPurpose, codeInput(s, code))
	return codeHashPrefix + base64.RawURLEncoding.EncodeToString(mac)
}

// CheckCode reports whether code is the one hashed into stored for scope
// s, in constant time. Expiry, attempt limits and single use are the
// caller's: it must delete or replace the stored hash once it matches.
func CheckCode(k *secrets.Keyring, s CodeScope, code, stored string) bool {
	rest, ok := strings.CutPrefix(stored, codeHashPrefix)
	if !ok || code == "" {
		return false
	}
	want, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return false
	}
	return secrets.Equal(k.MAC(codeMACPurpose, codeInput(s, code)), want)
}

// codeInput length-prefixes every field, so that no two different
// (pool, user, purpose, code) tuples share an encoding.
func codeInput(s CodeScope, code string) []byte {
	var b []byte
	for _, f := range []string{s.PoolID, s.User, s.Purpose, code} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}
