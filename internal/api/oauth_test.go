package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestOAuthCodeFlowWithOIDC: an unmodified relying party (golang.org/x/oauth2
// and coreos/go-oidc) starting from the issuer alone discovers the
// endpoints, runs the code flow with PKCE through the sign-in page,
// verifies the ID token (signature, audience, nonce, at_hash), reads
// userInfo, refreshes, and revokes.
func TestOAuthCodeFlowWithOIDC(t *testing.T) {
	s := newOAuthSite(t)
	ctx := oidc.ClientContext(context.Background(), s.http)
	provider, err := oidc.NewProvider(ctx, s.c.URL+"/"+s.poolID)
	if err != nil {
		t.Fatal(err)
	}
	if got := provider.Endpoint().AuthURL; got != s.origin+"/oauth2/authorize" {
		t.Errorf("discovery names the authorize endpoint %s, want the pool's domain", got)
	}
	conf := oauth2.Config{
		ClientID: s.clientID, ClientSecret: s.secret, Endpoint: provider.Endpoint(),
		RedirectURL: oauthCallback, Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
	verifier, nonce := oauth2.GenerateVerifier(), "n-0S6_WzA2Mj"
	authURL := conf.AuthCodeURL("xyz", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	q := s.signInCode(s.http, authURL, "amy", userPassword)
	if q.Get("state") != "xyz" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Errorf("token response: %+v", tok)
	}
	idv := provider.Verifier(&oidc.Config{ClientID: s.clientID})
	raw, _ := tok.Extra("id_token").(string)
	id, err := idv.Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if id.Nonce != nonce {
		t.Errorf("nonce %q", id.Nonce)
	}
	if err := id.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var claims struct {
		Email    string `json:"email"`
		Username string `json:"cognito:username"`
	}
	id.Claims(&claims)
	if claims.Email != "amy@example.com" || claims.Username != "amy" {
		t.Errorf("ID token claims %+v", claims)
	}
	access := cirrotest.Claims(t, tok.AccessToken)
	if access["scope"] != "openid email profile" || access["version"] != 2.0 || access["client_id"] != s.clientID {
		t.Errorf("access token claims %v", access)
	}

	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]any
	info.Claims(&all)
	if info.Subject != id.Subject || info.Email != "amy@example.com" || !info.EmailVerified || all["username"] != "amy" || all["name"] != "Amy Pond" {
		t.Errorf("userInfo %+v %v", info, all)
	}

	refreshed, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.AccessToken == tok.AccessToken {
		t.Error("refresh returned the same access token")
	}
	if _, err := idv.Verify(ctx, refreshed.Extra("id_token").(string)); err != nil {
		t.Errorf("refreshed ID token: %v", err)
	}

	resp := s.revoke(s.clientID, s.secret, tok.RefreshToken)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if code := oauthErrorCode(err); code != "invalid_grant" {
		t.Errorf("refresh after revoke: %v", err)
	}
	if _, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(refreshed)); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("userInfo with a revoked session's token: %v", err)
	}
}

// TestOAuthSingleSignOnAndLogout: the domain's session signs the browser
// in to the next authorization without a password, until /logout.
func TestOAuthSingleSignOnAndLogout(t *testing.T) {
	s := newOAuthSite(t)
	s.signInCode(s.http, s.authorizeURL(), "amy", userPassword)
	resp, page := oauthGet(t, s.http, s.authorizeURL("state", "again"))
	if q := callbackQuery(t, resp, page); q.Get("code") == "" || q.Get("state") != "again" {
		t.Fatalf("second authorization: %v", q)
	}
	// … for every app client of the pool.
	otherID, _ := appClient(t, s.idp, s.poolID, withSecret, codeGrantClient)
	resp, page = oauthGet(t, s.http, s.authorizeURL("client_id", otherID))
	if q := callbackQuery(t, resp, page); q.Get("code") == "" {
		t.Fatalf("another client of the pool: %v", q)
	}
	var session *http.Cookie
	for _, c := range s.http.Jar.Cookies(mustURL(s.origin)) {
		if c.Name == "cirro-session" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	resp, _ = oauthGet(t, s.http, s.origin+"/logout?"+url.Values{"client_id": {s.clientID}, "logout_uri": {oauthLogout}}.Encode())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != oauthLogout {
		t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page = oauthGet(t, s.http, s.authorizeURL())
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Fatalf("after logout the sign-in page is due: %d", resp.StatusCode)
	}
	// prompt=none without a session: login_required, to the app.
	fresh := s.browser()
	resp, page = oauthGet(t, fresh, s.authorizeURL("prompt", "none"))
	if q := callbackQuery(t, resp, page); q.Get("error") != "login_required" {
		t.Errorf("prompt=none: %v", q)
	}
}

// TestOAuthImplicitAndPathForm: the implicit grant puts the tokens in the
// fragment; the path forms of the domain serve clients that cannot set a
// host name.
func TestOAuthImplicitAndPathForm(t *testing.T) {
	s := newOAuthSite(t)
	b := s.browser()
	for _, base := range []string{s.c.URL + "/domain/" + oauthDomain, s.c.URL + "/" + s.poolID} {
		u := strings.Replace(s.authorizeURL("response_type", "token", "nonce", "abc"), s.origin, base, 1)
		resp, page := oauthGet(t, b, u)
		if resp.StatusCode == http.StatusOK {
			resp, page = oauthSubmit(t, b, resp.Request.URL.String(), page, false, "username", "amy", "password", userPassword)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc.RawQuery != "" {
			t.Fatalf("%s: %d %s\n%s", base, resp.StatusCode, loc, page)
		}
		frag, _ := url.ParseQuery(loc.Fragment)
		if frag.Get("access_token") == "" || frag.Get("id_token") == "" || frag.Get("state") != "st4te" || frag.Get("token_type") != "Bearer" {
			t.Errorf("%s: fragment %v", base, frag)
		}
		if c := cirrotest.Claims(t, frag.Get("id_token")); c["nonce"] != "abc" {
			t.Errorf("implicit ID token nonce %v", c["nonce"])
		}
	}
	// The domain's own discovery document is the issuer's, byte for byte.
	_, fromDomain := oauthGet(t, b, s.origin+"/.well-known/openid-configuration")
	_, fromIssuer := oauthGet(t, b, s.c.URL+"/"+s.poolID+"/.well-known/openid-configuration")
	if fromDomain != fromIssuer || !strings.Contains(fromDomain, `"issuer":"`+s.c.URL+"/"+s.poolID+`"`) {
		t.Errorf("domain discovery document\n%s\nissuer's\n%s", fromDomain, fromIssuer)
	}
}

// revoke posts to the revocation endpoint with HTTP Basic.
func (s *oauthSite) revoke(clientID, secret, tok string) *http.Response {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.origin+"/oauth2/revoke", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err := s.http.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func oauthErrorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
