package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestOAuthUnregisteredRedirect: a redirect URI the client did not
// register (or an unknown client) gets an error page, never a redirect.
func TestOAuthUnregisteredRedirect(t *testing.T) {
	s := newOAuthSite(t)
	for name, u := range map[string]string{
		"foreign redirect": s.authorizeURL("redirect_uri", "https://evil.example/callback"),
		"prefix of one":    s.authorizeURL("redirect_uri", "http://localhost:8080/callback/more"),
		"unknown client":   s.authorizeURL("client_id", "nosuchclient0000000000000"),
		"login page":       strings.Replace(s.authorizeURL("redirect_uri", "https://evil.example/"), "/oauth2/authorize", "/login", 1),
	} {
		resp, page := oauthGet(t, s.http, u)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(page, "An error was encountered") {
			t.Errorf("%s: %d %q", name, resp.StatusCode, resp.Header.Get("Location"))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", name, csp)
		}
	}
	// Other mistakes, once the redirect URI is the client's, go back to it.
	for params, want := range map[[2]string]string{
		{"response_type", "id_token"}:               "unsupported_response_type",
		{"scope", "phone"}:                          "invalid_scope",
		{"code_challenge_method", "S512"}:           "invalid_request",
		{"identity_provider", "Google"}:             "invalid_request",
		{"code_challenge", strings.Repeat("a", 43)}: "invalid_request", // no method
	} {
		resp, page := oauthGet(t, s.http, s.authorizeURL(params[0], params[1]))
		if q := callbackQuery(t, resp, page); q.Get("error") != want || q.Get("state") != "st4te" {
			t.Errorf("%s=%s: %v", params[0], params[1], q)
		}
	}
}

// TestOAuthCodeMisuse: a code is redeemed once, by its client, with its
// redirect URI and PKCE verifier; a replay revokes what it issued.
func TestOAuthCodeMisuse(t *testing.T) {
	s := newOAuthSite(t)
	ctx := oidc.ClientContext(context.Background(), s.http)
	conf := s.oauthConfig(s.clientID, s.secret)
	code := func(opts ...oauth2.AuthCodeOption) string {
		return s.signInCode(s.browser(), conf.AuthCodeURL("s", opts...), "amy", userPassword).Get("code")
	}
	verifier := oauth2.GenerateVerifier()

	t.Run("wrong PKCE verifier", func(t *testing.T) {
		c := code(oauth2.S256ChallengeOption(verifier))
		_, err := conf.Exchange(ctx, c, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("wrong verifier: %v", err)
		}
		// The code is spent: its holder was not the one it was issued to.
		if _, err := conf.Exchange(ctx, c, oauth2.VerifierOption(verifier)); oauthErrorCode(err) != "invalid_grant" {
			t.Errorf("right verifier after a wrong one: %v", err)
		}
		if _, err := conf.Exchange(ctx, code(oauth2.S256ChallengeOption(verifier))); oauthErrorCode(err) != "invalid_grant" {
			t.Errorf("no verifier for a PKCE code: %v", err)
		}
	})
	t.Run("plain PKCE", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(oauth2.SetAuthURLParam("code_challenge", v), oauth2.SetAuthURLParam("code_challenge_method", "plain"))
		if _, err := conf.Exchange(ctx, c, oauth2.VerifierOption(v)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("replayed code", func(t *testing.T) {
		c := code()
		tok, err := conf.Exchange(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conf.Exchange(ctx, c); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("replay: %v", err)
		}
		// What the first redemption issued is revoked.
		if _, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); oauthErrorCode(err) != "invalid_grant" {
			t.Errorf("refresh token of a replayed code: %v", err)
		}
		req, _ := http.NewRequest(http.MethodGet, s.origin+"/oauth2/userInfo", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := s.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("access token of a replayed code: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("code of another client", func(t *testing.T) {
		otherID, otherSecret := appClient(t, s.idp, s.poolID, withSecret, codeGrantClient)
		other := s.oauthConfig(otherID, otherSecret)
		c := code()
		if _, err := other.Exchange(ctx, c); oauthErrorCode(err) != "invalid_grant" {
			t.Fatalf("another client's code: %v", err)
		}
		if _, err := conf.Exchange(ctx, c); oauthErrorCode(err) != "invalid_grant" {
			t.Errorf("a code tried by another client stays usable: %v", err)
		}
	})
	t.Run("other redirect URI", func(t *testing.T) {
		c := code()
		wrong := conf
		wrong.RedirectURL = "http://localhost:8080/elsewhere"
		if _, err := wrong.Exchange(ctx, c); oauthErrorCode(err) != "invalid_grant" {
			t.Errorf("another redirect URI: %v", err)
		}
	})
	t.Run("client authentication", func(t *testing.T) {
		bad := conf
		bad.ClientSecret = "wrong"
		if _, err := bad.Exchange(ctx, code()); oauthErrorCode(err) != "invalid_client" {
			t.Errorf("wrong secret: %v", err)
		}
		inBody := conf
		inBody.Endpoint.AuthStyle = oauth2.AuthStyleInParams
		if _, err := inBody.Exchange(ctx, code()); err != nil {
			t.Errorf("client_secret_post: %v", err)
		}
	})
}

func (s *oauthSite) oauthConfig(id, secret string) oauth2.Config {
	return oauth2.Config{
		ClientID: id, ClientSecret: secret, RedirectURL: oauthCallback, Scopes: []string{"openid", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: s.origin + "/oauth2/authorize", TokenURL: s.origin + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader},
	}
}

// TestOAuthFormsNeedCSRF: a form posted without the token its page
// carried (a cross-site post) is refused, and nobody is signed in.
func TestOAuthFormsNeedCSRF(t *testing.T) {
	s := newOAuthSite(t)
	resp, page := oauthGet(t, s.http, s.authorizeURL())
	loginURL := resp.Request.URL.String()
	resp, _ = oauthSubmit(t, s.http, loginURL, page, true, "username", "amy", "password", userPassword)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" {
		t.Fatalf("no CSRF token: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A token from another browser does not match this one's cookie.
	_, otherPage := oauthGet(t, s.browser(), s.authorizeURL())
	resp, _ = oauthSubmit(t, s.http, loginURL, otherPage, false, "username", "amy", "password", userPassword)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign CSRF token: %d", resp.StatusCode)
	}
	for _, c := range s.http.Jar.Cookies(mustURL(s.origin)) {
		if c.Name == "cirro-session" {
			t.Error("a session was started")
		}
	}
	// Cookies are HttpOnly and SameSite=Lax.
	resp, _ = oauthGet(t, s.browser(), s.authorizeURL())
	for _, c := range resp.Cookies() {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %s: HttpOnly %v SameSite %v", c.Name, c.HttpOnly, c.SameSite)
		}
	}
}

// TestOAuthLogoutURIMustBeRegistered: /logout redirects only to a
// registered sign-out URL, and leaves the session alone otherwise.
func TestOAuthLogoutURIMustBeRegistered(t *testing.T) {
	s := newOAuthSite(t)
	s.signInCode(s.http, s.authorizeURL(), "amy", userPassword)
	for _, q := range []url.Values{
		{"client_id": {s.clientID}, "logout_uri": {"https://evil.example/"}},
		{"client_id": {s.clientID}, "logout_uri": {oauthCallback}}, // a callback URL, not a sign-out URL
		{"logout_uri": {oauthLogout}},
	} {
		resp, _ := oauthGet(t, s.http, s.origin+"/logout?"+q.Encode())
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%v: %d %q", q, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, page := oauthGet(t, s.http, s.authorizeURL())
	if q := callbackQuery(t, resp, page); q.Get("code") == "" {
		t.Error("a refused logout ended the session")
	}
	// With an authorization request instead, logout shows its sign-in page.
	resp, page = oauthGet(t, s.http, strings.Replace(s.authorizeURL(), "/oauth2/authorize", "/logout", 1))
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Errorf("logout to sign in again: %d", resp.StatusCode)
	}
}

// TestOAuthClientCredentials: a machine client gets an access token with
// the resource-server scopes it asks for and is allowed, and nothing else.
func TestOAuthClientCredentials(t *testing.T) {
	s := newOAuthSite(t)
	ctx := oidc.ClientContext(context.Background(), s.http)
	_, err := s.idp.CreateResourceServer(context.Background(), &cip.CreateResourceServerInput{
		UserPoolId: &s.poolID, Identifier: aws.String("orders"), Name: aws.String("Orders API"),
		Scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read orders")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("Write orders")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	machine := func(scopes ...string) func(*cip.CreateUserPoolClientInput) {
		return func(in *cip.CreateUserPoolClientInput) {
			in.GenerateSecret = true
			in.AllowedOAuthFlowsUserPoolClient = true
			in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
			in.AllowedOAuthScopes = scopes
		}
	}
	both, bothSecret := appClient(t, s.idp, s.poolID, machine("orders/read", "orders/write"))
	readOnly, readSecret := appClient(t, s.idp, s.poolID, machine("orders/read"))
	cc := func(id, secret string, scopes ...string) (*oauth2.Token, error) {
		return (&clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: s.origin + "/oauth2/token", Scopes: scopes}).Token(ctx)
	}

	tok, err := cc(both, bothSecret, "orders/read")
	if err != nil {
		t.Fatal(err)
	}
	provider, err := oidc.NewProvider(ctx, s.c.URL+"/"+s.poolID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, tok.AccessToken); err != nil {
		t.Fatalf("machine access token: %v", err)
	}
	c := cirrotest.Claims(t, tok.AccessToken)
	if c["scope"] != "orders/read" || c["sub"] != both || c["client_id"] != both || c["token_use"] != "access" || c["username"] != nil {
		t.Errorf("claims %v", c)
	}
	if tok.RefreshToken != "" || tok.Extra("id_token") != nil {
		t.Error("client_credentials issued more than an access token")
	}
	if tok, err := cc(both, bothSecret); err != nil || cirrotest.Claims(t, tok.AccessToken)["scope"] != "orders/read orders/write" {
		t.Errorf("no scope asked: all of the client's: %v", err)
	}
	if _, err := cc(readOnly, readSecret, "orders/write"); oauthErrorCode(err) != "invalid_scope" {
		t.Errorf("a scope the client is not allowed: %v", err)
	}
	if _, err := cc(readOnly, readSecret, "orders/read", "openid"); oauthErrorCode(err) != "invalid_scope" {
		t.Errorf("openid with client_credentials: %v", err)
	}
	if _, err := cc(readOnly, "wrong", "orders/read"); oauthErrorCode(err) != "invalid_client" {
		t.Errorf("wrong secret: %v", err)
	}
	// The code-grant client may not use client_credentials.
	if _, err := cc(s.clientID, s.secret); oauthErrorCode(err) != "unauthorized_client" {
		t.Errorf("code client: %v", err)
	}
}

// TestOAuthCodeRedeemedOnce: clients racing to redeem one code get one
// set of tokens between them, on every store.
func TestOAuthCodeRedeemedOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		s := newOAuthSiteOn(t, c)
		ctx := oidc.ClientContext(context.Background(), s.http)
		conf := s.oauthConfig(s.clientID, s.secret)
		code := s.signInCode(s.browser(), conf.AuthCodeURL("s"), "amy", userPassword).Get("code")
		const n = 6
		results := make(chan error, n)
		for range n {
			go func() {
				_, err := conf.Exchange(ctx, code)
				results <- err
			}()
		}
		ok := 0
		for range n {
			err := <-results
			switch {
			case err == nil:
				ok++
			case oauthErrorCode(err) != "invalid_grant":
				t.Errorf("redemption: %v", err)
			}
		}
		if ok > 1 {
			t.Errorf("%d redemptions of one code succeeded", ok)
		}
	})
}
