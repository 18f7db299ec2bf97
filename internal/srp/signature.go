package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// KeySize is the length of the session key: the client library keeps the
// first 16 bytes of the HKDF output.
const KeySize = 16

// Key is the session key both sides derive. It is a secret; its String
// method hides it so it cannot end up in a log by accident.
type Key [KeySize]byte

func (Key) String() string { return "srp.Key(redacted)" }

// Sign computes PASSWORD_CLAIM_SIGNATURE, base64 of HMAC-SHA256 under the
// session key over poolName ‖ userIDForSRP ‖ secretBlock ‖ timestamp. For
// devices poolName is the device group key and userIDForSRP the device key.
// secretBlock is the decoded SECRET_BLOCK; the strings enter as UTF-8.
func (k Key) Sign(poolName, userIDForSRP string, secretBlock []byte, timestamp string) string {
	return base64.StdEncoding.EncodeToString(k.mac(poolName, userIDForSRP, secretBlock, timestamp))
}

// Verify reports whether signature is the client's correct
// PASSWORD_CLAIM_SIGNATURE, comparing in constant time.
func (k Key) Verify(poolName, userIDForSRP string, secretBlock []byte, timestamp, signature string) bool {
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return false
	}
	return hmac.Equal(got, k.mac(poolName, userIDForSRP, secretBlock, timestamp))
}

func (k Key) mac(poolName, userIDForSRP string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(poolName))
	m.Write([]byte(userIDForSRP))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}
