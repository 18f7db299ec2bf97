package samlsp

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// checkRedirect verifies a redirect-binding URL's query signature with cert
// and returns the inflated message.
func checkRedirect(t *testing.T, u *url.URL, param string, cert *x509.Certificate) []byte {
	t.Helper()
	raw := u.RawQuery
	i := strings.Index(raw, "&Signature=")
	if i < 0 {
		t.Fatalf("unsigned redirect %s", u)
	}
	q := u.Query()
	if q.Get("SigAlg") != dsig.RSASHA256SignatureMethod {
		t.Fatalf("SigAlg %q", q.Get("SigAlg"))
	}
	sig, _ := base64.StdEncoding.DecodeString(q.Get("Signature"))
	h := sha256.Sum256([]byte(raw[:i]))
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
		t.Fatalf("query signature: %v", err)
	}
	z, _ := base64.StdEncoding.DecodeString(q.Get(param))
	msg, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestSignedRedirectRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.RequestSigningAlgorithm = SigningRSASHA256 })
	relay := "state=a b&c/d+é"
	id, u, err := w.sp.StartRedirect(relay)
	if err != nil {
		t.Fatal(err)
	}
	if u.Query().Get("RelayState") != relay {
		t.Errorf("RelayState %q", u.Query().Get("RelayState"))
	}
	var req saml.AuthnRequest
	if err := xml.Unmarshal(checkRedirect(t, u, "SAMLRequest", spCert), &req); err != nil {
		t.Fatal(err)
	}
	if req.ID != id || req.Issuer.Value != w.sp.cfg.EntityID || req.AssertionConsumerServiceURL != w.sp.cfg.ACSURL ||
		req.Destination != w.idp.SSOURL.String() || req.IssueInstant.Sub(w.clk.Now()).Abs() > time.Millisecond {
		t.Errorf("AuthnRequest %+v", req)
	}
	// The crewjam IdP takes it (it ignores request signatures) and we accept its answer.
	w.mu.Lock()
	w.requestIDs = append(w.requestIDs, id)
	w.mu.Unlock()
	must(t, w.post(w.fetchForm(u.String())))
}

func TestPOSTBindingRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.RequestSigningAlgorithm = SigningRSASHA256 })
	id, form, err := w.sp.StartPOST("r1")
	if err != nil {
		t.Fatal(err)
	}
	page := string(form.HTML("n0nce"))
	if !strings.Contains(page, `<script nonce="n0nce">`) || !strings.Contains(page, `action="`+form.URL+`"`) {
		t.Errorf("form page:\n%s", page)
	}
	if strings.Contains(string(form.HTML("")), "<script") {
		t.Error("script without a nonce")
	}
	// The enveloped signature verifies with our certificate.
	raw, _ := base64.StdEncoding.DecodeString(form.SAMLRequest)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{spCert}})
	vc.IdAttribute = "ID"
	if _, err := vc.Validate(doc.Root()); err != nil {
		t.Fatalf("AuthnRequest signature: %v", err)
	}
	w.mu.Lock()
	w.requestIDs = append(w.requestIDs, id)
	w.mu.Unlock()
	resp, err := http.PostForm(form.URL, url.Values{"SAMLRequest": {form.SAMLRequest}, "RelayState": {form.RelayState}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	a := must(t, w.post(parseForm(t, string(body))))
	if a.InResponseTo != id || a.RelayState != "r1" {
		t.Errorf("assertion %+v", a)
	}
}

func TestSPInitiatedLogout(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.IDPSignout = true })
	id, u, err := w.sp.LogoutRequest("alice@example.com", string(saml.EmailAddressNameIDFormat), "session-index-1", "back")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.String(), w.idp.LogoutURL.String()+"?") {
		t.Fatalf("logout goes to %s", u)
	}
	var lr saml.LogoutRequest
	if err := xml.Unmarshal(checkRedirect(t, u, "SAMLRequest", spCert), &lr); err != nil {
		t.Fatal(err)
	}
	if lr.ID != id || lr.NameID.Value != "alice@example.com" || lr.SessionIndex.Value != "session-index-1" || lr.Issuer.Value != w.sp.cfg.EntityID {
		t.Errorf("LogoutRequest %+v", lr)
	}

	// The IdP answers by POST with a signed LogoutResponse.
	answer := func(inResponseTo string, sign bool) *http.Request {
		resp := &saml.LogoutResponse{
			ID: newID(), InResponseTo: inResponseTo, Version: "2.0", IssueInstant: time.Now().UTC(),
			Destination: w.sp.cfg.LogoutURL, Issuer: &saml.Issuer{Value: w.sp.IDPEntityID()},
			Status: saml.Status{StatusCode: saml.StatusCode{Value: saml.StatusSuccess}},
		}
		el := resp.Element()
		if sign {
			resign(t, idpKey, idpCert)(el)
		}
		return postMessage(t, w.sp.cfg.LogoutURL, "SAMLResponse", el, "back")
	}
	ctx := context.Background()
	good := answer(id, true)
	body, _ := io.ReadAll(good.Body)
	res, err := w.sp.ParseLogoutResponse(ctx, reqWithBody(w.sp.cfg.LogoutURL, body), []string{id})
	if err != nil || res.InResponseTo != id || res.RelayState != "back" {
		t.Fatalf("logout response: %+v %v", res, err)
	}
	if _, err := w.sp.ParseLogoutResponse(ctx, reqWithBody(w.sp.cfg.LogoutURL, body), []string{id}); !isReason(err, ReasonReplay) {
		t.Errorf("replayed: %v", err)
	}
	if _, err := w.sp.ParseLogoutResponse(ctx, answer(id, false), []string{id}); !isReason(err, ReasonSignature) {
		t.Errorf("unsigned: %v", err)
	}
	if _, err := w.sp.ParseLogoutResponse(ctx, answer("_other", true), []string{id}); !isReason(err, ReasonInResponseTo) {
		t.Errorf("wrong InResponseTo: %v", err)
	}
}

func TestIdPInitiatedLogout(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) { c.IDPSignout = true })
	// The IdP side signs with the IdP key: reuse our encoder with its key.
	idpSide := &SP{cfg: Config{Key: idpKey, Cert: idpCert}}
	lr := func() *saml.LogoutRequest {
		return &saml.LogoutRequest{
			ID: newID(), Version: "2.0", IssueInstant: time.Now().UTC(), Destination: w.sp.cfg.LogoutURL,
			Issuer: &saml.Issuer{Value: w.sp.IDPEntityID()}, NameID: &saml.NameID{Value: "alice@example.com"},
			SessionIndex: &saml.SessionIndex{Value: "session-index-1"},
		}
	}
	ctx := context.Background()
	u, err := idpSide.redirectURLSigned(w.sp.cfg.LogoutURL, "SAMLRequest", lr().Element(), "rs", true)
	if err != nil {
		t.Fatal(err)
	}
	in, err := w.sp.ParseLogoutRequest(ctx, httptest.NewRequest(http.MethodGet, u.String(), nil))
	if err != nil || in.NameID != "alice@example.com" || in.SessionIndex != "session-index-1" || in.RelayState != "rs" {
		t.Fatalf("redirect LogoutRequest: %+v %v", in, err)
	}
	if _, err := w.sp.ParseLogoutRequest(ctx, httptest.NewRequest(http.MethodGet, u.String(), nil)); !isReason(err, ReasonReplay) {
		t.Errorf("replayed: %v", err)
	}
	forged := strings.Replace(u.String(), "RelayState=rs", "RelayState=xx", 1)
	if _, err := w.sp.ParseLogoutRequest(ctx, httptest.NewRequest(http.MethodGet, forged, nil)); !isReason(err, ReasonSignature) {
		t.Errorf("edited query: %v", err)
	}
	// By POST with an enveloped signature.
	el := lr().Element()
	resign(t, idpKey, idpCert)(el)
	if in, err := w.sp.ParseLogoutRequest(ctx, postMessage(t, w.sp.cfg.LogoutURL, "SAMLRequest", el, "")); err != nil || in.NameID != "alice@example.com" {
		t.Fatalf("POST LogoutRequest: %+v %v", in, err)
	}
	// Our answer is signed and goes to the IdP's SLO endpoint.
	out, err := w.sp.LogoutResponse(in.ID, "rs", true)
	if err != nil {
		t.Fatal(err)
	}
	var resp saml.LogoutResponse
	if err := xml.Unmarshal(checkRedirect(t, out, "SAMLResponse", spCert), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.InResponseTo != in.ID || resp.Status.StatusCode.Value != saml.StatusSuccess || resp.Destination != w.idp.LogoutURL.String() {
		t.Errorf("LogoutResponse %+v", resp)
	}
}

func postMessage(t *testing.T, target, param string, el *etree.Element, relay string) *http.Request {
	t.Helper()
	doc := etree.NewDocument()
	doc.SetRoot(el)
	raw, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{param: {base64.StdEncoding.EncodeToString(raw)}}
	if relay != "" {
		form.Set("RelayState", relay)
	}
	return reqWithBody(target, []byte(form.Encode()))
}

func reqWithBody(target string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func isReason(err error, r Reason) bool {
	se, ok := err.(*Error)
	return ok && se.Reason == r
}
