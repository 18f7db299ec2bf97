package password

import (
	"strings"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/errs"
)

// Policy is a user pool's password policy: the checkable part of
// cognitoidp.PasswordPolicyType, as plain values so this package needs
// nothing from the model. A zero MinimumLength checks no length.
type Policy struct {
	MinimumLength    int
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
}

// DefaultPolicy is what Cognito applies to a pool created without one:
// eight characters and all four character classes.
func DefaultPolicy() Policy {
	return Policy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}
}

// Cognito words the same rejection two ways. SignUp answers "…with
// policy: …"; AdminCreateUser answers "…with password policy: …" (both
// seen verbatim in client code and bug reports that quote the service).
const (
	userPrefix  = "Password did not conform with policy: "
	adminPrefix = "Password did not conform with password policy: "
)

// The reasons, one at a time, the first rule that fails. Uppercase before
// numbers is observed (AdminCreateUser answers "asdfasilguhasulf!" with the
// uppercase reason and "Asdfasilguhasulf!" with the numeric one); length
// first and uppercase before lowercase follow the policy's field order.
const (
	reasonLength    = "Password not long enough"
	reasonUppercase = "Password must have uppercase characters"
	reasonLowercase = "Password must have lowercase characters"
	reasonNumbers   = "Password must have numeric characters"
	reasonSymbols   = "Password must have symbol characters"
)

// surroundingSpaceMessage is Cognito's older model-validation answer to a
// password with leading or trailing white space (PasswordType's pattern
// used to be ^[\S]+.*[\S]+$). Cognito still does not allow such passwords,
// but which error it gives now is not documented; this one is the last seen.
const surroundingSpaceMessage = `1 validation error detected: Value at 'password' failed to satisfy constraint: ` +
	`Member must satisfy regular expression pattern: ^[\S]+.*[\S]+$`

// symbols is Cognito's set of special characters (Developer Guide, "Adding
// user pool password requirements"). A space also counts when it is
// neither leading nor trailing, which are refused anyway.
const symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// Check validates pw against p with the wording of the self-service
// operations (SignUp): an *errs.Error of type InvalidPasswordException,
// or InvalidParameterException for leading or trailing white space.
func Check(p Policy, pw string) error { return check(p, pw, userPrefix) }

// CheckAdmin is Check with the wording of AdminCreateUser.
func CheckAdmin(p Policy, pw string) error { return check(p, pw, adminPrefix) }

func check(p Policy, pw, prefix string) error {
	if pw != strings.Trim(pw, javaSpace) {
		return errs.New(errs.InvalidParameterException, surroundingSpaceMessage)
	}
	if reason := p.violation(pw); reason != "" {
		return errs.New(errs.InvalidPasswordException, prefix+reason)
	}
	return nil
}

// javaSpace is \s of Java regular expressions, which Cognito's pattern used.
const javaSpace = " \t\n\x0b\f\r"

// violation is the first rule pw breaks, or "". Length counts Unicode
// characters; the classes are Basic Latin only, as Cognito documents
// ("Uppercase Basic Latin letter"), so "É" is neither upper nor lower case.
func (p Policy) violation(pw string) string {
	if utf8.RuneCountInString(pw) < p.MinimumLength {
		return reasonLength
	}
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case 'A' <= r && r <= 'Z':
			upper = true
		case 'a' <= r && r <= 'z':
			lower = true
		case '0' <= r && r <= '9':
			digit = true
		case r < utf8.RuneSelf && strings.ContainsRune(symbols, r):
			symbol = true
		}
	}
	switch {
	case p.RequireUppercase && !upper:
		return reasonUppercase
	case p.RequireLowercase && !lower:
		return reasonLowercase
	case p.RequireNumbers && !digit:
		return reasonNumbers
	case p.RequireSymbols && !symbol:
		return reasonSymbols
	}
	return ""
}
