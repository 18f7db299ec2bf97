package template

import (
	"fmt"
	"strings"
)

// subPart is a piece of an Fn::Sub string: literal text, or a variable
// (a parameter, pseudo parameter, resource, or Resource.Attribute).
type subPart struct {
	text     string
	variable bool
}

// parseSub splits an Fn::Sub template. "${!Literal}" is the literal
// "${Literal}".
func parseSub(s string) ([]subPart, error) {
	var parts []subPart
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			if s != "" {
				parts = append(parts, subPart{text: s})
			}
			return parts, nil
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return nil, fmt.Errorf("unterminated ${ in %q", clip(s))
		}
		if i > 0 {
			parts = append(parts, subPart{text: s[:i]})
		}
		name := s[i+2 : i+j]
		if strings.HasPrefix(name, "!") {
			parts = append(parts, subPart{text: "${" + name[1:] + "}"})
		} else {
			parts = append(parts, subPart{text: strings.TrimSpace(name), variable: true})
		}
		s = s[i+j+1:]
	}
}

func (e *evaluator) sub(arg any, at string) (any, error) {
	var tmpl string
	vars := map[string]any{}
	switch x := arg.(type) {
	case string:
		tmpl = x
	case []any:
		if len(x) != 2 {
			return nil, fmt.Errorf("%s: expects a string or [string, {variables}]", at)
		}
		s, ok := x[0].(string)
		m, ok2 := x[1].(map[string]any)
		if !ok || !ok2 {
			return nil, fmt.Errorf("%s: expects [string, {variables}]", at)
		}
		tmpl = s
		for k, v := range m {
			r, err := e.eval(v, at+"."+k)
			if err != nil {
				return nil, err
			}
			vars[k] = r
		}
	default:
		return nil, fmt.Errorf("%s: expects a string or [string, {variables}]", at)
	}
	parts, err := parseSub(tmpl)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", at, err)
	}
	var b strings.Builder
	for _, p := range parts {
		if !p.variable {
			b.WriteString(p.text)
			continue
		}
		v, ok := vars[p.text]
		if !ok {
			if id, attr, dotted := strings.Cut(p.text, "."); dotted {
				v, err = e.res.getAtt(id, attr)
			} else {
				v, err = e.ref(p.text, at)
			}
			if err != nil {
				return nil, err
			}
		}
		if u, ok := v.(unknown); ok {
			b.WriteString(unknownString(u))
			continue
		}
		s, err := toString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: ${%s}: %v", at, p.text, err)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}
