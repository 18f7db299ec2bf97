package message

import (
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/secrets"
)

func TestNewCode(t *testing.T) {
	if c := NewCode(0); len(c) != DefaultCodeDigits {
		t.Fatalf("default length: %q", c)
	}
	seen := map[string]bool{}
	for range 200 {
		c := NewCode(8)
		if len(c) != 8 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("not 8 digits: %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 195 { // 200 draws from 10^8: a repeat is already unlikely
		t.Fatalf("only %d distinct codes in 200", len(seen))
	}
}

func TestHashAndCheckCode(t *testing.T) {
	k := secrets.Random()
	scope := CodeScope{PoolID: "us-east-1_abc", User: "sub-1", Purpose: "signup"}
	h := HashCode(k, scope, "123456")
	if strings.Contains(h, "123456") {
		t.Fatal("hash contains the code")
	}
	if !CheckCode(k, scope, "123456", h) {
		t.Fatal("right code refused")
	}
	for name, tc := range map[string]struct {
		k     *secrets.Keyring
		scope CodeScope
		code  string
		hash  string
	}{
		"wrong code":        {k, scope, "123457", h},
		"empty code":        {k, scope, "", h},
		"other pool":        {k, CodeScope{"us-east-1_xyz", "sub-1", "signup"}, "123456", h},
		"other user":        {k, CodeScope{"us-east-1_abc", "sub-2", "signup"}, "123456", h},
		"other purpose":     {k, CodeScope{"us-east-1_abc", "sub-1", "forgot-password"}, "123456", h},
		"fields shifted":    {k, CodeScope{"us-east-1_abcs", "ub-1", "signup"}, "123456", h},
		"other master key":  {secrets.Random(), scope, "123456", h},
		"unknown version":   {k, scope, "123456", "v2." + strings.TrimPrefix(h, "v1.")},
		"not base64":        {k, scope, "123456", "v1.!!!"},
		"empty stored hash": {k, scope, "123456", ""},
	} {
		if CheckCode(tc.k, tc.scope, tc.code, tc.hash) {
			t.Errorf("%s: accepted", name)
		}
	}
	if HashCode(k, scope, "123456") != h {
		t.Fatal("hash is not deterministic for one key")
	}
}
