package token

import (
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/pool"
)

// The control plane is the directory the service reads.
var _ Directory = (*pool.Service)(nil)

func TestNewChecksConfig(t *testing.T) {
	e := newEnv(t)
	good := Config{Store: e.st, Clock: e.clk, Keys: e.keys, PublicURL: publicURL, Directory: e.pools, Users: e.users}
	for name, edit := range map[string]func(*Config){
		"no store":            func(c *Config) { c.Store = nil },
		"no users":            func(c *Config) { c.Users = nil },
		"relative URL":        func(c *Config) { c.PublicURL = "/cirro" },
		"URL with a query":    func(c *Config) { c.PublicURL = publicURL + "?x=1" },
		"delay below the TTL": func(c *Config) { c.PublishDelay, c.KeyCacheTTL = DefaultKeyCacheTTL/2, DefaultKeyCacheTTL },
		"not http":            func(c *Config) { c.PublicURL = "ftp://cirro.example.com" },
	} {
		c := good
		edit(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c := good
	c.PublicURL += "/"
	svc, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.Issuer("us-east-1_abc"); got != publicURL+"/us-east-1_abc" {
		t.Errorf("issuer %s", got)
	}
	if svc.JWKSCacheTTL() >= DefaultPublishDelay {
		t.Error("JWKS may be cached past the publish delay")
	}
}

func TestTokensResult(t *testing.T) {
	e := newEnv(t)
	toks := e.signIn(nil)
	r := toks.Result()
	if *r.AccessToken != toks.AccessToken || *r.IdToken != toks.IDToken || *r.RefreshToken != toks.RefreshToken || *r.ExpiresIn != 3600 || *r.TokenType != "Bearer" {
		t.Errorf("%+v", r)
	}
	toks.RefreshToken = ""
	if toks.Result().RefreshToken != nil {
		t.Error("empty refresh token returned")
	}
}

func TestIssueRequestChecked(t *testing.T) {
	e := newEnv(t)
	other := e.newPool("other")
	for name, edit := range map[string]func(*IssueRequest){
		"no pool":          func(r *IssueRequest) { r.PoolID = "" },
		"no client":        func(r *IssueRequest) { r.Client = nil },
		"client elsewhere": func(r *IssueRequest) { r.PoolID = other },
		"no sub":           func(r *IssueRequest) { r.User.Sub = "" },
	} {
		req := IssueRequest{PoolID: e.poolID, Client: e.client, User: e.subject()}
		edit(&req)
		if _, err := e.svc.IssueTokens(e.ctx, req); err == nil || !strings.HasPrefix(err.Error(), "token:") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Developer-only attributes never reach a token.
	toks := e.signIn(func(r *IssueRequest) { r.User.Attributes["dev:custom:secret"] = "x" })
	if _, ok := decode(t, toks.IDToken).Claims["dev:custom:secret"]; ok {
		t.Error("developer-only attribute in the ID token")
	}
}
