package api_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/cirrohq/cirro/cirrotest"
)

// fakeSocial is one server playing Facebook, Login with Amazon and Sign in
// with Apple, each answering as the real one does: Facebook's token
// endpoint by GET with the client in the query and its Graph /me
// returning only the fields asked for; Amazon's token endpoint by POST
// and /user/profile; Apple's authorize posting the answer back
// (form_post) with the user field on the first sign-in, a client secret
// that is an ES256 JWT, and an RS256 ID token.
type fakeSocial struct {
	t      *testing.T
	srv    *httptest.Server
	rsaKey *rsa.PrivateKey
	appleK *ecdsa.PrivateKey

	mu     sync.Mutex
	codes  map[string]string // code → nonce
	fields []string          // the last Graph fields asked for
	tokens map[string]bool   // access tokens issued
}

func newFakeSocial(t *testing.T) *fakeSocial {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ak, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f := &fakeSocial{t: t, rsaKey: rk, appleK: ak, codes: map[string]string{}, tokens: map[string]bool{}}
	m := http.NewServeMux()
	// The authorize endpoints of the three answer at once, as for a
	// user already signed in there who has consented.
	m.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code := "code-" + q.Get("state")[:10]
		f.mu.Lock()
		f.codes[code] = q.Get("nonce")
		f.mu.Unlock()
		if q.Get("response_mode") == "form_post" {
			user := `{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"not-the-token@example.com"}`
			fmt.Fprintf(w, `<html><body onload="document.forms[0].submit()"><form method="post" action="%s">`+
				`<input type="hidden" name="code" value="%s"><input type="hidden" name="state" value="%s">`+
				`<input type="hidden" name="user" value="%s"></form></body></html>`,
				html.EscapeString(q.Get("redirect_uri")), code, html.EscapeString(q.Get("state")), html.EscapeString(user))
			return
		}
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	// Facebook: GET /v17.0/oauth/access_token?client_id&client_secret&redirect_uri&code.
	m.HandleFunc("GET /v17.0/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		f.token(w, r.URL.Query(), "fb-id", "fb-secret", false)
	})
	// Graph: /me?fields=a,b with the token as bearer or access_token.
	m.HandleFunc("GET /v17.0/me", func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if tok == "" {
			tok = r.URL.Query().Get("access_token")
		}
		if !f.valid(tok) {
			w.WriteHeader(http.StatusBadRequest)
			writeTestJSON(w, map[string]any{"error": map[string]any{"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
			return
		}
		profile := map[string]any{"id": "10229000000001", "email": "fiona@example.com", "name": "Fiona Book",
			"first_name": "Fiona", "last_name": "Book", "picture": map[string]any{"data": map[string]any{"url": "https://x/p.jpg"}}}
		fields := strings.Split(r.URL.Query().Get("fields"), ",")
		f.mu.Lock()
		f.fields = fields
		f.mu.Unlock()
		out := map[string]any{"id": profile["id"]}
		for _, k := range fields {
			if v, ok := profile[k]; ok {
				out[k] = v
			}
		}
		writeTestJSON(w, out)
	})
	// Login with Amazon: POST /auth/o2/token, GET /user/profile.
	m.HandleFunc("POST /auth/o2/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.token(w, r.PostForm, "amzn-id", "amzn-secret", false)
	})
	m.HandleFunc("GET /user/profile", func(w http.ResponseWriter, r *http.Request) {
		if !f.valid(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) {
			w.WriteHeader(http.StatusUnauthorized)
			writeTestJSON(w, map[string]any{"error": "invalid_token"})
			return
		}
		writeTestJSON(w, map[string]any{"user_id": "amzn1.account.AF2EXAMPLE", "name": "Amelia Zon", "email": "amelia@example.com", "postal_code": "98109"})
	})
	// Apple: POST /auth/token with an ES256 client secret.
	m.HandleFunc("POST /auth/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.token(w, r.PostForm, "com.example.web", "", true)
	})
	m.HandleFunc("GET /auth/keys", func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &rk.PublicKey, KeyID: "apple-1", Algorithm: "RS256", Use: "sig"}}})
	})
	f.srv = httptest.NewServer(m)
	t.Cleanup(f.srv.Close)
	return f
}

// token answers a token request: the client's credentials checked (for
// Apple, the client secret JWT verified with the developer's key).
func (f *fakeSocial) token(w http.ResponseWriter, q url.Values, id, secret string, apple bool) {
	f.mu.Lock()
	nonce, known := f.codes[q.Get("code")]
	delete(f.codes, q.Get("code"))
	f.mu.Unlock()
	ok := known && q.Get("client_id") == id && q.Get("redirect_uri") != "" && q.Get("grant_type") == "authorization_code"
	if apple {
		ok = ok && f.appleSecretValid(q.Get("client_secret"), id)
	} else {
		ok = ok && q.Get("client_secret") == secret
	}
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		writeTestJSON(w, map[string]string{"error": "invalid_grant"})
		return
	}
	at := "at-" + q.Get("code")
	f.mu.Lock()
	f.tokens[at] = true
	f.mu.Unlock()
	out := map[string]any{"access_token": at, "token_type": "bearer", "expires_in": 3600}
	if apple {
		now := time.Now()
		sig, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: f.rsaKey}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "apple-1"))
		out["id_token"], _ = jwt.Signed(sig).Claims(map[string]any{
			"iss": f.srv.URL, "aud": id, "sub": "001234.abcdef.0042", "nonce": nonce, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
			"email": "ada@privaterelay.example", "email_verified": "true", "is_private_email": "true",
		}).Serialize()
	}
	writeTestJSON(w, out)
}

func (f *fakeSocial) valid(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[tok]
}

func (f *fakeSocial) appleSecretValid(raw, clientID string) bool {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil || len(tok.Headers) != 1 || tok.Headers[0].KeyID != "KEY123" {
		return false
	}
	var c jwt.Claims
	if tok.Claims(&f.appleK.PublicKey, &c) != nil {
		return false
	}
	return c.Validate(jwt.Expected{Issuer: "TEAM123", Subject: clientID, AnyAudience: jwt.Audience{f.srv.URL}, Time: time.Now()}) == nil
}

func (f *fakeSocial) applePrivateKey() string {
	der, _ := x509.MarshalPKCS8PrivateKey(f.appleK)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// identity is the single entry of an ID token's identities claim.
func identity(t *testing.T, id map[string]any) map[string]any {
	t.Helper()
	ids, _ := id["identities"].([]any)
	if len(ids) != 1 {
		t.Fatalf("identities claim %v", id["identities"])
	}
	return ids[0].(map[string]any)
}

// TestFederationFacebook: Facebook's flow end to end: the code redeemed
// by GET, the profile read from Graph /me with the mapped fields asked
// for, id the username, the attributes mapped, the identities claim.
func TestFederationFacebook(t *testing.T) {
	down := newFedSite(t)
	f := newFakeSocial(t)
	createIdP(t, down.idp, down.poolID, "Facebook", types.IdentityProviderTypeTypeFacebook, map[string]string{
		"client_id": "fb-id", "client_secret": "fb-secret", "authorize_scopes": "public_profile,email",
		"authorize_url": f.srv.URL + "/authorize", "token_url": f.srv.URL + "/v17.0/oauth/access_token",
		"attributes_url": f.srv.URL + "/v17.0/me?fields=",
	}, map[string]string{"email": "email", "name": "name", "given_name": "first_name"})
	supportProviders(t, down, "Facebook")
	b := fedBrowser(t)
	q := down.federatedCode(b, "Facebook")
	if q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if id["cognito:username"] != "Facebook_10229000000001" || id["email"] != "fiona@example.com" || id["name"] != "Fiona Book" || id["given_name"] != "Fiona" {
		t.Errorf("ID token %v", id)
	}
	if got := identity(t, id); got["userId"] != "10229000000001" || got["providerName"] != "Facebook" || got["providerType"] != "Facebook" || got["issuer"] != nil {
		t.Errorf("identities %v", got)
	}
	f.mu.Lock()
	fields := f.fields
	f.mu.Unlock()
	for _, want := range []string{"id", "email", "name", "first_name"} {
		if !slices.Contains(fields, want) {
			t.Errorf("Graph fields %v lack %s", fields, want)
		}
	}
	status, attrs := adminUser(t, down.idp, down.poolID, "Facebook_10229000000001")
	if status != "EXTERNAL_PROVIDER" || attrs["email"] != "fiona@example.com" {
		t.Errorf("user %s %v", status, attrs)
	}
}

// TestFederationLoginWithAmazon: Login with Amazon end to end: user_id
// the username, the profile's attributes mapped.
func TestFederationLoginWithAmazon(t *testing.T) {
	down := newFedSite(t)
	f := newFakeSocial(t)
	createIdP(t, down.idp, down.poolID, "LoginWithAmazon", types.IdentityProviderTypeTypeLoginWithAmazon, map[string]string{
		"client_id": "amzn-id", "client_secret": "amzn-secret", "authorize_scopes": "profile postal_code",
		"authorize_url": f.srv.URL + "/authorize", "token_url": f.srv.URL + "/auth/o2/token", "attributes_url": f.srv.URL + "/user/profile",
	}, map[string]string{"email": "email", "name": "name", "address": "postal_code"})
	supportProviders(t, down, "LoginWithAmazon")
	b := fedBrowser(t)
	q := down.federatedCode(b, "LoginWithAmazon")
	if q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if id["cognito:username"] != "LoginWithAmazon_amzn1.account.AF2EXAMPLE" || id["email"] != "amelia@example.com" || id["name"] != "Amelia Zon" || id["address"] == nil {
		t.Errorf("ID token %v", id)
	}
	if got := identity(t, id); got["userId"] != "amzn1.account.AF2EXAMPLE" || got["providerType"] != "LoginWithAmazon" || got["issuer"] != nil {
		t.Errorf("identities %v", got)
	}
}

// TestFederationSignInWithApple: Apple answers by form_post; the client
// secret is an ES256 JWT by the developer's key; the ID token gives sub
// and email, and the user field of the first sign-in gives firstName and
// lastName, which map to the pool's attributes.
func TestFederationSignInWithApple(t *testing.T) {
	down := newFedSite(t)
	f := newFakeSocial(t)
	createIdP(t, down.idp, down.poolID, "SignInWithApple", types.IdentityProviderTypeTypeSignInWithApple, map[string]string{
		"client_id": "com.example.web", "team_id": "TEAM123", "key_id": "KEY123", "private_key": f.applePrivateKey(),
		"authorize_scopes": "email name", "authorize_url": f.srv.URL + "/authorize", "token_url": f.srv.URL + "/auth/token",
		"oidc_issuer": f.srv.URL, "jwks_uri": f.srv.URL + "/auth/keys",
	}, map[string]string{"email": "email", "given_name": "firstName", "family_name": "lastName", "name": "name"})
	supportProviders(t, down, "SignInWithApple")
	b := fedBrowser(t)
	resp, page := oauthGet(t, b, down.pathAuthorizeURL("identity_provider", "SignInWithApple"))
	action, form := "", url.Values{}
	for _, m := range samlFormField.FindAllStringSubmatch(page, -1) {
		if m[1] == "form" {
			action = html.UnescapeString(m[2])
		} else {
			form.Set(html.UnescapeString(m[2]), html.UnescapeString(m[3]))
		}
	}
	if resp.StatusCode != http.StatusOK || action != down.c.URL+"/"+down.poolID+"/oauth2/idpresponse" || form.Get("user") == "" {
		t.Fatalf("Apple's form_post page (%d) to %q: %v\n%s", resp.StatusCode, action, form, page)
	}
	resp, err := b.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	q := callbackQuery(t, resp, string(body))
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if id["cognito:username"] != "SignInWithApple_001234.abcdef.0042" || id["email"] != "ada@privaterelay.example" ||
		id["given_name"] != "Ada" || id["family_name"] != "Lovelace" || id["name"] != "Ada Lovelace" {
		t.Errorf("ID token %v", id)
	}
	if got := identity(t, id); got["providerType"] != "SignInWithApple" || got["userId"] != "001234.abcdef.0042" {
		t.Errorf("identities %v", got)
	}
	// The user field (not signed) names another email: the signed ID
	// token's is the one kept.
	var u map[string]any
	json.Unmarshal([]byte(form.Get("user")), &u)
	if u["email"] != "not-the-token@example.com" {
		t.Errorf("the fake's user field: %v", u)
	}
}
