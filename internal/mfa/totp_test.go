package mfa

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/user"
)

// rfcSecret is the SHA-1 secret of RFC 6238's test vectors ("12345678901234567890").
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// RFC 6238 appendix B: at T = 59 s the eight-digit SHA-1 TOTP is 94287082,
// so the six-digit one is 287082; at 1111111109 s, 07081804 → 081804.
func TestTOTPVectors(t *testing.T) {
	for _, tc := range []struct {
		at   int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		st, ok := totpStep(rfcSecret, tc.code, time.Unix(tc.at, 0))
		if !ok || st != tc.at/30 {
			t.Errorf("code %s at %d: step %d %v, want %d", tc.code, tc.at, st, ok, tc.at/30)
		}
	}
}

// One step of skew is accepted each way, and not two; the step reported
// is the code's own, which the replay guard records.
func TestTOTPSkew(t *testing.T) {
	at := time.Unix(1111111109, 0) // step 37037036
	for d, want := range map[time.Duration]bool{-60 * time.Second: false, -30 * time.Second: true, 0: true, 30 * time.Second: true, 60 * time.Second: false} {
		st, ok := totpStep(rfcSecret, "081804", at.Add(d))
		if ok != want || (ok && st != 37037036) {
			t.Errorf("clock off by %v: step %d accepted %v, want %v", d, st, ok, want)
		}
	}
	if _, ok := totpStep(rfcSecret, "08180", at); ok {
		t.Error("a five-digit code was accepted")
	}
}

func TestNewSecret(t *testing.T) {
	s1, s2 := newSecret(), newSecret()
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s1)
	if err != nil || len(b) != secretSize || len(s1) != 52 || s1 == s2 || strings.ContainsAny(s1, "=abc") {
		t.Fatalf("secret %q (%d bytes, %v)", s1, len(b), err)
	}
}

// A sealed secret opens only for the user it was sealed for.
func TestSecretSealedToUser(t *testing.T) {
	s := &Service{Keys: secrets.Random()}
	amy := &user.User{PoolID: "us-east-1_AAAAAAAAA", Sub: "11111111-1111-4111-8111-111111111111"}
	bob := &user.User{PoolID: amy.PoolID, Sub: "22222222-2222-4222-8222-222222222222"}
	sealed := s.sealSecret(amy, rfcSecret)
	if strings.Contains(string(sealed), rfcSecret) {
		t.Fatal("the secret is readable in its sealed form")
	}
	if got, err := s.openSecret(amy, sealed); err != nil || got != rfcSecret {
		t.Fatalf("open for its user: %q %v", got, err)
	}
	if _, err := s.openSecret(bob, sealed); err == nil {
		t.Fatal("opened for another user")
	}
}
