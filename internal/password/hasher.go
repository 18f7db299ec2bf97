package password

import (
	"crypto/rand"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Hasher makes argon2id hashes with one set of Params and verifies hashes
// of every supported kind. It is safe for concurrent use.
type Hasher struct {
	params Params
	// dummy is a hash of a random, forgotten password made with params:
	// verifying against it costs what verifying a real, current hash costs.
	dummy argon2Hash
}

// New returns a Hasher for p. It computes one hash (for Dummy), so it
// takes as long as a sign-in does.
func New(p Params) (*Hasher, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	h := &Hasher{params: p}
	dummy, err := parseArgon2(h.Hash(rand.Text()))
	if err != nil {
		return nil, err // cannot happen: Hash produces what parseArgon2 reads
	}
	h.dummy = dummy
	return h, nil
}

// Params returns the settings new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the argon2id hash of password in PHC string format,
// e.g. "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>", with a fresh salt.
func (h *Hasher) Hash(password string) string {
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt) // never fails: crypto/rand aborts the process instead
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	return encodeArgon2id(h.params, salt, key)
}

// Verify reports whether password matches the stored hash, comparing the
// derived keys in constant time. Besides cirro's own argon2id it accepts
// argon2i/argon2id with other settings, bcrypt ($2a$, $2b$, $2y$),
// PBKDF2 (passlib's $pbkdf2-sha256$ and the PHC form, with SHA-1, SHA-256
// or SHA-512; Django's pbkdf2_sha256$) and scrypt ($scrypt$ in passlib's
// form). An error means the stored hash itself is unusable: unknown,
// malformed, or too costly to verify (ErrUnsupportedHash, ErrMalformedHash,
// ErrHashTooCostly); it is a data problem to log, not a wrong password.
func (h *Hasher) Verify(encoded, password string) (bool, error) {
	switch {
	case strings.HasPrefix(encoded, "$argon2"):
		a, err := parseArgon2(encoded)
		if err != nil {
			return false, err
		}
		return a.verify(password), nil
	case strings.HasPrefix(encoded, "$2a$"), strings.HasPrefix(encoded, "$2b$"), strings.HasPrefix(encoded, "$2y$"):
		return verifyBcrypt(encoded, password)
	case strings.HasPrefix(encoded, "$pbkdf2$"), strings.HasPrefix(encoded, "$pbkdf2-"):
		return verifyPBKDF2PHC(encoded, password)
	case strings.HasPrefix(encoded, "pbkdf2_"):
		return verifyDjango(encoded, password)
	case strings.HasPrefix(encoded, "$scrypt$"):
		return verifyScrypt(encoded, password)
	}
	return false, ErrUnsupportedHash
}

// NeedsRehash reports whether encoded should be replaced by Hash of the
// same password after it verified: anything but argon2id with exactly the
// current settings (imported hashes, older settings, hashes made with
// FastParams on a server that now runs real ones).
func (h *Hasher) NeedsRehash(encoded string) bool {
	a, err := parseArgon2(encoded)
	return err != nil || !a.current(h.params)
}

// Dummy does the work of a Verify against a current hash and throws the
// result away. Sign-in calls it for users that do not exist, so that with
// PreventUserExistenceErrors an unknown name takes as long as a wrong
// password. (A user whose stored hash is an imported or older one still
// costs what that hash costs until its next sign-in upgrades it.)
func (h *Hasher) Dummy(password string) {
	h.dummy.verify(password)
}
