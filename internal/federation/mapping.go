package federation

import (
	"encoding/json"
	"strconv"
	"strings"
)

// mapAttributes applies a provider's attribute mapping (pool attribute ←
// provider claim). username is not an attribute: it names the user.
func mapAttributes(mapping map[string]string, claims map[string]any) map[string]string {
	out := map[string]string{}
	for attr, claim := range mapping {
		if attr == "username" {
			continue
		}
		if v, ok := stringify(claims[claim]); ok && v != "" {
			out[attr] = v
		}
	}
	return out
}

// stringify writes a claim as an attribute value: strings as they are,
// booleans "true"/"false" (email_verified), numbers in their shortest
// form, an OIDC address by its formatted member, anything else as JSON.
func stringify(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case []string:
		return samlList(x), true
	case map[string]any:
		if f, ok := x["formatted"].(string); ok {
			return f, true
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// samlList writes a multi-valued SAML attribute as Cognito does: one
// value as it is, several as "[a, b]".
func samlList(vs []string) string {
	if len(vs) == 1 {
		return vs[0]
	}
	return "[" + strings.Join(vs, ", ") + "]"
}

// flatten is a claim set as the trigger event's string map.
func flatten(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		if s, ok := stringify(v); ok {
			out[k] = s
		}
	}
	return out
}
