package passkey

import "testing"

func TestAllowedOrigin(t *testing.T) {
	for _, c := range []struct {
		rp, origin string
		ok         bool
	}{
		{"example.com", "https://example.com", true},
		{"example.com", "https://app.example.com:8443", true},
		{"example.com", "https://APP.Example.com", true},
		{"example.com", "http://app.example.com", false},
		{"example.com", "https://example.com.evil.net", false},
		{"example.com", "https://notexample.com", false},
		{"example.com", "https://example.com/path", false},
		{"example.com", "android:apk-key-hash:abc", false},
		{"localhost", "http://localhost:3000", true},
		{"app.example.com", "https://example.com", false},
	} {
		if got := allowedOrigin(c.rp, c.origin); got != c.ok {
			t.Errorf("allowedOrigin(%q, %q) = %v", c.rp, c.origin, got)
		}
	}
}
