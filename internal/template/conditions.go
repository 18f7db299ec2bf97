package template

import (
	"encoding/json"
	"fmt"
)

// noResources refuses resource references where only parameters may be
// used (Conditions).
type noResources struct{ where string }

func (n noResources) ref(id string) (any, error) {
	return nil, fmt.Errorf("%s: cannot reference the resource %s", n.where, id)
}

func (n noResources) getAtt(id, attr string) (any, error) {
	return nil, fmt.Errorf("%s: cannot reference the resource %s", n.where, id)
}

// resolveConditions evaluates the Conditions section; a condition may use
// another one (Condition), in any order, but not in a cycle.
func resolveConditions(t *Template, params map[string]any, p *problems) map[string]bool {
	out := map[string]bool{}
	visiting := map[string]bool{}
	e := &evaluator{params: params, mappings: t.Mappings, conditions: out, res: noResources{"Conditions"}}
	var visit func(name string) bool
	visit = func(name string) bool {
		if _, done := out[name]; done {
			return true
		}
		if visiting[name] {
			p.addf("Conditions."+name, "circular condition")
			return false
		}
		expr, ok := t.Conditions[name]
		if !ok {
			return false
		}
		visiting[name] = true
		for _, dep := range conditionRefs(expr) {
			if _, ok := t.Conditions[dep]; !ok {
				p.addf("Conditions."+name, "unknown condition %s", dep)
				return false
			}
			if !visit(dep) {
				return false
			}
		}
		b, err := e.condition(expr, "Conditions."+name)
		if err != nil {
			p.addf("Conditions."+name, "%v", err)
			return false
		}
		out[name] = b
		return true
	}
	for _, name := range sortedKeys(t.Conditions) {
		visit(name)
	}
	return out
}

// conditionRefs lists the conditions an expression uses.
func conditionRefs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if c, ok := x["Condition"].(string); ok && len(x) == 1 {
			return []string{c}
		}
		for _, k := range sortedKeys(x) {
			out = append(out, conditionRefs(x[k])...)
		}
	case []any:
		for _, el := range x {
			out = append(out, conditionRefs(el)...)
		}
	}
	return out
}

// condition evaluates a condition expression (Conditions section, or an
// Fn::Equals used as a value).
func (e *evaluator) condition(v any, at string) (bool, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return false, fmt.Errorf("%s: expects a condition function", at)
	}
	for fn, arg := range m {
		l, _ := arg.([]any)
		switch fn {
		case "Condition":
			name, _ := arg.(string)
			c, ok := e.conditions[name]
			if !ok {
				return false, fmt.Errorf("%s: unknown condition %v", at, arg)
			}
			return c, nil
		case "Fn::Equals":
			if len(l) != 2 {
				return false, fmt.Errorf("%s.Fn::Equals: expects two values", at)
			}
			a, err := e.eval(l[0], at+".Fn::Equals")
			if err != nil {
				return false, err
			}
			b, err := e.eval(l[1], at+".Fn::Equals")
			if err != nil {
				return false, err
			}
			if isUnknown(a) || isUnknown(b) {
				return false, fmt.Errorf("%s.Fn::Equals: a condition cannot depend on a resource", at)
			}
			return equalValues(a, b), nil
		case "Fn::Not":
			if len(l) != 1 {
				return false, fmt.Errorf("%s.Fn::Not: expects one condition", at)
			}
			c, err := e.condition(l[0], at+".Fn::Not")
			return !c, err
		case "Fn::And", "Fn::Or":
			if len(l) < 2 || len(l) > 10 {
				return false, fmt.Errorf("%s.%s: expects 2 to 10 conditions", at, fn)
			}
			and := fn == "Fn::And"
			for i, c := range l {
				b, err := e.condition(c, fmt.Sprintf("%s.%s[%d]", at, fn, i))
				if err != nil {
					return false, err
				}
				if b != and {
					return b, nil
				}
			}
			return and, nil
		}
		return false, fmt.Errorf("%s: %s is not a condition function", at, fn)
	}
	return false, nil
}

// equalValues compares two resolved values as CloudFormation does:
// scalars by their string form.
func equalValues(a, b any) bool {
	as, aerr := toString(a)
	bs, berr := toString(b)
	if aerr == nil && berr == nil {
		return as == bs
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
