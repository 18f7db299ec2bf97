package api_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/crewjam/saml"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
)

// TestFederationRefusesPrivateUpstreams: a server that is neither in
// development mode nor configured with federation.allow_private_upstreams
// does not connect to upstream providers on loopback (nor any private
// address): an OIDC issuer there and a SAML MetadataURL there both fail
// the sign-in back to the app, without a code. In development mode the
// same issuer signs in.
func TestFederationRefusesPrivateUpstreams(t *testing.T) {
	down := newOAuthSite(t)
	fake := newFakeOIDC(t)
	fake.set("", "private-1")
	createIdP(t, down.idp, down.poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	var fetched atomic.Int32
	meta := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fetched.Add(1) }))
	t.Cleanup(meta.Close)
	createIdP(t, down.idp, down.poolID, "Saml", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataURL": meta.URL + "/metadata"}, nil)
	supportProviders(t, down, "Fake", "Saml")
	for _, p := range []string{"Fake", "Saml"} {
		q := down.federatedCode(fedBrowser(t), p)
		if q.Get("code") != "" || q.Get("error") == "" || q.Get("state") != "st4te" {
			t.Errorf("%s on loopback: callback %v", p, q)
		}
	}
	if fetched.Load() != 0 {
		t.Errorf("the metadata URL was fetched %d times", fetched.Load())
	}

	dev := newOAuthSiteOn(t, cirrotest.Start(t, cirrotest.WithDevMode()))
	createIdP(t, dev.idp, dev.poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	supportProviders(t, dev, "Fake")
	if q := dev.federatedCode(fedBrowser(t), "Fake"); q.Get("code") == "" {
		t.Errorf("development mode: callback %v", q)
	}
}

// rotate gives the IdP a new signing key and certificate, as an IdP
// rolling its key does (its metadata then names the new certificate).
func (s *samlIdP) rotate(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "test-idp-2"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s.key, s.cert, s.idp.Key, s.idp.Certificate = key, cert, key, cert
}

// TestFederationSAMLMetadataURLCache: a MetadataURL is fetched once and
// kept (sign-ins and the SP metadata page use the cached document) until
// it is six hours old; a response signed with a key the cached document
// does not know makes it fetch the document once more (the IdP rotated
// its key) and then succeeds.
func TestFederationSAMLMetadataURLCache(t *testing.T) {
	clk := clock.NewFake(time.Now())
	down := newOAuthSiteOn(t, cirrotest.Start(t, withPrivateUpstreams, cirrotest.WithClock(clk)))
	up := newSAMLIdP(t)
	var fetched atomic.Int32
	meta := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		io.WriteString(w, up.metadata(t))
	}))
	t.Cleanup(meta.Close)
	createIdP(t, down.idp, down.poolID, "Saml", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataURL": meta.URL},
		map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3"})
	supportProviders(t, down, "Saml")
	b := fedBrowser(t)
	spMetadata := func() {
		t.Helper()
		resp, md := oauthGet(t, b, down.c.URL+"/"+down.poolID+"/saml2/metadata?identity_provider=Saml")
		up.sp = &saml.EntityDescriptor{}
		if err := xml.Unmarshal([]byte(md), up.sp); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("SP metadata %d %v: %s", resp.StatusCode, err, md)
		}
	}
	spMetadata()
	if q := samlSignIn(t, b, down, "Saml"); q.Get("code") == "" {
		t.Fatalf("sign-in %v", q)
	}
	if n := fetched.Load(); n != 1 {
		t.Errorf("fetched %d times for the metadata page and a sign-in, want 1", n)
	}

	clk.Advance(2 * time.Minute)
	up.rotate(t)
	if q := samlSignIn(t, b, down, "Saml"); q.Get("code") == "" {
		t.Fatalf("sign-in after the IdP's key rotation: %v", q)
	}
	samlSignIn(t, b, down, "Saml")
	if n := fetched.Load(); n != 2 {
		t.Errorf("fetched %d times after a rotation, want 2", n)
	}
	clk.Advance(6 * time.Hour)
	spMetadata()
	if n := fetched.Load(); n != 3 {
		t.Errorf("fetched %d times after six hours, want 3", n)
	}
	if !strings.HasPrefix(up.sp.EntityID, "urn:amazon:cognito:sp:") {
		t.Errorf("SP entity %q", up.sp.EntityID)
	}
}
