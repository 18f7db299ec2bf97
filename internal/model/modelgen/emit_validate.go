package main

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// re2 translates the few Java patterns of the models that RE2 (Go's regexp)
// cannot express. A new untranslatable pattern fails generation, so that a
// model update forces a decision instead of silently skipping a check.
var re2 = map[string]string{
	// "no trailing dot" by lookbehind; the same language without it.
	`^[0-9A-Za-z\.\-_]*(?<!\.)$`: `^(?:[0-9A-Za-z.\-_]*[0-9A-Za-z\-_])?$`,
}

// fullMatch anchors a pattern: AWS validates with Java's matches(), which
// must match the whole value.
func fullMatch(p string) (string, error) {
	if t, ok := re2[p]; ok {
		p = t
	}
	anchored := `^(?:` + p + `)$`
	if _, err := regexp.Compile(anchored); err != nil {
		return "", fmt.Errorf("pattern %q is not RE2: add a translation to re2: %w", p, err)
	}
	return anchored, nil
}

func trivialPattern(p string) bool { return p == `(?s).*` || p == `.*` }

// needs reports whether values of a shape have constraints to check.
func (g *gen) needsCheck(name string) bool {
	if g.needs == nil {
		g.needs = map[string]bool{}
	}
	if v, ok := g.needs[name]; ok {
		return v
	}
	g.needs[name] = true // assume yes while recursing (cycles)
	s := g.shape(name)
	n := false
	switch s.Type {
	case "structure":
		if !s.Document {
			n = len(s.Required) > 0
			for _, mn := range s.memberNames() {
				if g.needsCheck(s.Members[mn].Shape) {
					n = true
				}
			}
		}
	case "list":
		n = s.Min != nil && *s.Min > 0 || s.Max != nil || g.needsCheck(s.Member.Shape)
	case "map":
		n = s.Min != nil && *s.Min > 0 || s.Max != nil || g.needsCheck(s.Key.Shape) || g.needsCheck(s.Value.Shape)
	case "string":
		n = s.Min != nil && *s.Min > 0 || s.Max != nil || len(s.Enum) > 0 || s.Pattern != nil && !trivialPattern(*s.Pattern)
	case "integer", "long", "blob":
		n = s.Min != nil || s.Max != nil
	}
	g.needs[name] = n
	return n
}

func bound(f *float64) int64 {
	if f == nil {
		return -1
	}
	return int64(*f)
}

func (g *gen) emitValidate(b *bytes.Buffer) error {
	fmt.Fprintf(b, "package %s\n\nimport (\n\t\"regexp\"\n\n\t\"github.com/cirrohq/cirro/internal/model/shape\"\n)\n\n", g.svc.pkg)
	fmt.Fprintf(b, "var _ = regexp.MustCompile\n\n")

	var names []string
	for n := range g.m.Shapes {
		names = append(names, n)
	}
	sort.Strings(names)

	// Patterns and enum sets, compiled once.
	for _, name := range names {
		s := g.shape(name)
		if s.Type != "string" || !g.needsCheck(name) {
			continue
		}
		if s.Pattern != nil && !trivialPattern(*s.Pattern) {
			re, err := fullMatch(*s.Pattern)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Fprintf(b, "var re%s = regexp.MustCompile(%q)\n", name, re)
		}
		if len(s.Enum) > 0 {
			fmt.Fprintf(b, "var enum%s = map[string]struct{}{", name)
			for _, v := range s.Enum {
				fmt.Fprintf(b, "%q: {}, ", v)
			}
			fmt.Fprintf(b, "}\n")
		}
	}
	b.WriteString("\n")

	for _, name := range names {
		s := g.shape(name)
		switch {
		case g.isStruct(name):
			g.emitStructValidate(b, name, s)
		case s.Type != "structure" && g.needsCheck(name):
			if err := g.emitCheck(b, name, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// call returns the statement that checks value expression x of shape name
// at path expression p (a *shape.Path).
func (g *gen) call(name, x, p string) string {
	if !g.needsCheck(name) {
		return ""
	}
	if g.isStruct(name) {
		return fmt.Sprintf("%s.Validate(%s, v)", x, p)
	}
	return fmt.Sprintf("check%s(v, %s, %s)", name, p, x)
}

func (g *gen) emitStructValidate(b *bytes.Buffer, name string, s *shapeDef) {
	fmt.Fprintf(b, "// Validate records every violated model constraint of %s.\n", name)
	fmt.Fprintf(b, "func (s *%s) Validate(p *shape.Path, v *shape.Violations) {\n", name)
	body := &strings.Builder{}
	for _, mn := range s.memberNames() {
		mem := s.Members[mn]
		req := s.isRequired(mn)
		need := g.needsCheck(mem.Shape)
		if !req && !need {
			continue
		}
		f := "s." + goName(mn)
		ms := g.shape(mem.Shape)
		isPtr := strings.HasPrefix(g.memberType(mem.Shape), "*")
		deref := f
		if isPtr && !g.isStruct(mem.Shape) {
			deref = "*" + f
		}
		nilTest, setTest := f+" == nil", f+" != nil"
		if ms.Type == "structure" && ms.Document {
			nilTest, setTest = "len("+f+") == 0", "len("+f+") != 0"
		}
		fmt.Fprintf(body, "\t{\n\t\tq := p.Member(%q)\n", wireName(mn))
		c := g.call(mem.Shape, deref, "&q")
		switch {
		case req && c != "":
			fmt.Fprintf(body, "\t\tif %s {\n\t\t\tv.Null(&q)\n\t\t} else {\n\t\t\t%s\n\t\t}\n", nilTest, c)
		case req:
			fmt.Fprintf(body, "\t\tif %s {\n\t\t\tv.Null(&q)\n\t\t}\n", nilTest)
		default:
			fmt.Fprintf(body, "\t\tif %s {\n\t\t\t%s\n\t\t}\n", setTest, c)
		}
		fmt.Fprintf(body, "\t}\n")
	}
	if body.Len() > 0 {
		fmt.Fprintf(b, "\tif s == nil {\n\t\treturn\n\t}\n%s", body.String())
	}
	fmt.Fprintf(b, "}\n\n")
}

func (g *gen) emitCheck(b *bytes.Buffer, name string, s *shapeDef) error {
	sens := "false"
	if s.Sensitive {
		sens = "true"
	}
	switch s.Type {
	case "string":
		fmt.Fprintf(b, "func check%s(v *shape.Violations, p *shape.Path, x string) {\n", name)
		if s.Min != nil && *s.Min > 0 || s.Max != nil {
			fmt.Fprintf(b, "\tif !shape.StrLen(v, p, x, %s, %d, %d) {\n\t\treturn\n\t}\n", sens, bound(s.Min), bound(s.Max))
		}
		if len(s.Enum) > 0 {
			fmt.Fprintf(b, "\tif !shape.Enum(v, p, x, enum%s, %q) {\n\t\treturn\n\t}\n", name, "["+strings.Join(s.Enum, ", ")+"]")
		}
		if s.Pattern != nil && !trivialPattern(*s.Pattern) {
			fmt.Fprintf(b, "\tshape.Pattern(v, p, x, %s, re%s, %q)\n", sens, name, *s.Pattern)
		}
	case "integer", "long":
		fmt.Fprintf(b, "func check%s(v *shape.Violations, p *shape.Path, x %s) {\n", name, g.elemType(name))
		fmt.Fprintf(b, "\tshape.Range(v, p, int64(x), %t, %d, %t, %d)\n", s.Min != nil, bound(s.Min), s.Max != nil, bound(s.Max))
	case "blob":
		fmt.Fprintf(b, "func check%s(v *shape.Violations, p *shape.Path, x []byte) {\n", name)
		fmt.Fprintf(b, "\tshape.Count(v, p, len(x), %d, %d)\n", bound(s.Min), bound(s.Max))
	case "list":
		fmt.Fprintf(b, "func check%s(v *shape.Violations, p *shape.Path, x %s) {\n", name, g.elemType(name))
		emitCount(b, s)
		if c := g.call(s.Member.Shape, "x[i]", "&q"); c != "" {
			if g.isStruct(s.Member.Shape) {
				c = fmt.Sprintf("(&x[i]).Validate(&q, v)")
			}
			fmt.Fprintf(b, "\tfor i := range x {\n\t\tq := p.Index(i)\n\t\t%s\n\t}\n", c)
		}
	case "map":
		fmt.Fprintf(b, "func check%s(v *shape.Violations, p *shape.Path, x %s) {\n", name, g.elemType(name))
		emitCount(b, s)
		kc := g.call(s.Key.Shape, "k", "p")
		vc := g.call(s.Value.Shape, "val", "&q")
		if g.isStruct(s.Value.Shape) && vc != "" {
			vc = "val := val\n\t\t(&val).Validate(&q, v)"
		}
		if kc != "" || vc != "" {
			fmt.Fprintf(b, "\tfor k, val := range x {\n\t\t_ = val\n")
			if kc != "" {
				fmt.Fprintf(b, "\t\t%s\n", kc)
			}
			if vc != "" {
				fmt.Fprintf(b, "\t\tq := p.Key(k)\n\t\t%s\n", vc)
			}
			fmt.Fprintf(b, "\t}\n")
		}
	default:
		return fmt.Errorf("no checker for %s (%s)", name, s.Type)
	}
	fmt.Fprintf(b, "}\n\n")
	return nil
}

func emitCount(b *bytes.Buffer, s *shapeDef) {
	if s.Min != nil && *s.Min > 0 || s.Max != nil {
		fmt.Fprintf(b, "\tshape.Count(v, p, len(x), %d, %d)\n", bound(s.Min), bound(s.Max))
	}
}
