package federation

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func TestMapAttributes(t *testing.T) {
	claims := map[string]any{
		"sub": "s", "email": "a@example.com", "email_verified": true, "updated_at": json.Number("1700000000"),
		"address": map[string]any{"formatted": "1 Main St"}, "groups": []string{"a", "b"}, "one": []string{"x"},
		"n": 1.5, "obj": map[string]any{"k": "v"},
	}
	got := mapAttributes(map[string]string{
		"username": "sub", "email": "email", "email_verified": "email_verified", "updated_at": "updated_at",
		"address": "address", "custom:groups": "groups", "custom:one": "one", "custom:n": "n", "custom:obj": "obj", "name": "missing",
	}, claims)
	want := map[string]string{
		"email": "a@example.com", "email_verified": "true", "updated_at": "1700000000", "address": "1 Main St",
		"custom:groups": "[a, b]", "custom:one": "x", "custom:n": "1.5", "custom:obj": `{"k":"v"}`,
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestAppleClientSecret: the secret is an ES256 JWT Apple can verify with
// the key's public half: kid the key id, iss the team, sub the client.
func TestAppleClientSecret(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	ak, err := newAppleKey(map[string]string{"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "team_id": "TEAM", "key_id": "KID"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	raw, err := ak.clientSecret("com.example.app", appleAudience, now)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Headers[0].KeyID != "KID" {
		t.Errorf("kid %q", tok.Headers[0].KeyID)
	}
	var c jwt.Claims
	if err := tok.Claims(&k.PublicKey, &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(jwt.Expected{Issuer: "TEAM", Subject: "com.example.app", AnyAudience: jwt.Audience{appleAudience}, Time: now}); err != nil {
		t.Error(err)
	}
}
