package password

import (
	"strings"
	"testing"
)

func TestGenerateSatisfiesAnyPolicy(t *testing.T) {
	for _, p := range []Policy{
		DefaultPolicy(),
		{},
		{MinimumLength: 6},
		{MinimumLength: 99, RequireSymbols: true},
		{MinimumLength: 20, RequireUppercase: true, RequireNumbers: true},
	} {
		want := max(p.MinimumLength, 12)
		for i := 0; i < 200; i++ {
			pw := Generate(p)
			if len(pw) != want {
				t.Fatalf("Generate(%+v) = %q, length %d, want %d", p, pw, len(pw), want)
			}
			if err := Check(DefaultPolicy(), pw); err != nil { // the strictest classes
				t.Fatalf("Generate(%+v) = %q: %v", p, pw, err)
			}
			if err := Check(p, pw); err != nil {
				t.Fatalf("Generate(%+v) = %q: %v", p, pw, err)
			}
			if strings.Trim(pw, genAll) != "" {
				t.Fatalf("Generate(%+v) = %q uses characters outside its alphabet", p, pw)
			}
		}
	}
}

func TestGenerateIsRandom(t *testing.T) {
	seen := map[string]bool{}
	counts := map[byte]int{}
	for i := 0; i < 2000; i++ {
		pw := Generate(DefaultPolicy())
		if seen[pw] {
			t.Fatalf("Generate repeated %q", pw)
		}
		seen[pw] = true
		counts[pw[0]]++
	}
	// Every class must be able to appear first: the shuffle covers the
	// forced characters too. (Each has probability > 0.2; 2000 draws.)
	for _, class := range []string{genUpper, genLower, genDigits, genSymbols} {
		n := 0
		for i := range class {
			n += counts[class[i]]
		}
		if n == 0 {
			t.Errorf("no password started with one of %q", class)
		}
	}
	if strings.ContainsAny(genSymbols, `"'\<>& `+"`") {
		t.Error("generator symbols include characters unsafe in e-mail or shells")
	}
}
