package shape

import (
	"strconv"
	"strings"
)

// Path is a member path built on the stack while validating; it is turned
// into a string only when a violation is recorded, so that valid requests
// (the common case) allocate nothing for it.
type Path struct {
	parent *Path
	name   string // decapitalised member name, or "" for a list element
	index  int    // 1-based list index when name == ""
	key    string // map key when set
}

// Member returns the path of a structure member.
func (p *Path) Member(name string) Path { return Path{parent: p, name: name} }

// Index returns the path of the i-th (0-based) list element.
func (p *Path) Index(i int) Path { return Path{parent: p, index: i + 1} }

// Key returns the path of a map value.
func (p *Path) Key(k string) Path { return Path{parent: p, key: k} }

// String renders the path as Coral-based AWS services do:
// userAttributes.1.member.name
func (p *Path) String() string {
	if p == nil {
		return ""
	}
	var parts []string
	for q := p; q != nil; q = q.parent {
		switch {
		case q.key != "":
			parts = append(parts, q.key)
		case q.name != "":
			parts = append(parts, q.name)
		case q.index > 0:
			parts = append(parts, "member", strconv.Itoa(q.index))
		}
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// Violation is one failed constraint.
type Violation struct {
	Path       string
	Value      string
	HasValue   bool // false: the value is not shown (absent, sensitive or composite)
	Null       bool
	Constraint string
}

// Violations accumulates failed constraints of one request.
type Violations struct {
	List []Violation
}

// maxShown caps the violations named in one message, as AWS does.
const maxShown = 10

func (v *Violations) add(x Violation) {
	v.List = append(v.List, x)
}

// Null records a required member that is missing.
func (v *Violations) Null(p *Path) {
	v.add(Violation{Path: p.String(), Null: true, Constraint: "Member must not be null"})
}

// String records a failed constraint on a string value.
func (v *Violations) String(p *Path, val string, sensitive bool, constraint string) {
	v.add(Violation{Path: p.String(), Value: val, HasValue: !sensitive, Constraint: constraint})
}

// Number records a failed constraint on a numeric value.
func (v *Violations) Number(p *Path, val int64, constraint string) {
	v.add(Violation{Path: p.String(), Value: strconv.FormatInt(val, 10), HasValue: true, Constraint: constraint})
}

// Composite records a failed constraint on a list, map or blob.
func (v *Violations) Composite(p *Path, constraint string) {
	v.add(Violation{Path: p.String(), Constraint: constraint})
}

// Empty reports whether no constraint failed.
func (v *Violations) Empty() bool { return len(v.List) == 0 }

// Message words the violations as Cognito does:
// "1 validation error detected: Value 'x' at 'poolName' failed to satisfy
// constraint: Member must have length less than or equal to 128".
func (v *Violations) Message() string {
	var b strings.Builder
	n := len(v.List)
	b.WriteString(strconv.Itoa(n))
	if n == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, x := range v.List {
		if i == maxShown {
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString("Value ")
		switch {
		case x.Null:
			b.WriteString("null ")
		case x.HasValue:
			b.WriteString("'")
			b.WriteString(clip(x.Value))
			b.WriteString("' ")
		}
		b.WriteString("at '")
		b.WriteString(x.Path)
		b.WriteString("' failed to satisfy constraint: ")
		b.WriteString(x.Constraint)
	}
	return b.String()
}

// clip keeps echoed values short so that an error never carries a whole
// oversized input back.
func clip(s string) string {
	const max = 256
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
