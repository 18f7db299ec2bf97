package template

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// unknown is a value that exists only once a resource it depends on has
// been created or changed (a new pool's id, say). Planning carries it
// through the intrinsic functions; applying never meets one, because a
// resource is evaluated only after everything it references.
type unknown struct{ what string }

// noValue is AWS::NoValue: the property or list element disappears.
type noValue struct{}

// resolver answers a template's references to its resources.
type resolver interface {
	// ref is the Ref value of a resource (its physical id, mostly).
	ref(id string) (any, error)
	// getAtt is an attribute of a resource.
	getAtt(id, attr string) (any, error)
}

// evaluator resolves intrinsic functions against the stack's parameters,
// conditions, mappings and resources.
type evaluator struct {
	params     map[string]any // String → string; list types → []any
	conditions map[string]bool
	mappings   map[string]any
	res        resolver
}

func intrinsicName(m map[string]any) string {
	if len(m) != 1 {
		return ""
	}
	for k := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k
		}
	}
	return ""
}

// eval resolves every intrinsic function in v; path names v in errors.
func (e *evaluator) eval(v any, path string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if fn := intrinsicName(x); fn != "" {
			return e.call(fn, x[fn], path)
		}
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			r, err := e.eval(x[k], path+"."+k)
			if err != nil {
				return nil, err
			}
			if _, drop := r.(noValue); !drop {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for i, el := range x {
			r, err := e.eval(el, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			if _, drop := r.(noValue); !drop {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return v, nil
}

func (e *evaluator) call(fn string, arg any, path string) (any, error) {
	at := path + "." + fn
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("%s: expects a logical id or parameter name", at)
		}
		return e.ref(name, at)
	case "Fn::GetAtt":
		id, attr, err := getAttArgs(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", at, err)
		}
		return e.res.getAtt(id, attr)
	case "Fn::Join":
		return e.join(arg, at)
	case "Fn::Sub":
		return e.sub(arg, at)
	case "Fn::Select":
		return e.selectFn(arg, at)
	case "Fn::Split":
		return e.split(arg, at)
	case "Fn::If":
		return e.ifFn(arg, at)
	case "Fn::FindInMap":
		return e.findInMap(arg, at)
	case "Fn::Base64":
		v, err := e.eval(arg, at)
		if err != nil || isUnknown(v) {
			return v, err
		}
		s, err := toString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", at, err)
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "Fn::GetAZs":
		region, _ := e.params["AWS::Region"].(string)
		return []any{region + "a", region + "b", region + "c"}, nil
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or":
		b, err := e.condition(map[string]any{fn: arg}, path)
		return b, err
	}
	return nil, fmt.Errorf("%s: %s is not supported", at, fn)
}

func (e *evaluator) ref(name, at string) (any, error) {
	if v, ok := e.params[name]; ok {
		return v, nil
	}
	if name == "AWS::NoValue" {
		return noValue{}, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, fmt.Errorf("%s: unknown pseudo parameter %s", at, name)
	}
	return e.res.ref(name)
}

func getAttArgs(arg any) (id, attr string, err error) {
	switch x := arg.(type) {
	case string:
		if id, attr, ok := strings.Cut(x, "."); ok {
			return id, attr, nil
		}
	case []any:
		if len(x) == 2 {
			id, ok1 := x[0].(string)
			attr, ok2 := x[1].(string)
			if ok1 && ok2 {
				return id, attr, nil
			}
		}
	}
	return "", "", fmt.Errorf("expects [LogicalId, Attribute]")
}

func (e *evaluator) join(arg any, at string) (any, error) {
	l, ok := arg.([]any)
	if !ok || len(l) != 2 {
		return nil, fmt.Errorf("%s: expects [delimiter, [values]]", at)
	}
	delim, ok := l[0].(string)
	if !ok {
		return nil, fmt.Errorf("%s: the delimiter must be a string", at)
	}
	v, err := e.eval(l[1], at)
	if err != nil {
		return nil, err
	}
	if isUnknown(v) {
		return v, nil
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: expects a list of values to join, got %s", at, describe(v))
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		if u, ok := it.(unknown); ok {
			parts = append(parts, unknownString(u))
			continue
		}
		s, err := toString(it)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", at, err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, delim), nil
}

func (e *evaluator) selectFn(arg any, at string) (any, error) {
	l, ok := arg.([]any)
	if !ok || len(l) != 2 {
		return nil, fmt.Errorf("%s: expects [index, [values]]", at)
	}
	iv, err := e.eval(l[0], at)
	if err != nil {
		return nil, err
	}
	idx, err := toInt(iv)
	if err != nil {
		return nil, fmt.Errorf("%s: index: %v", at, err)
	}
	v, err := e.eval(l[1], at)
	if err != nil || isUnknown(v) {
		return v, err
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: expects a list, got %s", at, describe(v))
	}
	if idx < 0 || int(idx) >= len(items) {
		return nil, fmt.Errorf("%s: index %d is out of range for a list of %d", at, idx, len(items))
	}
	return items[idx], nil
}

func (e *evaluator) split(arg any, at string) (any, error) {
	l, ok := arg.([]any)
	if !ok || len(l) != 2 {
		return nil, fmt.Errorf("%s: expects [delimiter, string]", at)
	}
	delim, ok := l[0].(string)
	if !ok || delim == "" {
		return nil, fmt.Errorf("%s: the delimiter must be a non-empty string", at)
	}
	v, err := e.eval(l[1], at)
	if err != nil || isUnknown(v) {
		return v, err
	}
	s, err := toString(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", at, err)
	}
	var out []any
	for _, p := range strings.Split(s, delim) {
		out = append(out, p)
	}
	return out, nil
}

func (e *evaluator) ifFn(arg any, at string) (any, error) {
	l, ok := arg.([]any)
	if !ok || len(l) != 3 {
		return nil, fmt.Errorf("%s: expects [condition, value if true, value if false]", at)
	}
	name, ok := l[0].(string)
	if !ok {
		return nil, fmt.Errorf("%s: the condition must be a condition name", at)
	}
	c, ok := e.conditions[name]
	if !ok {
		return nil, fmt.Errorf("%s: unknown condition %s", at, name)
	}
	if c {
		return e.eval(l[1], at)
	}
	return e.eval(l[2], at)
}

func (e *evaluator) findInMap(arg any, at string) (any, error) {
	l, ok := arg.([]any)
	if !ok || len(l) < 3 {
		return nil, fmt.Errorf("%s: expects [map, top-level key, second-level key]", at)
	}
	keys := make([]string, 3)
	for i := range 3 {
		v, err := e.eval(l[i], at)
		if err != nil {
			return nil, err
		}
		if keys[i], err = toString(v); err != nil {
			return nil, fmt.Errorf("%s: %v", at, err)
		}
	}
	top, _ := e.mappings[keys[0]].(map[string]any)
	second, _ := top[keys[1]].(map[string]any)
	v, ok := second[keys[2]]
	if !ok {
		return nil, fmt.Errorf("%s: Mappings has no %s.%s.%s", at, keys[0], keys[1], keys[2])
	}
	return v, nil
}

func isUnknown(v any) bool {
	_, ok := v.(unknown)
	return ok
}

// containsUnknown reports whether any part of v is known only after apply.
func containsUnknown(v any) bool {
	switch x := v.(type) {
	case unknown:
		return true
	case map[string]any:
		for _, el := range x {
			if containsUnknown(el) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, containsUnknown)
	case string:
		return strings.Contains(x, unknownMark)
	}
	return false
}

// unknownMark flags, inside a string, where an unknown value was
// substituted (Fn::Sub or Fn::Join over a new resource's id): such a
// string is itself unknown.
const unknownMark = "\x00?"

func unknownString(u unknown) string { return unknownMark + u.what + "\x00" }

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
