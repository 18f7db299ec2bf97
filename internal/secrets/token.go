package secrets

import (
	"encoding/base64"
)

// SealToken seals payload into a URL-safe opaque string, for tokens that
// travel through clients (pagination tokens, auth sessions): the client
// can neither read nor alter them.
func (k *Keyring) SealToken(purpose string, payload, ad []byte) string {
	return base64.RawURLEncoding.EncodeToString(k.Seal(purpose, payload, ad))
}

// OpenToken opens what SealToken made; any alteration yields ErrOpen.
func (k *Keyring) OpenToken(purpose, token string, ad []byte) ([]byte, error) {
	// Strict: a token whose unused trailing bits were edited is a
	// different string and must not open.
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return nil, ErrOpen
	}
	return k.Open(purpose, b, ad)
}
