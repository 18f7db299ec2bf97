package sqlbase

import (
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

// TestPrefixEnd checks the range [p, PrefixEnd(p)) against HasPrefix on
// strings built from runes around the awkward edges.
func TestPrefixEnd(t *testing.T) {
	alphabet := []rune{0x01, 'a', 'b', 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, utf8.MaxRune}
	word := func() string {
		var b strings.Builder
		for range rand.N(4) {
			b.WriteRune(alphabet[rand.N(len(alphabet))])
		}
		return b.String()
	}
	for range 20000 {
		p, s := word(), word()
		if rand.N(2) == 0 {
			s = p + s
		}
		end, ok := PrefixEnd(p)
		if ok && !utf8.ValidString(end) {
			t.Fatalf("PrefixEnd(%+q) = %+q, not UTF-8", p, end)
		}
		inRange := s >= p && (!ok || s < end)
		if inRange != strings.HasPrefix(s, p) {
			t.Fatalf("p=%+q s=%+q end=%+q ok=%v: range says %v", p, s, end, ok, inRange)
		}
	}
}

func TestNanosClamp(t *testing.T) {
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	old := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Now()
	if !(Nanos(old) < Nanos(now) && Nanos(now) < Nanos(far)) {
		t.Fatal("clamping broke the order of times")
	}
	if ExpiresNanos(time.Time{}) != nil {
		t.Fatal("zero time must be stored as NULL")
	}
	if got := Expires(ExpiresNanos(now)); !got.Equal(now) {
		t.Fatalf("round trip %v -> %v", now, got)
	}
}

func TestLoadMigrations(t *testing.T) {
	ok := fstest.MapFS{
		"m/0002_b.sql": {Data: []byte("B")},
		"m/0001_a.sql": {Data: []byte("A")},
		"m/README":     {Data: []byte("ignored")},
	}
	ms, err := LoadMigrations(ok, "m")
	if err != nil || len(ms) != 2 || ms[0].Name != "0001_a" || ms[1].SQL != "B" {
		t.Fatalf("LoadMigrations = %+v, %v", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"duplicate": {"m/0001_a.sql": {}, "m/0001_b.sql": {}},
		"bad name":  {"m/first.sql": {}},
		"empty":     {"m/README": {}},
	} {
		if _, err := LoadMigrations(fsys, "m"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
