package template

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// resolveParameters gives every parameter its value: the one passed
// (--parameter Key=Value), else its Default, checked against the
// declaration's constraints. List types become lists of strings.
func resolveParameters(t *Template, given map[string]string, p *problems) map[string]any {
	out := map[string]any{}
	for _, k := range sortedKeys(given) {
		if _, ok := t.Parameters[k]; !ok {
			p.addf("Parameters."+k, "the template declares no such parameter (passed with --parameter)")
		}
	}
	for _, name := range sortedKeys(t.Parameters) {
		decl := t.Parameters[name]
		path := "Parameters." + name
		raw, ok := given[name]
		if !ok {
			if decl.Default == nil {
				p.addf(path, "no value: the parameter has no Default, pass --parameter %s=VALUE", name)
				continue
			}
			s, err := defaultString(decl.Default)
			if err != nil {
				p.addf(path+".Default", "%v", err)
				continue
			}
			raw = s
		}
		v, err := parameterValue(decl, raw)
		if err != nil {
			p.addf(path, "%v", err)
			continue
		}
		out[name] = v
	}
	return out
}

// defaultString flattens a Default; a list default is CloudFormation's
// comma-delimited form.
func defaultString(v any) (string, error) {
	if l, ok := v.([]any); ok {
		parts := make([]string, len(l))
		for i, el := range l {
			s, err := toString(el)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return toString(v)
}

func isListType(t string) bool {
	return t == "CommaDelimitedList" || strings.HasPrefix(t, "List<")
}

func parameterValue(decl *Parameter, raw string) (any, error) {
	values := []string{raw}
	if isListType(decl.Type) {
		values = strings.Split(raw, ",")
		for i := range values {
			values[i] = strings.TrimSpace(values[i])
		}
	}
	for _, v := range values {
		if err := checkParameter(decl, v); err != nil {
			return nil, err
		}
	}
	if !isListType(decl.Type) {
		return raw, nil
	}
	l := make([]any, len(values))
	for i, v := range values {
		l[i] = v
	}
	return l, nil
}

func checkParameter(decl *Parameter, v string) error {
	if len(decl.AllowedValues) > 0 {
		allowed := make([]string, 0, len(decl.AllowedValues))
		for _, a := range decl.AllowedValues {
			s, _ := toString(a)
			allowed = append(allowed, s)
		}
		if !slices.Contains(allowed, v) {
			return fmt.Errorf("%q is not one of the AllowedValues (%s)", v, strings.Join(allowed, ", "))
		}
	}
	if decl.AllowedPattern != "" {
		re, err := regexp.Compile("^(?:" + decl.AllowedPattern + ")$")
		if err != nil {
			return fmt.Errorf("AllowedPattern: %v", err)
		}
		if !re.MatchString(v) {
			return fmt.Errorf("%q does not match the AllowedPattern %s", v, decl.AllowedPattern)
		}
	}
	n := utf8.RuneCountInString(v)
	if decl.MinLength != nil && n < *decl.MinLength {
		return fmt.Errorf("%q is shorter than MinLength %d", v, *decl.MinLength)
	}
	if decl.MaxLength != nil && n > *decl.MaxLength {
		return fmt.Errorf("%q is longer than MaxLength %d", v, *decl.MaxLength)
	}
	if decl.Type == "Number" || decl.Type == "List<Number>" {
		f, err := toFloat(v)
		if err != nil {
			return err
		}
		if decl.MinValue != nil && f < *decl.MinValue {
			return fmt.Errorf("%s is less than MinValue %s", v, formatNumber(*decl.MinValue))
		}
		if decl.MaxValue != nil && f > *decl.MaxValue {
			return fmt.Errorf("%s is greater than MaxValue %s", v, formatNumber(*decl.MaxValue))
		}
	}
	return nil
}
