package identitypool

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// fakeIssuer is an OpenID Connect provider on TLS, as providers are.
type fakeIssuer struct {
	srv    *httptest.Server
	signer jose.Signer
}

func newFakeIssuer(t *testing.T) *fakeIssuer {
	t.Helper()
	f := &fakeIssuer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": f.srv.URL, "jwks_uri": f.srv.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &testKey().PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	f.srv = httptest.NewTLSServer(mux)
	t.Cleanup(f.srv.Close)
	var err error
	f.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: testKey(), KeyID: "k1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fakeIssuer) host() string { return strings.TrimPrefix(f.srv.URL, "https://") }

func (f *fakeIssuer) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(claims)
	obj, err := f.signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// OpenID Connect providers named by ARN are found through their
// discovery documents; their ID tokens' sub is the user.
func TestOIDCProviderLogins(t *testing.T) {
	iss := newFakeIssuer(t)
	h := newHarness(t, withHTTPClient(iss.srv.Client()))
	ctx := context.Background()
	poolID := h.pool(t, func(in *cognitoidentity.CreateIdentityPoolInput) {
		in.OpenIdConnectProviderARNs = []string{"arn:aws:iam::000000000000:oidc-provider/" + iss.host()}
	})
	now := h.clock.Now()
	claims := func(sub string, exp time.Time) map[string]any {
		return map[string]any{"iss": iss.srv.URL, "sub": sub, "aud": "any-client", "iat": now.Unix(), "exp": exp.Unix(), "team": "blue"}
	}
	getID := func(tok string) (string, error) {
		out, err := h.s.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: &poolID, Logins: map[string]string{iss.host(): tok}})
		if err != nil {
			return "", err
		}
		return *out.IdentityId, nil
	}
	id, err := getID(iss.token(t, claims("u1", now.Add(time.Hour))))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := getID(iss.token(t, claims("u1", now.Add(time.Hour)))); err != nil || again != id {
		t.Fatalf("same user: %s %v, want %s", again, err, id)
	}
	_, err = getID(iss.token(t, claims("u1", now.Add(-time.Minute))))
	if e, ok := errs.As(err); !ok || e.Code != errs.NotAuthorizedException || !strings.HasPrefix(e.Message, "Invalid login token. Token expired: ") {
		t.Fatalf("expired: %v", err)
	}
	wrongIss := claims("u1", now.Add(time.Hour))
	wrongIss["iss"] = "https://elsewhere.example"
	_, err = getID(iss.token(t, wrongIss))
	if e, ok := errs.As(err); !ok || e.Message != msgIssuerMismatch {
		t.Fatalf("issuer: %v", err)
	}
	forged := iss.token(t, claims("u1", now.Add(time.Hour)))
	_, err = getID(forged[:len(forged)-4] + "AAAA")
	wantCode(t, err, errs.NotAuthorizedException)
}

// Google's tokens must be for the app id the pool lists.
func TestSocialOIDCProviderAudience(t *testing.T) {
	iss := newFakeIssuer(t)
	saved := socialProviders["accounts.google.com"]
	socialProviders["accounts.google.com"] = iss.srv.URL
	t.Cleanup(func() { socialProviders["accounts.google.com"] = saved })
	h := newHarness(t, withHTTPClient(iss.srv.Client()))
	ctx := context.Background()
	poolID := h.pool(t, func(in *cognitoidentity.CreateIdentityPoolInput) {
		in.SupportedLoginProviders = map[string]string{"accounts.google.com": "app-1.apps.googleusercontent.com", "graph.facebook.com": "123"}
	})
	now := h.clock.Now()
	tok := func(aud string) string {
		return iss.token(t, map[string]any{"iss": iss.srv.URL, "sub": "g1", "aud": aud, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	}
	get := func(key, tok string) error {
		_, err := h.s.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: &poolID, Logins: map[string]string{key: tok}})
		return err
	}
	if err := get("accounts.google.com", tok("app-1.apps.googleusercontent.com")); err != nil {
		t.Fatal(err)
	}
	err := get("accounts.google.com", tok("another-app"))
	if e, ok := errs.As(err); !ok || e.Message != msgUnsupportedProvider {
		t.Fatalf("foreign audience: %v", err)
	}
	err = get("graph.facebook.com", "EAAB-access-token")
	if e, ok := errs.As(err); !ok || e.Code != errs.NotAuthorizedException || !strings.Contains(e.Message, "graph.facebook.com") {
		t.Fatalf("Facebook: %v", err)
	}
}

// An unreachable provider is an external service failure, not the
// caller's mistake.
func TestOIDCProviderUnreachable(t *testing.T) {
	iss := newFakeIssuer(t)
	host := iss.host()
	iss.srv.Close()
	h := newHarness(t)
	poolID := h.pool(t, func(in *cognitoidentity.CreateIdentityPoolInput) {
		in.OpenIdConnectProviderARNs = []string{"arn:aws:iam::000000000000:oidc-provider/" + host}
	})
	_, err := h.s.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolId: &poolID, Logins: map[string]string{host: "a.b.c"}})
	wantCode(t, err, errs.ExternalServiceException)
}
