package identitypool

import (
	"encoding/json"
	"testing"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

func TestRuleMatches(t *testing.T) {
	var claims map[string]any
	json.Unmarshal([]byte(`{"tier":"gold","groups":["staff","admins"],"age":42,"verified":true,"empty":[]}`), &claims)
	for _, c := range []struct {
		match, value, claim string
		want                bool
	}{
		{cognitoidentity.MappingRuleMatchTypeEquals, "gold", "tier", true},
		{cognitoidentity.MappingRuleMatchTypeEquals, "Gold", "tier", false},
		{cognitoidentity.MappingRuleMatchTypeContains, "ol", "tier", true},
		{cognitoidentity.MappingRuleMatchTypeStartswith, "go", "tier", true},
		{cognitoidentity.MappingRuleMatchTypeStartswith, "ld", "tier", false},
		{cognitoidentity.MappingRuleMatchTypeNotequal, "silver", "tier", true},
		{cognitoidentity.MappingRuleMatchTypeNotequal, "gold", "tier", false},
		{cognitoidentity.MappingRuleMatchTypeEquals, "admins", "groups", true},
		{cognitoidentity.MappingRuleMatchTypeNotequal, "admins", "groups", false},
		{cognitoidentity.MappingRuleMatchTypeNotequal, "guests", "groups", true},
		{cognitoidentity.MappingRuleMatchTypeEquals, "42", "age", true},
		{cognitoidentity.MappingRuleMatchTypeEquals, "true", "verified", true},
		{cognitoidentity.MappingRuleMatchTypeNotequal, "x", "missing", false},
		{cognitoidentity.MappingRuleMatchTypeNotequal, "x", "empty", false},
	} {
		if got := ruleMatches(c.match, c.value, claims[c.claim]); got != c.want {
			t.Errorf("%s %s %q: %v, want %v", c.claim, c.match, c.value, got, c.want)
		}
	}
}

// The spellings of a user pool provider, and what is not one.
func TestUserPoolProviderNames(t *testing.T) {
	h := newHarness(t)
	for name, want := range map[string]string{
		"idp.example.test/us-east-1_abc123":                    "us-east-1_abc123",
		"cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123": "us-east-1_abc123",
		"cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123": "",
		"idp.example.test/identitypool":                        "",
		"other.example.test/us-east-1_abc123":                  "",
		"idp.example.test/us-east-1_abc123/x":                  "",
	} {
		got, ok := h.s.userPoolOf(name)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", name, got, ok, want)
		}
	}
	if id, client, ok := h.s.splitUserPoolKey("idp.example.test/us-east-1_abc123:client1"); !ok || id != "us-east-1_abc123" || client != "client1" {
		t.Fatalf("mapping key: %s %s %v", id, client, ok)
	}
	if !h.s.sameProvider("idp.example.test/us-east-1_abc123", "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123") || h.s.sameProvider("a.example", "b.example") {
		t.Fatal("sameProvider")
	}
}
