package main

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// gen emits one service's package.
type gen struct {
	m   *model
	svc service
	// needs memoises whether a shape has anything to validate.
	needs map[string]bool
}

func (g *gen) shape(name string) *shapeDef {
	s, ok := g.m.Shapes[name]
	if !ok {
		panic("modelgen: unknown shape " + name)
	}
	return s
}

// isStruct reports a structure shape that becomes a Go struct (documents
// and exceptions do not).
func (g *gen) isStruct(name string) bool {
	s := g.shape(name)
	return s.Type == "structure" && !s.Document && !s.Exception
}

// elemType is the Go type of a shape used as a list element or map value.
func (g *gen) elemType(name string) string {
	s := g.shape(name)
	switch s.Type {
	case "structure":
		if s.Document {
			return "shape.Document"
		}
		return name
	case "list":
		return "[]" + g.elemType(s.Member.Shape)
	case "map":
		return "map[string]" + g.elemType(s.Value.Shape)
	case "string":
		return "string"
	case "integer":
		return "int32"
	case "long":
		return "int64"
	case "boolean":
		return "bool"
	case "double", "float":
		return "float64"
	case "blob":
		return "[]byte"
	case "timestamp":
		return "shape.Time"
	}
	panic("modelgen: unsupported shape type " + s.Type + " of " + name)
}

// memberType is the Go type of a structure member: scalars and structures
// are pointers so that "absent" stays distinct from "zero", which
// Cognito's update semantics depend on.
func (g *gen) memberType(name string) string {
	t := g.elemType(name)
	switch g.shape(name).Type {
	case "list", "map", "blob":
		return t
	case "structure":
		if g.shape(name).Document {
			return t
		}
	}
	return "*" + t
}

// goName makes a member name a valid exported Go identifier.
func goName(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			if i == 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wireName is the member name as Coral puts it in validation messages.
func wireName(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]+`)

// enumConst names an enum value: UserStatusType + "FORCE_CHANGE_PASSWORD"
// -> UserStatusTypeForceChangePassword.
func enumConst(shapeName, value string) string {
	var b strings.Builder
	b.WriteString(shapeName)
	for _, part := range nonAlnum.Split(value, -1) {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(strings.ToLower(part[1:]))
	}
	return b.String()
}

func q(s string) string { return fmt.Sprintf("%q", s) }

// doc comment lines must not break the generated file.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
