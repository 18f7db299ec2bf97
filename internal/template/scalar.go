package template

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Values in a parsed template are JSON's: map[string]any, []any, string,
// json.Number (numbers keep their text, so "10" is not rewritten as
// "1e1"), bool and nil. CloudFormation converts freely between strings,
// numbers and booleans where a property expects one of them, and so do
// these helpers.

func toString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "", fmt.Errorf("expected a string, got null")
	}
	return "", fmt.Errorf("expected a string, got %s", describe(v))
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Float64()
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, fmt.Errorf("expected a number, got %q", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("expected a number, got %s", describe(v))
}

func toInt(v any) (int64, error) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, fmt.Errorf("expected an integer, got %s", describe(v))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int64(f)) {
			return int64(f), nil
		}
		return 0, fmt.Errorf("expected an integer, got %q", s)
	}
	return n, nil
}

func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(x) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, fmt.Errorf("expected a boolean, got %q", x)
	}
	return false, fmt.Errorf("expected a boolean, got %s", describe(v))
}

// describe names a value's JSON kind for error messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", clip(x))
	case json.Number:
		return "the number " + x.String()
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		if fn := intrinsicName(x); fn != "" {
			return "an unresolved " + fn
		}
		return "an object"
	case unknown:
		return "a value known only after apply"
	}
	return fmt.Sprintf("%T", v)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
