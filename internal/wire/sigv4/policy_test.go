package sigv4

import (
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
)

func TestWildcard(t *testing.T) {
	cases := []struct {
		pattern, s string
		want, fold bool // fold: the result of WildcardFold, when it differs
	}{
		{"", "", true, true},
		{"", "a", false, false},
		{"*", "", true, true},
		{"*", "anything at all", true, true},
		{"**", "x", true, true},
		{"?", "", false, false},
		{"?", "a", true, true},
		{"?", "山", true, true}, // one character, three bytes
		{"??", "山", false, false},
		{"a?c", "abc", true, true},
		{"a?c", "ac", false, false},
		{"a*c", "ac", true, true},
		{"a*c", "abbbc", true, true},
		{"a*c", "abbbcd", false, false},
		{"*c", "abc", true, true},
		{"a*", "abc", true, true},
		{"a*b*c", "aXbYc", true, true},
		{"a*b*c", "acb", false, false},
		{"a*a", "a", false, false},
		{"a*a", "aa", true, true},
		{"*a*a*", "ba", false, false},
		{"*ab*ab*", "abab", true, true},
		{"*ab*ab*", "aab", false, false},
		{"?*?", "a", false, false},
		{"?*?", "ab", true, true},
		{"abc", "ABC", false, true},
		{"cognito-idp:Admin*", "cognito-idp:AdminCreateUser", true, true},
		{"cognito-idp:Admin*", "COGNITO-IDP:admincreateuser", false, true},
		{"cognito-idp:Admin*", "cognito-idp:ListUsers", false, false},
		{"cognito-idp:*", "cognito-identity:GetId", false, false},
		{"cognito-idp:List?sers", "cognito-idp:ListUsers", true, true},
		{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC*", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf", true, true},
		{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC*", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abcdef", false, true},
		{"arn:aws:cognito-idp:*:123456789012:userpool/*", "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_X", true, true},
		{"arn:aws:cognito-idp:*:123456789012:userpool/*", "arn:aws:cognito-idp:eu-west-1:999999999999:userpool/eu-west-1_X", false, false},
	}
	for _, tc := range cases {
		if got := Wildcard(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Wildcard(%q, %q) = %v", tc.pattern, tc.s, got)
		}
		if got := WildcardFold(tc.pattern, tc.s); got != tc.fold {
			t.Errorf("WildcardFold(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

// Patterns that make backtracking matchers take exponential time must not
// here.
func TestWildcardHasNoBlowUp(t *testing.T) {
	s := strings.Repeat("a", 20000)
	for _, pattern := range []string{
		strings.Repeat("a*", 200) + "b",
		strings.Repeat("*a", 200) + "*b*",
		"*" + strings.Repeat("a", 1000) + "b*",
		strings.Repeat("?*", 500) + "b",
	} {
		start := time.Now()
		if Wildcard(pattern, s) || WildcardFold(pattern, s) {
			t.Fatalf("%.20q… matched", pattern)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%.20q… took %v", pattern, d)
		}
	}
}

// The greedy placement must agree with the definition, which a small
// recursive matcher states directly.
func TestWildcardAgreesWithDefinition(t *testing.T) {
	var def func(p, s []rune) bool
	def = func(p, s []rune) bool {
		switch {
		case len(p) == 0:
			return len(s) == 0
		case p[0] == '*':
			return def(p[1:], s) || (len(s) > 0 && def(p, s[1:]))
		case len(s) == 0:
			return false
		default:
			return (p[0] == '?' || p[0] == s[0]) && def(p[1:], s[1:])
		}
	}
	alphabet := []rune("ab*?")
	var all func(n int) []string
	all = func(n int) []string {
		if n == 0 {
			return []string{""}
		}
		var out []string
		for _, prefix := range all(n - 1) {
			out = append(out, prefix)
			for _, c := range alphabet {
				out = append(out, prefix+string(c))
			}
		}
		return out
	}
	seen := map[string]bool{}
	var patterns, texts []string
	for _, p := range all(5) {
		if !seen[p] {
			seen[p] = true
			patterns = append(patterns, p)
			if !strings.ContainsAny(p, "*?") {
				texts = append(texts, p)
			}
		}
	}
	for _, p := range patterns {
		for _, s := range texts {
			if got, want := Wildcard(p, s), def([]rune(p), []rune(s)); got != want {
				t.Fatalf("Wildcard(%q, %q) = %v, want %v", p, s, got, want)
			}
		}
	}
}

func TestPrincipalAllowed(t *testing.T) {
	const (
		account = "123456789012"
		poolARN = "arn:aws:cognito-idp:us-east-1:" + account + ":userpool/us-east-1_AbCdEf"
		other   = "arn:aws:cognito-idp:us-east-1:" + account + ":userpool/us-east-1_ZzZzZz"
	)
	v := NewVerifier([]Credential{{
		AccessKeyID: testKeyID, SecretAccessKey: testSecret, Name: "reader",
		Actions:   []string{"cognito-idp:AdminGetUser"},
		Resources: []string{"arn:aws:cognito-idp:us-east-1:" + account + ":userpool/us-east-1_AbC*"},
	}})
	s := newServer(t, v)
	p := validExchange(t, s, "AdminGetUser").principal

	if !p.Allowed("cognito-idp:AdminGetUser", poolARN) {
		t.Error("granted action on granted pool refused")
	}
	if !p.Allowed("COGNITO-IDP:admingetuser", poolARN) {
		t.Error("action names are case-insensitive in IAM")
	}
	if p.Allowed("cognito-idp:AdminDeleteUser", poolARN) {
		t.Error("other action allowed")
	}
	if p.Allowed("cognito-idp:AdminGetUser", other) {
		t.Error("other pool allowed")
	}
	if p.Allowed("cognito-idp:AdminGetUser", strings.ToLower(poolARN)) {
		t.Error("ARNs are case-sensitive")
	}

	e := AccessDenied(p, account, "cognito-idp:AdminDeleteUser", poolARN)
	if e.Code != errs.AccessDeniedException || errs.HTTPStatus(e) != 400 {
		t.Fatalf("%+v", e)
	}
	want := "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: cognito-idp:AdminDeleteUser on resource: " +
		poolARN + " because no identity-based policy allows the cognito-idp:AdminDeleteUser action"
	if e.Message != want {
		t.Fatalf("message\n got %q\nwant %q", e.Message, want)
	}
}

func TestEmptyGrantAllowsEverything(t *testing.T) {
	p := &Principal{AccessKeyID: testKeyID}
	if !p.Allowed("cognito-idp:DeleteUserPool", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/x") {
		t.Fatal("empty grant refused")
	}
	p = &Principal{actions: []string{"*"}, resources: []string{"arn:aws:cognito-idp:*"}}
	if !p.Allowed("cognito-identity:GetId", "arn:aws:cognito-idp:eu-west-1:1:userpool/a") || p.Allowed("x:y", "arn:aws:cognito-identity:x") {
		t.Fatal("wildcards")
	}
	var none *Principal
	if none.Allowed("a:b", "c") {
		t.Fatal("nil principal allowed")
	}
}

func TestARN(t *testing.T) {
	if got := (&Principal{AccessKeyID: "AKIA1", Name: "admin"}).ARN("123456789012"); got != "arn:aws:iam::123456789012:user/admin" {
		t.Fatal(got)
	}
	if got := (&Principal{AccessKeyID: "AKIA1"}).ARN("123456789012"); got != "arn:aws:iam::123456789012:user/AKIA1" {
		t.Fatal(got)
	}
}

// A grant is fixed when the verifier is built.
func TestVerifierOwnsItsGrants(t *testing.T) {
	creds := []Credential{{AccessKeyID: testKeyID, SecretAccessKey: testSecret, Actions: []string{"cognito-idp:AdminGetUser"}}}
	s := newServer(t, NewVerifier(creds))
	creds[0].Actions[0] = "*"
	p := validExchange(t, s, "AdminGetUser").principal
	if p.Allowed("cognito-idp:AdminDeleteUser", "arn") {
		t.Fatal("grant changed after construction")
	}
}

func TestKeysWithoutSecretAreIgnored(t *testing.T) {
	v := NewVerifier([]Credential{{AccessKeyID: testKeyID}, {AccessKeyID: testKeyID, SecretAccessKey: testSecret, Name: "second"}})
	s := newServer(t, v)
	if p := validExchange(t, s, "AdminGetUser").principal; p.Name != "second" {
		t.Fatalf("principal %+v", p)
	}
	if len(NewVerifier([]Credential{{SecretAccessKey: testSecret}}).keys) != 0 {
		t.Fatal("key without id kept")
	}
}
