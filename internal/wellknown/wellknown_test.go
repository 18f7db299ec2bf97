package wellknown_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/wellknown"
)

// site is cirro's well-known endpoints on a real HTTP server, with a pool
// and a client, and a token service issuing for them.
type site struct {
	t      *testing.T
	ctx    context.Context
	srv    *httptest.Server
	clk    *clock.Fake
	tokens *token.Service
	poolID string
	client *cognitoidp.UserPoolClientType
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewUnstartedServer(nil)
	publicURL := "http://" + srv.Listener.Addr().String()
	clk := clock.NewFake(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	keys := secrets.Random()
	pools := &pool.Service{Store: st, Clock: clk, Keys: keys, Region: "us-east-1", AccountID: "123456789012", PublicURL: publicURL, BaseDomain: "localhost"}
	users := token.UsersFunc(func(context.Context, store.Tx, string, string) (time.Time, bool, error) {
		return time.Time{}, true, nil
	})
	tokens, err := token.New(token.Config{Store: st, Clock: clk, Keys: keys, PublicURL: publicURL, Directory: pools, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = wellknown.New(tokens)
	srv.Start()
	t.Cleanup(srv.Close)

	name, app := "pool", "app"
	p, err := pools.CreateUserPool(ctx, &cognitoidp.CreateUserPoolRequest{PoolName: &name})
	if err != nil {
		t.Fatal(err)
	}
	c, err := pools.CreateUserPoolClient(ctx, &cognitoidp.CreateUserPoolClientRequest{UserPoolId: p.UserPool.Id, ClientName: &app})
	if err != nil {
		t.Fatal(err)
	}
	return &site{t: t, ctx: ctx, srv: srv, clk: clk, tokens: tokens, poolID: *p.UserPool.Id, client: c.UserPoolClient}
}

func (s *site) issuer() string { return s.srv.URL + "/" + s.poolID }

func (s *site) signIn() *token.Tokens {
	s.t.Helper()
	toks, err := s.tokens.IssueTokens(s.ctx, token.IssueRequest{
		PoolID: s.poolID, Client: s.client,
		User: token.Subject{Sub: "8f0b7a52-3c1d-4e8a-9b7e-2a6c5d4e3f21", Username: "jane",
			Attributes: map[string]string{"email": "jane@example.com", "email_verified": "true"}},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return toks
}

func (s *site) get(path string, header ...string) (*http.Response, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestOIDCVerifiesTokens: an independent OIDC library, starting from the
// issuer alone, discovers the JWKS and verifies both tokens.
func TestOIDCVerifiesTokens(t *testing.T) {
	s := newSite(t)
	toks := s.signIn()
	provider, err := oidc.NewProvider(s.ctx, s.issuer())
	if err != nil {
		t.Fatal(err)
	}
	idToken, err := provider.Verifier(&oidc.Config{ClientID: *s.client.ClientId, Now: s.clk.Now}).Verify(s.ctx, toks.IDToken)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Username      string `json:"cognito:username"`
		TokenUse      string `json:"token_use"`
	}
	if err := idToken.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idToken.Subject != "8f0b7a52-3c1d-4e8a-9b7e-2a6c5d4e3f21" || claims.Email != "jane@example.com" || !claims.EmailVerified || claims.Username != "jane" || claims.TokenUse != "id" {
		t.Errorf("ID token claims %+v", claims)
	}
	access, err := provider.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: s.clk.Now}).Verify(s.ctx, toks.AccessToken)
	if err != nil {
		t.Fatalf("access token: %v", err)
	}
	if access.Issuer != s.issuer() {
		t.Errorf("access token iss %s", access.Issuer)
	}
	// The ID-token verifier of the client refuses the access token (no aud).
	if _, err := provider.Verifier(&oidc.Config{ClientID: *s.client.ClientId, Now: s.clk.Now}).Verify(s.ctx, toks.AccessToken); err == nil {
		t.Error("access token accepted as an ID token")
	}
	// After expiry, the library refuses too.
	s.clk.Advance(time.Hour + time.Second)
	if _, err := provider.Verifier(&oidc.Config{ClientID: *s.client.ClientId, Now: s.clk.Now}).Verify(s.ctx, toks.IDToken); err == nil {
		t.Error("expired ID token accepted")
	}
}

// TestJoseVerifiesAgainstJWKS: go-jose alone, with the published JWKS,
// verifies each token with the key its kid names — different keys for
// ID and access tokens.
func TestJoseVerifiesAgainstJWKS(t *testing.T) {
	s := newSite(t)
	toks := s.signIn()
	resp, body := s.get("/" + s.poolID + "/.well-known/jwks.json")
	if resp.StatusCode != 200 {
		t.Fatalf("jwks: %d %s", resp.StatusCode, body)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("%d keys, want an ID and an access key", len(set.Keys))
	}
	used := map[string]bool{}
	for _, tok := range []string{toks.IDToken, toks.AccessToken} {
		jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		kid := jws.Signatures[0].Header.KeyID
		keys := set.Key(kid)
		if len(keys) != 1 || keys[0].Algorithm != "RS256" || keys[0].Use != "sig" {
			t.Fatalf("kid %s: %+v", kid, keys)
		}
		if _, err := jws.Verify(keys[0].Key); err != nil {
			t.Fatalf("signature: %v", err)
		}
		used[kid] = true
	}
	if len(used) != 2 {
		t.Error("ID and access tokens signed with the same key")
	}
	// Raw member names as Cognito publishes them.
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	json.Unmarshal(body, &raw)
	for _, k := range raw.Keys {
		for _, m := range []string{"alg", "e", "kid", "kty", "n", "use"} {
			if _, ok := k[m]; !ok {
				t.Errorf("JWK without %s: %v", m, k)
			}
		}
		if len(k) != 6 {
			t.Errorf("JWK has members beyond Cognito's: %v", k)
		}
	}
}

// TestRotationSeenByOIDC: after a rotation the published set grows at
// once; a verifier that fetched the JWKS before the new key signed still
// verifies tokens it signs, by refetching on the unknown kid.
func TestRotationSeenByOIDC(t *testing.T) {
	s := newSite(t)
	before := s.signIn()
	provider, err := oidc.NewProvider(s.ctx, s.issuer())
	if err != nil {
		t.Fatal(err)
	}
	verifier := provider.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: s.clk.Now})
	if _, err := verifier.Verify(s.ctx, before.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := s.tokens.Rotate(s.ctx, s.poolID); err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	_, body := s.get("/" + s.poolID + "/.well-known/jwks.json")
	json.Unmarshal(body, &set)
	if len(set.Keys) != 4 {
		t.Fatalf("JWKS after rotation has %d keys, want 4", len(set.Keys))
	}
	s.clk.Advance(token.DefaultPublishDelay)
	after := s.signIn()
	if kid(t, after.AccessToken) == kid(t, before.AccessToken) {
		t.Fatal("the rotated key does not sign after the publish delay")
	}
	if _, err := verifier.Verify(s.ctx, after.AccessToken); err != nil {
		t.Fatalf("token of the rotated key: %v", err)
	}
}

func kid(t *testing.T, tok string) string {
	t.Helper()
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	return jws.Signatures[0].Header.KeyID
}

func TestDiscoveryDocument(t *testing.T) {
	s := newSite(t)
	resp, body := s.get("/" + s.poolID + "/.well-known/openid-configuration")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	iss := s.issuer()
	want := map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"authorization_endpoint":                iss + "/oauth2/authorize",
		"token_endpoint":                        iss + "/oauth2/token",
		"userinfo_endpoint":                     iss + "/oauth2/userInfo",
		"revocation_endpoint":                   iss + "/oauth2/revoke",
		"end_session_endpoint":                  iss + "/logout",
		"id_token_signing_alg_values_supported": []any{"RS256"},
		"response_types_supported":              []any{"code", "token"},
		"scopes_supported":                      []any{"openid", "email", "phone", "profile"},
		"subject_types_supported":               []any{"public"},
		"token_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post"},
	}
	got, _ := json.Marshal(doc)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("discovery document\n got %s\nwant %s", got, exp)
	}
	// The issuer is the tokens' iss, to the byte.
	toks := s.signIn()
	jws, _ := jose.ParseSignedCompact(toks.IDToken, []jose.SignatureAlgorithm{jose.RS256})
	var c struct{ Iss string }
	json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c)
	if c.Iss != doc["issuer"] {
		t.Errorf("token iss %q, discovery issuer %q", c.Iss, doc["issuer"])
	}
}

func TestWellKnownHTTP(t *testing.T) {
	s := newSite(t)
	path := "/" + s.poolID + "/.well-known/jwks.json"
	resp, _ := s.get(path)
	etag, cc := resp.Header.Get("ETag"), resp.Header.Get("Cache-Control")
	if etag == "" || cc != "public, max-age=900" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers: ETag %q, Cache-Control %q, CORS %q", etag, cc, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	if resp, body := s.get(path, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d %q", resp.StatusCode, body)
	}
	for _, p := range []string{
		"/us-east-1_unknown1/.well-known/jwks.json",
		"/us-east-1_unknown1/.well-known/openid-configuration",
		"/not-a-pool/.well-known/jwks.json",
	} {
		resp, body := s.get(p)
		var msg struct{ Message string }
		json.Unmarshal(body, &msg)
		id := strings.Split(p, "/")[1]
		if resp.StatusCode != 404 || msg.Message != "User pool "+id+" does not exist." {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
	post, err := http.Post(s.srv.URL+path, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", post.StatusCode)
	}
}
