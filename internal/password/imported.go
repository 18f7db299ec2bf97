package password

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/scrypt"
)

// Hashes imported from other systems are verified as they are and
// replaced with argon2id on the next successful sign-in (NeedsRehash
// reports them all). Each family gets upper bounds on its cost parameters,
// because one absurd imported hash would otherwise let anyone who knows the
// user name burn minutes of CPU per sign-in attempt.
const (
	maxBcryptCost   = 16         // ~5 s; real deployments use 10-14
	maxPBKDF2Rounds = 10_000_000 // ~15× OWASP's 600 000 for SHA-256
	maxScryptLogN   = 20         // N = 2^20
	maxScryptMemory = 1 << 30    // 128·r·N bytes
	maxScryptP      = 16
	maxScryptWork   = 1 << 24 // N·r·p: e.g. N = 2^17, r = 8, p = 16
)

// verifyBcrypt covers $2a$, $2b$ and $2y$, which differ only in historical
// bugs of C implementations that do not arise for the inputs bcrypt sees
// here. Passwords longer than 72 bytes are cut to 72, as bcrypt always did
// when the hash was made.
func verifyBcrypt(encoded, password string) (bool, error) {
	if len(encoded) < 7 || encoded[6] != '$' {
		return false, ErrMalformedHash
	}
	if _, err := uintParam(strings.TrimLeft(encoded[4:6], "0"), 4, maxBcryptCost); err != nil {
		return false, err
	}
	err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, ErrMalformedHash
	}
}

var pbkdf2Hashes = map[string]func() hash.Hash{
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha512": sha512.New,
}

// verifyPBKDF2PHC covers passlib's "$pbkdf2-sha256$rounds$salt$key" (also
// -sha512, and "$pbkdf2$" for SHA-1) and the PHC form
// "$pbkdf2-sha256$i=rounds[,l=keylen]$salt$key" of other libraries. Salt
// and key are base64, in passlib's '.'-for-'+' alphabet or the standard one.
func verifyPBKDF2PHC(encoded, password string) (bool, error) {
	id, f, ok := phcFields(encoded)
	if !ok || len(f) != 3 {
		return false, ErrMalformedHash
	}
	name := strings.TrimPrefix(strings.TrimPrefix(id, "pbkdf2"), "-")
	if name == "" {
		name = "sha1"
	}
	newHash := pbkdf2Hashes[name]
	if newHash == nil {
		return false, ErrUnsupportedHash
	}
	roundsText, keyLenText := f[0], ""
	if strings.Contains(f[0], "=") {
		kv, err := phcParams(f[0], "i", "l")
		if err != nil {
			return false, err
		}
		roundsText, keyLenText = kv["i"], kv["l"]
	}
	rounds, err := uintParam(roundsText, 1, maxPBKDF2Rounds)
	if err != nil {
		return false, err
	}
	salt, err := decodeB64(f[1])
	if err != nil {
		return false, err
	}
	key, err := decodeB64(f[2])
	if err != nil {
		return false, err
	}
	if keyLenText != "" && keyLenText != strconv.Itoa(len(key)) {
		return false, ErrMalformedHash
	}
	return pbkdf2Equal(newHash, password, salt, int(rounds), key)
}

// verifyDjango covers Django's "pbkdf2_sha256$rounds$salt$key" (and
// pbkdf2_sha1): the salt is used as text, the key is padded base64.
func verifyDjango(encoded, password string) (bool, error) {
	f := strings.Split(encoded, "$")
	if len(f) != 4 || f[2] == "" {
		return false, ErrMalformedHash
	}
	newHash := pbkdf2Hashes[strings.TrimPrefix(f[0], "pbkdf2_")]
	if newHash == nil {
		return false, ErrUnsupportedHash
	}
	rounds, err := uintParam(f[1], 1, maxPBKDF2Rounds)
	if err != nil {
		return false, err
	}
	key, err := base64.StdEncoding.DecodeString(f[3])
	if err != nil {
		return false, ErrMalformedHash
	}
	return pbkdf2Equal(newHash, password, []byte(f[2]), int(rounds), key)
}

func pbkdf2Equal(newHash func() hash.Hash, password string, salt []byte, rounds int, key []byte) (bool, error) {
	if len(key) < 16 || len(key) > 128 {
		return false, ErrMalformedHash
	}
	got, err := pbkdf2.Key(newHash, password, salt, rounds, len(key))
	if err != nil {
		return false, ErrUnsupportedHash // FIPS-only mode refusing a legacy input
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// verifyScrypt covers passlib's "$scrypt$ln=…,r=…,p=…$salt$key".
func verifyScrypt(encoded, password string) (bool, error) {
	_, f, ok := phcFields(encoded)
	if !ok || len(f) != 3 {
		return false, ErrMalformedHash
	}
	kv, err := phcParams(f[0], "ln", "r", "p")
	if err != nil {
		return false, err
	}
	logN, err := uintParam(kv["ln"], 1, maxScryptLogN)
	if err != nil {
		return false, err
	}
	r, err := uintParam(kv["r"], 1, maxScryptMemory/(128<<logN))
	if err != nil {
		return false, err
	}
	p, err := uintParam(kv["p"], 1, maxScryptP)
	if err != nil {
		return false, err
	}
	if (1<<logN)*r*p > maxScryptWork {
		return false, ErrHashTooCostly
	}
	salt, err := decodeB64(f[1])
	if err != nil {
		return false, err
	}
	key, err := decodeB64(f[2])
	if err != nil {
		return false, err
	}
	if len(key) < 16 || len(key) > 128 {
		return false, ErrMalformedHash
	}
	got, err := scrypt.Key([]byte(password), salt, 1<<logN, int(r), int(p), len(key))
	if err != nil {
		return false, ErrMalformedHash
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}
