// Package webauthntest is a software WebAuthn authenticator and client
// for tests: it answers the options of a registration or a sign-in as a
// browser with a platform passkey would (an ECDSA P-256 key, "none"
// attestation), and can be made to misbehave (another origin, another
// relying party, a bad signature, no user verification).
package webauthntest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// Authenticator is one passkey and the browser presenting it.
type Authenticator struct {
	// Origin is the origin the browser reports in clientDataJSON.
	Origin string
	// RPID, when set, is the relying party the authenticator signs for
	// instead of the one the options name.
	RPID string
	// NoUserVerification clears the UV flag (user present only).
	NoUserVerification bool
	// BadSignature corrupts the next assertion's signature.
	BadSignature bool
	// Count is the signature counter; each assertion increments it first.
	Count uint32

	key        *ecdsa.PrivateKey
	id         []byte
	userHandle []byte
}

// New makes an authenticator with a fresh key and credential id, used
// from origin.
func New(origin string) *Authenticator {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	id := make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		panic(err)
	}
	return &Authenticator{Origin: origin, key: key, id: id}
}

// ID is the credential id as clients name it (base64url, no padding).
func (a *Authenticator) ID() string { return b64(a.id) }

// Register answers PublicKeyCredentialCreationOptions (JSON, as
// StartWebAuthnRegistration returns them) with a RegistrationResponseJSON.
func (a *Authenticator) Register(options []byte) ([]byte, error) {
	var o struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, fmt.Errorf("webauthntest: creation options: %w", err)
	}
	if a.userHandle, _ = base64.RawURLEncoding.DecodeString(o.User.ID); a.userHandle == nil {
		return nil, fmt.Errorf("webauthntest: user id %q", o.User.ID)
	}
	clientData := a.clientData("webauthn.create", o.Challenge)
	auth := a.authData(o.RP.ID, 0x40) // AT: attested credential data follows
	auth = append(auth, make([]byte, 16)...)
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(a.id)))
	auth = append(auth, a.id...)
	auth = append(auth, a.coseKey()...)
	att := cborMap(
		cborText("fmt"), cborText("none"),
		cborText("attStmt"), cborMap(),
		cborText("authData"), cborBytes(auth),
	)
	return json.Marshal(map[string]any{
		"id": a.ID(), "rawId": a.ID(), "type": "public-key", "authenticatorAttachment": "platform",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64(clientData), "attestationObject": b64(att), "transports": []string{"internal", "hybrid"},
		},
	})
}

// Assert answers CREDENTIAL_REQUEST_OPTIONS (the JSON string of the
// WEB_AUTHN challenge) with an AuthenticationResponseJSON.
func (a *Authenticator) Assert(requestOptions string) (string, error) {
	var o struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
	}
	if err := json.Unmarshal([]byte(requestOptions), &o); err != nil {
		return "", fmt.Errorf("webauthntest: request options: %w", err)
	}
	a.Count++
	clientData := a.clientData("webauthn.get", o.Challenge)
	auth := a.authData(o.RPID, 0)
	digest := sha256.Sum256(clientData)
	signed := sha256.Sum256(append(append([]byte{}, auth...), digest[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, signed[:])
	if err != nil {
		return "", err
	}
	if a.BadSignature {
		sig[len(sig)-1] ^= 0xff
	}
	b, err := json.Marshal(map[string]any{
		"id": a.ID(), "rawId": a.ID(), "type": "public-key", "authenticatorAttachment": "platform",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64(clientData), "authenticatorData": b64(auth), "signature": b64(sig), "userHandle": b64(a.userHandle),
		},
	})
	return string(b), err
}

func (a *Authenticator) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	return b
}

// authData is the authenticator data up to the attested credential data:
// RP id hash, flags (UP, UV unless turned off, and extra), counter.
func (a *Authenticator) authData(rpID string, extra byte) []byte {
	if a.RPID != "" {
		rpID = a.RPID
	}
	h := sha256.Sum256([]byte(rpID))
	flags := byte(0x01) | extra
	if !a.NoUserVerification {
		flags |= 0x04
	}
	out := append(h[:], flags)
	return binary.BigEndian.AppendUint32(out, a.Count)
}

// coseKey is the public key as a COSE_Key: EC2, ES256, P-256, x, y.
func (a *Authenticator) coseKey() []byte {
	pub, err := a.key.PublicKey.ECDH()
	if err != nil {
		panic(err)
	}
	raw := pub.Bytes() // 0x04 || x || y
	return cborMap(
		cborInt(1), cborInt(2),
		cborInt(3), cborInt(-7),
		cborInt(-1), cborInt(1),
		cborInt(-2), cborBytes(raw[1:33]),
		cborInt(-3), cborBytes(raw[33:65]),
	)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// A few CBOR items (RFC 8949), enough for attestation objects and keys.

func cborHead(major byte, n uint64) []byte {
	switch {
	case n < 24:
		return []byte{major<<5 | byte(n)}
	case n < 1<<8:
		return []byte{major<<5 | 24, byte(n)}
	case n < 1<<16:
		return binary.BigEndian.AppendUint16([]byte{major<<5 | 25}, uint16(n))
	}
	return binary.BigEndian.AppendUint32([]byte{major<<5 | 26}, uint32(n))
}

func cborInt(v int) []byte {
	if v < 0 {
		return cborHead(1, uint64(-1-v))
	}
	return cborHead(0, uint64(v))
}

func cborBytes(b []byte) []byte { return append(cborHead(2, uint64(len(b))), b...) }

func cborText(s string) []byte { return append(cborHead(3, uint64(len(s))), s...) }

// cborMap encodes alternating keys and values, already encoded.
func cborMap(kv ...[]byte) []byte {
	out := cborHead(5, uint64(len(kv)/2))
	for _, item := range kv {
		out = append(out, item...)
	}
	return out
}
