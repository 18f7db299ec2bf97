package api_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
)

// newFedSite is newOAuthSite on a server that may reach upstream
// providers on private addresses (federation.allow_private_upstreams):
// the tests' upstreams listen on loopback, which cirro otherwise refuses
// to connect to (TestFederationRefusesPrivateUpstreams).
func newFedSite(t *testing.T, clientOpts ...func(*cip.CreateUserPoolClientInput)) *oauthSite {
	t.Helper()
	return newOAuthSiteOn(t, cirrotest.Start(t, withPrivateUpstreams), clientOpts...)
}

var withPrivateUpstreams = cirrotest.WithConfig(func(c *config.Config) { c.Federation.AllowPrivateUpstreams = true })

// fedBrowser is a browser for tests with several servers on loopback: any
// host name (acme.auth.us-east-1.localhost included) is dialled on
// 127.0.0.1 at the port of the URL, and it stops at the app's callback.
func fedBrowser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		var d net.Dialer
		return d.DialContext(ctx, network, "127.0.0.1:"+port)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://localhost:8080/") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// fakeOIDC is a minimal OpenID Provider that signs real RS256 ID tokens
// with a JWKS, and can be told to misbehave: sign for another audience,
// answer with another nonce, or tamper with the token after signing.
type fakeOIDC struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string
	secret   string

	mu     sync.Mutex
	mode   string // "", "audience", "nonce", "tamper", "deny"
	sub    string
	email  string
	nonces map[string]string // code → nonce
	// authBasic records how the client authenticated at the token endpoint.
	authBasic bool
}

func newFakeOIDC(t *testing.T) *fakeOIDC {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeOIDC{t: t, key: key, clientID: "fake-client", secret: "fake-secret", sub: "fake-user-1", email: "fay@example.com", nonces: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, map[string]any{
			"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/authorize", "token_endpoint": f.srv.URL + "/token",
			"jwks_uri": f.srv.URL + "/jwks", "userinfo_endpoint": f.srv.URL + "/userinfo",
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back, _ := url.Parse(q.Get("redirect_uri"))
		bq := back.Query()
		f.mu.Lock()
		mode := f.mode
		code := "code-" + q.Get("state")[:8]
		f.nonces[code] = q.Get("nonce")
		f.mu.Unlock()
		if q.Get("client_id") != f.clientID || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if mode == "deny" {
			bq.Set("error", "access_denied")
			bq.Set("error_description", "The user said no")
		} else {
			bq.Set("code", code)
		}
		bq.Set("state", q.Get("state"))
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		id, secret, basic := r.BasicAuth()
		if !basic {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		f.mu.Lock()
		f.authBasic = basic
		nonce, ok := f.nonces[r.PostForm.Get("code")]
		mode, sub, email := f.mode, f.sub, f.email
		f.mu.Unlock()
		if !ok || id != f.clientID || secret != f.secret || r.PostForm.Get("code_verifier") == "" {
			w.WriteHeader(http.StatusBadRequest)
			writeTestJSON(w, map[string]string{"error": "invalid_grant"})
			return
		}
		aud := f.clientID
		switch mode {
		case "audience":
			aud = "someone-else"
		case "nonce":
			nonce = "not-the-nonce"
		}
		now := time.Now()
		tok := f.sign(map[string]any{
			"iss": f.srv.URL, "sub": sub, "aud": aud, "nonce": nonce, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
			"email": email, "email_verified": true, "name": "Fay Upstream",
		})
		if mode == "tamper" {
			parts := strings.Split(tok, ".")
			claims := map[string]any{}
			raw, _ := base64URL.DecodeString(parts[1])
			json.Unmarshal(raw, &claims)
			claims["email"] = "mallory@example.com"
			b, _ := json.Marshal(claims)
			parts[1] = base64URL.EncodeToString(b)
			tok = strings.Join(parts, ".")
		}
		writeTestJSON(w, map[string]any{"access_token": "at-" + sub, "token_type": "Bearer", "expires_in": 3600, "id_token": tok})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		sub := f.sub
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer at-"+sub {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		writeTestJSON(w, map[string]any{"sub": sub, "locale": "en-GB"})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOIDC) set(mode, sub string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode, f.sub = mode, sub
}

func (f *fakeOIDC) sign(claims map[string]any) string {
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: f.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		f.t.Fatal(err)
	}
	tok, err := jwt.Signed(sig).Claims(claims).Serialize()
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// details are the ProviderDetails of an OIDC provider for this fake.
func (f *fakeOIDC) details() map[string]string {
	return map[string]string{
		"client_id": f.clientID, "client_secret": f.secret, "authorize_scopes": "openid email profile",
		"attributes_request_method": "GET", "oidc_issuer": f.srv.URL,
	}
}

var base64URL = base64.RawURLEncoding

func writeTestJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// createIdP registers a provider.
func createIdP(t *testing.T, idp *cip.Client, poolID, name string, typ types.IdentityProviderTypeType, details, mapping map[string]string) {
	t.Helper()
	_, err := idp.CreateIdentityProvider(context.Background(), &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: &name, ProviderType: typ, ProviderDetails: details, AttributeMapping: mapping,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// supportProviders makes an app client list providers beside COGNITO.
func supportProviders(t *testing.T, s *oauthSite, names ...string) {
	t.Helper()
	setProviders(t, s, append([]string{"COGNITO"}, names...)...)
}

// setProviders sets an app client's SupportedIdentityProviders.
func setProviders(t *testing.T, s *oauthSite, names ...string) {
	t.Helper()
	ctx := context.Background()
	d, err := s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &s.poolID, ClientId: &s.clientID})
	if err != nil {
		t.Fatal(err)
	}
	c := d.UserPoolClient
	_, err = s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: &s.poolID, ClientId: &s.clientID, AllowedOAuthFlowsUserPoolClient: aws.ToBool(c.AllowedOAuthFlowsUserPoolClient),
		AllowedOAuthFlows: c.AllowedOAuthFlows, AllowedOAuthScopes: c.AllowedOAuthScopes, CallbackURLs: c.CallbackURLs,
		LogoutURLs: c.LogoutURLs, SupportedIdentityProviders: names,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// federatedCode runs the browser half of a federated sign-in that needs no
// upstream page (the fake answers at once) and returns the callback query.
func (s *oauthSite) federatedCode(b *http.Client, provider string) url.Values {
	s.t.Helper()
	resp, page := oauthGet(s.t, b, s.pathAuthorizeURL("identity_provider", provider))
	return callbackQuery(s.t, resp, page)
}

// pathAuthorizeURL is authorizeURL in the path form of the domain
// (/<poolId>/oauth2/authorize on cirro's own host), whose idpresponse an
// upstream can register: http is allowed for loopback addresses only.
func (s *oauthSite) pathAuthorizeURL(params ...string) string {
	return strings.Replace(s.authorizeURL(params...), s.origin, s.c.URL+"/"+s.poolID, 1)
}

// redeem exchanges a code at the domain's token endpoint.
func (s *oauthSite) redeem(b *http.Client, code string) map[string]any {
	s.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {oauthCallback}}
	req, _ := http.NewRequest(http.MethodPost, s.c.URL+"/"+s.poolID+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.clientID, s.secret)
	resp, err := b.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("token endpoint: %d %v", resp.StatusCode, out)
	}
	return out
}

// adminUser reads a user's status and attributes.
func adminUser(t *testing.T, idp *cip.Client, poolID, name string) (string, map[string]string) {
	t.Helper()
	out, err := idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String(name)})
	if err != nil {
		t.Fatalf("AdminGetUser %s: %v", name, err)
	}
	attrs := map[string]string{}
	for _, a := range out.UserAttributes {
		attrs[*a.Name] = *a.Value
	}
	return string(out.UserStatus), attrs
}

// isCode reports whether err is the Cognito error code.
func isCode(err error, code errs.Code) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == string(code)
}
