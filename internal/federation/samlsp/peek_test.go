package samlsp

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crewjam/saml"
)

// TestPeekIssuer: the Issuer of a logout message is read from either
// binding before anything is verified, and a message without one, or not
// XML, is refused.
func TestPeekIssuer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.IDPSignout = true })
	lr := &saml.LogoutRequest{ID: newID(), Version: "2.0", IssueInstant: time.Now().UTC(), Destination: w.sp.cfg.LogoutURL,
		Issuer: &saml.Issuer{Value: "https://idp.example/meta"}, NameID: &saml.NameID{Value: "alice@example.com"}}
	idpSide := &SP{cfg: Config{Key: idpKey, Cert: idpCert}}
	u, err := idpSide.redirectURLSigned(w.sp.cfg.LogoutURL, "SAMLRequest", lr.Element(), "rs", true)
	if err != nil {
		t.Fatal(err)
	}
	if iss, err := PeekIssuer(httptest.NewRequest(http.MethodGet, u.String(), nil), "SAMLRequest"); err != nil || iss != "https://idp.example/meta" {
		t.Errorf("redirect: %q %v", iss, err)
	}
	if iss, err := PeekIssuer(postMessage(t, w.sp.cfg.LogoutURL, "SAMLRequest", lr.Element(), ""), "SAMLRequest"); err != nil || iss != "https://idp.example/meta" {
		t.Errorf("POST: %q %v", iss, err)
	}
	lr.Issuer = nil
	if _, err := PeekIssuer(postMessage(t, w.sp.cfg.LogoutURL, "SAMLRequest", lr.Element(), ""), "SAMLRequest"); !isReason(err, ReasonIssuer) {
		t.Errorf("no issuer: %v", err)
	}
	if _, err := PeekIssuer(reqWithBody(w.sp.cfg.LogoutURL, []byte("SAMLRequest=bm90IHhtbA%3D%3D")), "SAMLRequest"); err == nil {
		t.Error("not XML: accepted")
	}
}
