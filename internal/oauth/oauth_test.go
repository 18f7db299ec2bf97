package oauth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

func TestPKCE(t *testing.T) {
	// RFC 7636, Appendix B.
	verifier, challenge := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	cases := []struct {
		challenge, method, verifier string
		ok                          bool
	}{
		{challenge, "S256", verifier, true},
		{challenge, "S256", verifier[:42] + "a", false},
		{challenge, "S256", "", false},
		{challenge, "S256", challenge, false},
		{verifier, "plain", verifier, true},
		{verifier, "plain", challenge, false},
		{"", "", "", true},       // a code issued without PKCE
		{"", "", verifier, true}, // a verifier the code did not ask for is ignored
		{"short", "plain", "short", false},
	}
	for _, c := range cases {
		if got := pkceOK(c.challenge, c.method, c.verifier); got != c.ok {
			t.Errorf("pkceOK(%q, %q, %q) = %v", c.challenge, c.method, c.verifier, got)
		}
	}
}

func TestGrantScopes(t *testing.T) {
	c := &cognitoidp.UserPoolClientType{AllowedOAuthScopes: []string{"openid", "email", "orders/read", "aws.cognito.signin.user.admin"}}
	cases := []struct {
		requested string
		want      string
		err       string
	}{
		{"", "openid email orders/read aws.cognito.signin.user.admin", ""},
		{"openid email", "openid email", ""},
		{"openid profile phone orders/write", "openid", ""}, // not allowed: ignored
		{"email openid email", "email openid", ""},
		{"phone", "", "invalid_scope"},
		{"email orders/read", "", "invalid_scope"}, // email needs openid
		{"orders/read", "orders/read", ""},
	}
	for _, tc := range cases {
		got, err := grantScopes(c, tc.requested)
		var oe *oauthError
		switch {
		case tc.err != "" && (!errors.As(err, &oe) || oe.Code != tc.err):
			t.Errorf("%q: error %v, want %s", tc.requested, err, tc.err)
		case tc.err == "" && (err != nil || strings.Join(got, " ") != tc.want):
			t.Errorf("%q: %v %v, want %s", tc.requested, got, err, tc.want)
		}
	}
}

func TestCSPSource(t *testing.T) {
	for in, want := range map[string]string{
		"https://app.example.com/cb?x=1": "https://app.example.com",
		"http://localhost:8080/callback": "http://localhost:8080",
		"myapp://callback":               "myapp:",
		"com.example.app:/oauth":         "com.example.app:",
		"not a url":                      "",
		"https://a.example;script-src *": "",
	} {
		if got := cspSource(in); got != want {
			t.Errorf("cspSource(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedirectTo(t *testing.T) {
	h := &Handler{}
	code := &authzRequest{ResponseType: "code", RedirectURI: "https://app.example.com/cb?tenant=7", State: "a b"}
	w := httptest.NewRecorder()
	h.redirectTo(w, httptest.NewRequest(http.MethodGet, "/", nil), code, url.Values{"code": {"c0de"}})
	loc, _ := url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusFound || loc.Query().Get("tenant") != "7" || loc.Query().Get("code") != "c0de" || loc.Query().Get("state") != "a b" || loc.Fragment != "" {
		t.Errorf("code redirect %d %s", w.Code, loc)
	}
	implicit := &authzRequest{ResponseType: "token", RedirectURI: "myapp://cb", State: "s"}
	w = httptest.NewRecorder()
	h.redirectTo(w, httptest.NewRequest(http.MethodGet, "/", nil), implicit, url.Values{"access_token": {"t"}})
	if got := w.Header().Get("Location"); got != "myapp://cb#access_token=t&state=s" {
		t.Errorf("implicit redirect %q", got)
	}
	// Errors of an implicit request go in the query, as Cognito sends them.
	w = httptest.NewRecorder()
	h.redirectTo(w, httptest.NewRequest(http.MethodGet, "/", nil), implicit, url.Values{"error": {"invalid_scope"}})
	if got := w.Header().Get("Location"); got != "myapp://cb?error=invalid_scope&state=s" {
		t.Errorf("implicit error redirect %q", got)
	}
}

func TestSplitFirst(t *testing.T) {
	for in, want := range map[string][2]string{
		"/domain/acme/login": {"domain", "/acme/login"},
		"/us-east-1_abc":     {"us-east-1_abc", ""},
		"/":                  {"", ""},
		"":                   {"", ""},
	} {
		a, b := splitFirst(in)
		if a != want[0] || b != want[1] {
			t.Errorf("splitFirst(%q) = %q %q", in, a, b)
		}
	}
}

func TestUsernameFieldAndRules(t *testing.T) {
	cases := []struct {
		pool       cognitoidp.UserPoolType
		label, typ string
	}{
		{cognitoidp.UserPoolType{}, "Username", "text"},
		{cognitoidp.UserPoolType{UsernameAttributes: []string{"email"}}, "Email", "email"},
		{cognitoidp.UserPoolType{UsernameAttributes: []string{"phone_number"}}, "Phone number", "tel"},
		{cognitoidp.UserPoolType{UsernameAttributes: []string{"email", "phone_number"}}, "Email or phone number", "text"},
		{cognitoidp.UserPoolType{AliasAttributes: []string{"email", "preferred_username"}}, "Username or email", "text"},
	}
	for _, c := range cases {
		if l, ty := usernameField(&c.pool); l != c.label || ty != c.typ {
			t.Errorf("%+v: %s %s", c.pool, l, ty)
		}
	}
	no, yes, ten := false, true, int32(10)
	p := &cognitoidp.UserPoolType{Policies: &cognitoidp.UserPoolPolicyType{PasswordPolicy: &cognitoidp.PasswordPolicyType{
		MinimumLength: &ten, RequireUppercase: &yes, RequireLowercase: &no, RequireNumbers: &yes, RequireSymbols: &no}}}
	if got := strings.Join(passwordRules(p), "; "); got != "At least 10 characters; An uppercase letter; A number" {
		t.Errorf("rules %q", got)
	}
	if got := len(passwordRules(&cognitoidp.UserPoolType{})); got != 5 {
		t.Errorf("default policy: %d rules", got)
	}
}

func TestGroups(t *testing.T) {
	if got := groups("ABCDEFGHIJ", 4); got != "ABCD EFGH IJ" {
		t.Errorf("groups %q", got)
	}
}

func TestFormAttributes(t *testing.T) {
	f := url.Values{"attr.name": {" Amy "}, "attr.custom:team": {"red"}, "attr.": {"x"}, "attr.nickname": {""}, "password": {"p"}}
	got := formAttributes(f)
	if len(got) != 2 || *got[0].Name != "custom:team" || *got[1].Name != "name" || *got[1].Value != "Amy" {
		t.Errorf("%+v", got)
	}
}
