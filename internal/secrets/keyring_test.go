package secrets

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpenBindsPurposeAndAD(t *testing.T) {
	k := Random()
	ct := k.Seal("totp", []byte("seed"), []byte("user-1"))
	if pt, err := k.Open("totp", ct, []byte("user-1")); err != nil || string(pt) != "seed" {
		t.Fatalf("open: %q %v", pt, err)
	}
	if _, err := k.Open("idp", ct, []byte("user-1")); err != ErrOpen {
		t.Fatalf("other purpose opened: %v", err)
	}
	if _, err := k.Open("totp", ct, []byte("user-2")); err != ErrOpen {
		t.Fatalf("other ad opened: %v", err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := k.Open("totp", ct, []byte("user-1")); err != ErrOpen {
		t.Fatalf("tampered opened: %v", err)
	}
	if _, err := k.Open("totp", ct[:5], nil); err != ErrOpen {
		t.Fatalf("short opened: %v", err)
	}
	if _, err := Random().Open("totp", k.Seal("totp", []byte("x"), nil), nil); err != ErrOpen {
		t.Fatal("opened under another master key")
	}
}

func TestTokenTamperRejected(t *testing.T) {
	k := Random()
	tok := k.SealToken("page", []byte(`{"after":"x"}`), []byte("ListUsers"))
	for i := 0; i < len(tok); i++ {
		b := []byte(tok)
		b[i] ^= 0x01
		if _, err := k.OpenToken("page", string(b), []byte("ListUsers")); err == nil {
			t.Fatalf("edited token at %d accepted", i)
		}
	}
	if _, err := k.OpenToken("page", tok, []byte("ListGroups")); err == nil {
		t.Fatal("token accepted for another operation")
	}
}

func TestKeyFileCreatedOnceAndPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "master.key")
	k1, created, err := LoadOrCreateFile(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	k2, created, err := LoadOrCreateFile(path)
	if err != nil || created {
		t.Fatalf("load: %v %v", created, err)
	}
	if k1.Fingerprint() != k2.Fingerprint() || !bytes.Equal(k1.MAC("a", nil), k2.MAC("a", nil)) {
		t.Fatal("reloaded key differs")
	}
	if _, err := ParseKey("short"); err == nil {
		t.Fatal("short key accepted")
	}
}
