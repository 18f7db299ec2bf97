package password

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func newHasher(t testing.TB, p Params) *Hasher {
	t.Helper()
	h, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashFormatAndRoundTrip(t *testing.T) {
	h := newHasher(t, FastParams())
	format := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	for _, pw := range []string{"Correct-Horse-9", "pässwörd 🔑 Ω", strings.Repeat("x", 256), ""} {
		enc := h.Hash(pw)
		if !format.MatchString(enc) {
			t.Fatalf("Hash(%q) = %q, not PHC argon2id", pw, enc)
		}
		if ok, err := h.Verify(enc, pw); !ok || err != nil {
			t.Errorf("Verify(own hash of %q) = %v, %v", pw, ok, err)
		}
		if ok, err := h.Verify(enc, pw+"x"); ok || err != nil {
			t.Errorf("Verify(wrong password for %q) = %v, %v", pw, ok, err)
		}
		if h.NeedsRehash(enc) {
			t.Errorf("fresh hash %q needs rehash", enc)
		}
	}
	if h.Hash("same") == h.Hash("same") {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestDefaultHash(t *testing.T) {
	h := newHasher(t, DefaultParams())
	enc := h.Hash("Correct-Horse-9")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("default hash %q", enc)
	}
	if ok, err := h.Verify(enc, "Correct-Horse-9"); !ok || err != nil {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
}

func TestParams(t *testing.T) {
	if d := DefaultParams(); d != (Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}) || d.IsFast() || d.Validate() != nil {
		t.Fatalf("DefaultParams = %+v (fast %v, %v)", d, d.IsFast(), d.Validate())
	}
	if f := FastParams(); !f.IsFast() || f.Validate() != nil {
		t.Fatalf("FastParams = %+v (fast %v, %v)", f, f.IsFast(), f.Validate())
	}
	// OWASP's equivalent settings are all production-grade.
	for _, mt := range [][2]uint32{{47104, 1}, {19456, 2}, {12288, 3}, {9216, 4}, {7168, 5}, {65536, 3}} {
		if p := (Params{Memory: mt[0], Time: mt[1], Threads: 1, SaltLen: 16, KeyLen: 32}); p.IsFast() {
			t.Errorf("m=%d t=%d reported fast", mt[0], mt[1])
		}
	}
	for _, mt := range [][2]uint32{{64, 1}, {7168, 4}, {4096, 20}, {19456, 1}, {35839, 1}} {
		if p := (Params{Memory: mt[0], Time: mt[1], Threads: 1, SaltLen: 16, KeyLen: 32}); !p.IsFast() {
			t.Errorf("m=%d t=%d not reported fast", mt[0], mt[1])
		}
	}
	for name, p := range map[string]Params{
		"no time":     {Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		"no threads":  {Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32},
		"memory < 8p": {Memory: 15, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32},
		"huge memory": {Memory: maxMemoryKiB + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		"too costly":  {Memory: maxMemoryKiB, Time: 5, Threads: 1, SaltLen: 16, KeyLen: 32},
		"short salt":  {Memory: 64, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 32},
		"short key":   {Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
		"zero":        {},
	} {
		if p.Validate() == nil {
			t.Errorf("%s: Validate accepted %+v", name, p)
		}
		if _, err := New(p); err == nil {
			t.Errorf("%s: New accepted %+v", name, p)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	fast := newHasher(t, FastParams())
	other := newHasher(t, Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	longer := newHasher(t, Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64})
	for name, enc := range map[string]string{
		"other memory":  other.Hash("pw"),
		"other key len": longer.Hash("pw"),
		"argon2i":       "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A",
		"bcrypt":        "$2b$05$EEaUhR7xkytmyJsdewhwC.lVTVgT6q7WjPY19o1aNSM0sq.OyCAPm",
		"garbage":       "not a hash",
		"empty":         "",
	} {
		if !fast.NeedsRehash(enc) {
			t.Errorf("%s: NeedsRehash(%q) = false", name, enc)
		}
	}
	if !other.NeedsRehash(fast.Hash("pw")) {
		t.Error("a hash made with FastParams does not need rehash under other params")
	}
}

func TestDummyUsesCurrentParams(t *testing.T) {
	for _, p := range []Params{FastParams(), {Memory: 256, Time: 3, Threads: 2, SaltLen: 32, KeyLen: 48}} {
		h := newHasher(t, p)
		if !h.dummy.current(p) {
			t.Errorf("dummy hash for %+v was made with other settings", p)
		}
		h.Dummy("anything") // must not panic
	}
}

func TestConcurrentUse(t *testing.T) {
	h := newHasher(t, FastParams())
	enc := h.Hash("pw")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := h.Verify(enc, "pw"); !ok {
				t.Error("concurrent Verify failed")
			}
			h.Dummy("pw")
			h.Hash("pw")
		}()
	}
	wg.Wait()
}

func TestVerifyUnsupported(t *testing.T) {
	h := newHasher(t, FastParams())
	for _, enc := range []string{"", "plaintext", "$1$abc$def", "$5$rounds=5000$salt$hash", "$2x$05$EEaUhR7xkytmyJsdewhwC.lVTVgT6q7WjPY19o1aNSM0sq.OyCAPm", "{SSHA}abc", "md5$salt$hash"} {
		if ok, err := h.Verify(enc, "pw"); ok || !errors.Is(err, ErrUnsupportedHash) {
			t.Errorf("Verify(%q) = %v, %v; want ErrUnsupportedHash", enc, ok, err)
		}
	}
}
