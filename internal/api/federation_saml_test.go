package api_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/cirrohq/cirro/cirrotest"
)

// samlIdP is a crewjam/saml identity provider that signs in one fixed
// user, for a pool's SAML service provider.
type samlIdP struct {
	idp  *saml.IdentityProvider
	srv  *httptest.Server
	sp   *saml.EntityDescriptor
	key  *rsa.PrivateKey
	cert *x509.Certificate
	// slo receives what comes to the IdP's SingleLogoutService.
	slo chan *http.Request
}

func newSAMLIdP(t *testing.T) *samlIdP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s := &samlIdP{key: key, cert: cert, slo: make(chan *http.Request, 4)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slo" {
			s.slo <- r.Clone(context.Background())
			io.WriteString(w, "signed out at the IdP")
			return
		}
		s.idp.ServeSSO(w, r)
	}))
	t.Cleanup(s.srv.Close)
	base, _ := url.Parse(s.srv.URL)
	s.idp = &saml.IdentityProvider{
		Key: key, Certificate: cert, Logger: logger.DefaultLogger,
		MetadataURL: *base.JoinPath("metadata"), SSOURL: *base.JoinPath("sso"), LogoutURL: *base.JoinPath("slo"),
		SignatureMethod: dsig.RSASHA256SignatureMethod, SessionProvider: s, ServiceProviderProvider: s,
	}
	return s
}

func (s *samlIdP) metadata(t *testing.T) string {
	b, err := xml.Marshal(s.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (s *samlIdP) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	if s.sp == nil || id != s.sp.EntityID {
		return nil, os.ErrNotExist
	}
	return s.sp, nil
}

func (s *samlIdP) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{ID: "s1", Index: "i1", NameID: "alice@example.com", NameIDFormat: string(saml.EmailAddressNameIDFormat),
		UserEmail: "alice@example.com", UserGivenName: "Alice"}
}

var samlFormField = regexp.MustCompile(`<(form|input)[^>]*?(?:action|name)="([^"]*)"(?:[^>]*?value="([^"]*)")?`)

// TestFederationSAMLPost: SP-initiated sign-in through a SAML provider
// (crewjam/saml's IdP): the redirect binding to the IdP, its POST back to
// /saml2/idpresponse, and the code for the user Saml_<NameID> with the
// mapped attributes and the IdP's entity id as issuer.
func TestFederationSAMLPost(t *testing.T) {
	down := newFedSite(t)
	up := newSAMLIdP(t)
	createIdP(t, down.idp, down.poolID, "Saml", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataFile": up.metadata(t)},
		map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3", "given_name": "urn:oid:2.5.4.42"})
	supportProviders(t, down, "Saml")
	b := fedBrowser(t)
	resp, md := oauthGet(t, b, down.c.URL+"/"+down.poolID+"/saml2/metadata?identity_provider=Saml")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("SP metadata: %d %s", resp.StatusCode, md)
	}
	up.sp = &saml.EntityDescriptor{}
	if err := xml.Unmarshal([]byte(md), up.sp); err != nil || up.sp.EntityID != "urn:amazon:cognito:sp:"+down.poolID {
		t.Fatalf("SP metadata %v: %s", err, md)
	}

	resp, page := oauthGet(t, b, down.pathAuthorizeURL("identity_provider", "Saml"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("IdP answered %d at %s: %s", resp.StatusCode, resp.Request.URL, page)
	}
	action, form := "", url.Values{}
	for _, m := range samlFormField.FindAllStringSubmatch(page, -1) {
		if m[1] == "form" {
			action = html.UnescapeString(m[2])
		} else {
			form.Set(html.UnescapeString(m[2]), html.UnescapeString(m[3]))
		}
	}
	if action != down.c.URL+"/"+down.poolID+"/saml2/idpresponse" || form.Get("SAMLResponse") == "" {
		t.Fatalf("IdP form to %q: %v", action, form)
	}
	resp, err := b.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	q := callbackQuery(t, resp, string(body))
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	ids, _ := id["identities"].([]any)
	if id["cognito:username"] != "Saml_alice@example.com" || id["email"] != "alice@example.com" || id["given_name"] != "Alice" ||
		len(ids) != 1 || ids[0].(map[string]any)["providerType"] != "SAML" || ids[0].(map[string]any)["issuer"] != up.idp.MetadataURL.String() {
		t.Errorf("ID token %v", id)
	}
	// The same response again: its sign-in is spent.
	resp, err = b.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("replayed response: %d", resp.StatusCode)
	}
}
