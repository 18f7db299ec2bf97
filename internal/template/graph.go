package template

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// reference is one use of a resource by another part of the template.
type reference struct {
	id   string
	attr string // "" for Ref
}

// references lists the resources, parameters and pseudo parameters that v
// names through Ref, Fn::GetAtt and Fn::Sub, in order of appearance.
func references(v any) []reference {
	var out []reference
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			switch fn := intrinsicName(x); fn {
			case "Ref":
				if s, ok := x[fn].(string); ok {
					out = append(out, reference{id: s})
				}
				return
			case "Fn::GetAtt":
				if id, attr, err := getAttArgs(x[fn]); err == nil {
					out = append(out, reference{id: id, attr: attr})
				}
				return
			case "Fn::Sub":
				out = append(out, subReferences(x[fn])...)
				if l, ok := x[fn].([]any); ok && len(l) == 2 {
					walk(l[1])
				}
				return
			}
			for _, k := range sortedKeys(x) {
				walk(x[k])
			}
		case []any:
			for _, el := range x {
				walk(el)
			}
		}
	}
	walk(v)
	return out
}

func subReferences(arg any) []reference {
	var tmpl string
	local := map[string]any{}
	switch x := arg.(type) {
	case string:
		tmpl = x
	case []any:
		if len(x) != 2 {
			return nil
		}
		tmpl, _ = x[0].(string)
		local, _ = x[1].(map[string]any)
	}
	parts, err := parseSub(tmpl)
	if err != nil {
		return nil
	}
	var out []reference
	for _, p := range parts {
		if !p.variable {
			continue
		}
		if _, ok := local[p.text]; ok {
			continue
		}
		id, attr, _ := strings.Cut(p.text, ".")
		out = append(out, reference{id: id, attr: attr})
	}
	return out
}

// order sorts resources so that each comes after everything it depends
// on; ties are broken by logical id, so plans are stable. A cycle is an
// error naming the resources on it.
func order(deps map[string][]string) ([]string, error) {
	ids := sortedKeys(deps)
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var out, stack []string
	var visit func(string) error
	visit = func(id string) error {
		switch state[id] {
		case 2:
			return nil
		case 1:
			i := slices.Index(stack, id)
			cycle := append(append([]string(nil), stack[i:]...), id)
			return fmt.Errorf("circular dependency between resources: %s", strings.Join(cycle, " → "))
		}
		state[id] = 1
		stack = append(stack, id)
		next := append([]string(nil), deps[id]...)
		sort.Strings(next)
		for _, d := range next {
			if err := visit(d); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = 2
		out = append(out, id)
		return nil
	}
	for _, id := range ids {
		if err := visit(id); err != nil {
			return nil, err
		}
	}
	return out, nil
}
