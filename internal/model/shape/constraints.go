package shape

import (
	"regexp"
	"strconv"
	"unicode/utf8"
)

// The helpers below are called by generated validators. Each returns true
// when the value passes, recording a violation otherwise.

// StrLen checks a string's length in characters against [min, max]; a
// negative bound is absent.
func StrLen(v *Violations, p *Path, s string, sensitive bool, min, max int) bool {
	n := utf8.RuneCountInString(s)
	if min >= 0 && n < min {
		v.String(p, s, sensitive, "Member must have length greater than or equal to "+strconv.Itoa(min))
		return false
	}
	if max >= 0 && n > max {
		v.String(p, s, sensitive, "Member must have length less than or equal to "+strconv.Itoa(max))
		return false
	}
	return true
}

// Pattern checks that s matches re in full. The constraint text quotes
// the model's (Java) pattern, as Cognito does.
func Pattern(v *Violations, p *Path, s string, sensitive bool, re *regexp.Regexp, src string) bool {
	if re.MatchString(s) {
		return true
	}
	v.String(p, s, sensitive, "Member must satisfy regular expression pattern: "+src)
	return false
}

// Enum checks s against the model's value set; text is "[A, B, C]".
func Enum(v *Violations, p *Path, s string, set map[string]struct{}, text string) bool {
	if _, ok := set[s]; ok {
		return true
	}
	v.String(p, s, false, "Member must satisfy enum value set: "+text)
	return false
}

// Range checks an integer against [min, max]; hasMin/hasMax say which apply.
func Range(v *Violations, p *Path, n int64, hasMin bool, min int64, hasMax bool, max int64) bool {
	if hasMin && n < min {
		v.Number(p, n, "Member must have value greater than or equal to "+strconv.FormatInt(min, 10))
		return false
	}
	if hasMax && n > max {
		v.Number(p, n, "Member must have value less than or equal to "+strconv.FormatInt(max, 10))
		return false
	}
	return true
}

// Count checks the size of a list, map or blob against [min, max].
func Count(v *Violations, p *Path, n, min, max int) bool {
	if min >= 0 && n < min {
		v.Composite(p, "Member must have length greater than or equal to "+strconv.Itoa(min))
		return false
	}
	if max >= 0 && n > max {
		v.Composite(p, "Member must have length less than or equal to "+strconv.Itoa(max))
		return false
	}
	return true
}
