package cirrotest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// Claims decodes a JWT's payload without verifying it, for tests that
// look at what cirro put in a token (the token tests check signatures).
func Claims(t testing.TB, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
