package password

import (
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
)

func TestCheckMessages(t *testing.T) {
	p := DefaultPolicy()
	for pw, reason := range map[string]string{
		"Ab1!":              "Password not long enough",
		"short":             "Password not long enough", // length first, whatever else is missing
		"abcdefgh!1":        "Password must have uppercase characters",
		"asdfasilguhasulf!": "Password must have uppercase characters", // AWS: uppercase before numeric
		"12345678":          "Password must have uppercase characters",
		"ABCDEFGH!1":        "Password must have lowercase characters",
		"Asdfasilguhasulf!": "Password must have numeric characters", // as AWS answered for this one
		"Abcdefgh1":         "Password must have symbol characters",
		"Abcdefgh1€":        "Password must have symbol characters", // not in Cognito's set
		"ÉÉÉÉéééé1!":        "Password must have uppercase characters",
		"ééééééé":           "Password not long enough", // 7 characters, 14 bytes
	} {
		for _, c := range []struct {
			check  func(Policy, string) error
			prefix string
		}{{Check, "Password did not conform with policy: "}, {CheckAdmin, "Password did not conform with password policy: "}} {
			err := c.check(p, pw)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.InvalidPasswordException || e.Message != c.prefix+reason {
				t.Errorf("check(%q) = %v, want InvalidPasswordException %q", pw, err, c.prefix+reason)
			}
		}
	}
}

func TestCheckAccepts(t *testing.T) {
	p := DefaultPolicy()
	for _, pw := range []string{"Abcdefg1!", "Abcdef 1g", "ÀbcdefG1!", "Pässwörd 🔑 1", strings.Repeat("Aa1!", 64)} {
		if err := Check(p, pw); err != nil {
			t.Errorf("Check(%q) = %v", pw, err)
		}
	}
	// Every documented special character, and an inner space, is a symbol.
	for _, r := range `^$*.[]{}()?"!@#%&/\,><':;|_~` + "`=+- " {
		if err := Check(p, "Abcdefg1"+string(r)+"x"); err != nil {
			t.Errorf("%q not taken as a symbol: %v", r, err)
		}
	}
	none := Policy{}
	for _, pw := range []string{"a", "1", "Ω", "x y"} {
		if err := Check(none, pw); err != nil {
			t.Errorf("empty policy refused %q: %v", pw, err)
		}
	}
	if err := Check(Policy{MinimumLength: 6}, "abcdef"); err != nil {
		t.Errorf("length-only policy: %v", err)
	}
}

func TestCheckSurroundingWhiteSpace(t *testing.T) {
	for _, pw := range []string{" Abcdefg1!", "Abcdefg1! ", "\tAbcdefg1!", "Abcdefg1!\n", " "} {
		for _, check := range []func(Policy, string) error{Check, CheckAdmin} {
			if err := check(DefaultPolicy(), pw); !errs.Is(err, errs.InvalidParameterException) {
				t.Errorf("check(%q) = %v, want InvalidParameterException", pw, err)
			}
		}
	}
}

func TestDefaultPolicy(t *testing.T) {
	if p := DefaultPolicy(); p != (Policy{8, true, true, true, true}) {
		t.Fatalf("DefaultPolicy = %+v", p)
	}
}
