package srp

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
	"sync"
)

// SaltSize is the length of the salts NewVerifier draws; the client library
// uses 16 random bytes for device salts and nothing reads it as a bound.
const SaltSize = 16

// NewVerifier draws a random salt and returns it with the verifier
// g^x mod N for the password, both to be stored instead of the password.
//
// poolName is the part of the user pool id after "_" (PoolName), username
// is the value the client will be told as USER_ID_FOR_SRP: the client
// hashes exactly these strings, so a user signing in by alias must be
// given the same name here as in the challenge.
func NewVerifier(poolName, username, password string) (salt, verifier []byte) {
	salt = make([]byte, SaltSize)
	rand.Read(salt) // never fails: crypto/rand aborts the process instead
	return salt, ComputeVerifier(poolName, username, password, salt)
}

// ComputeVerifier is g^x mod N for x = H(salt ‖ H(poolName ‖ username ‖
// ":" ‖ password)), as a 384-byte big-endian value. The salt enters the
// hash the way the client sees it: it receives SALT as hex, parses it as a
// number and re-encodes it with padHex, so leading zero bytes vanish and a
// set top bit gains one.
func ComputeVerifier(poolName, username, password string, salt []byte) []byte {
	x := passwordExponent(poolName, username, password, salt)
	return new(big.Int).Exp(groupG, x, groupN).FillBytes(make([]byte, groupBytes))
}

// passwordExponent is the private key x both sides derive from the password.
func passwordExponent(poolName, username, password string, salt []byte) *big.Int {
	inner := sha256.Sum256([]byte(poolName + username + ":" + password))
	return hashInt(padBytes(new(big.Int).SetBytes(salt)), inner[:])
}

// SaltHex is the SALT challenge parameter for a stored salt.
func SaltHex(salt []byte) string { return hex.EncodeToString(salt) }

// Decoy stands in for the salt and verifier of a user that does not exist,
// so that with PreventUserExistenceErrors the challenge for an unknown name
// looks and costs the same as a real one and the proof then simply fails.
//
// The salt is a keyed hash of the pool and user name: asking twice for the
// same unknown user must give the same SALT, as it does for a real user, or
// the difference would reveal that the user does not exist. secret must be a
// server-side key that never leaves the server; callers should pass the
// name in the form they use for lookups (e.g. case-folded). The verifier is
// one random value per process: exponentiation costs the same for any base,
// and nobody knows its password.
func Decoy(secret []byte, poolName, username string) (salt, verifier []byte) {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("cirro/srp decoy salt\x00"))
	m.Write([]byte(poolName))
	m.Write([]byte{0})
	m.Write([]byte(username))
	return m.Sum(nil)[:SaltSize], bytes.Clone(decoyVerifier())
}

var decoyVerifier = sync.OnceValue(func() []byte {
	x := make([]byte, 32)
	rand.Read(x)
	v := new(big.Int).Exp(groupG, new(big.Int).SetBytes(x), groupN)
	return v.FillBytes(make([]byte, groupBytes))
})

// PoolName is the pool's part of the SRP identity: what the client library
// takes from a user pool id such as "us-east-1_AbC123xyz" (the text after
// the first "_", up to any further "_").
func PoolName(userPoolID string) string {
	_, rest, _ := strings.Cut(userPoolID, "_")
	name, _, _ := strings.Cut(rest, "_")
	return name
}
