package samlsp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/cirrohq/cirro/internal/clock"
)

const poolID = "us-east-1_Test12345"

var (
	keyOnce         sync.Once
	idpKey, spKey   *rsa.PrivateKey
	idpCert, spCert *x509.Certificate
)

// keys are generated once per test binary: RSA generation dominates -race runs.
func keys(t testing.TB) {
	keyOnce.Do(func() {
		idpKey, idpCert = newPair(t, "test-idp")
		spKey, spCert = newPair(t, "cirro-sp")
	})
}

func newPair(t testing.TB, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return k, c
}

// world is a crewjam IdentityProvider and our ACS, each on httptest.
type world struct {
	t     testing.TB
	clk   *clock.Fake
	idp   *saml.IdentityProvider
	sp    *SP
	spMD  *saml.EntityDescriptor // what the IdP believes about us
	idpSv *httptest.Server
	acsSv *httptest.Server

	mu         sync.Mutex
	requestIDs []string
	mutate     func(*saml.Assertion)
}

type option func(*Config)

func newWorld(t testing.TB, opts ...option) *world {
	t.Helper()
	keys(t)
	w := &world{t: t, clk: clock.NewFake(time.Now())}
	w.idpSv = httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(w.idpSv.Close)
	base, _ := url.Parse(w.idpSv.URL)
	w.idp = &saml.IdentityProvider{
		Key: idpKey, Certificate: idpCert, Logger: logger.DefaultLogger,
		MetadataURL:             *base.JoinPath("metadata"),
		SSOURL:                  *base.JoinPath("sso"),
		LogoutURL:               *base.JoinPath("slo"),
		SignatureMethod:         dsig.RSASHA256SignatureMethod,
		SessionProvider:         fixedUser{},
		ServiceProviderProvider: w,
		AssertionMaker:          w,
	}
	w.idpSv.Config.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sso":
			w.idp.ServeSSO(rw, r)
		case "/idp-initiated":
			w.idp.ServeIDPInitiated(rw, r, r.URL.Query().Get("sp"), r.URL.Query().Get("RelayState"))
		default:
			http.NotFound(rw, r)
		}
	})
	w.acsSv = httptest.NewServer(http.HandlerFunc(w.acs))
	t.Cleanup(w.acsSv.Close)

	md, err := xml.Marshal(w.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		PoolID: poolID, ProviderName: "TestIdP",
		EntityID:    "urn:amazon:cognito:sp:" + poolID,
		ACSURL:      w.acsSv.URL + "/saml2/idpresponse",
		LogoutURL:   w.acsSv.URL + "/saml2/logout",
		IDPMetadata: md, Key: spKey, Cert: spCert,
		Now: w.clk.Now, Replay: NewMemoryReplayCache(w.clk.Now),
	}
	for _, o := range opts {
		o(&cfg)
	}
	if w.sp, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	raw, err := w.sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	w.spMD = &saml.EntityDescriptor{}
	if err := xml.Unmarshal(raw, w.spMD); err != nil {
		t.Fatalf("our metadata does not parse: %v\n%s", err, raw)
	}
	return w
}

// GetServiceProvider implements saml.ServiceProviderProvider.
func (w *world) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	if id != w.spMD.EntityID {
		return nil, os.ErrNotExist
	}
	return w.spMD, nil
}

// MakeAssertion implements saml.AssertionMaker: crewjam's default, then
// the test's mutation (before the IdP signs it).
func (w *world) MakeAssertion(req *saml.IdpAuthnRequest, s *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, s); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mutate != nil {
		w.mutate(req.Assertion)
	}
	return nil
}

type fixedUser struct{}

func (fixedUser) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{
		ID: "s1", Index: "session-index-1", NameID: "alice@example.com",
		NameIDFormat: string(saml.EmailAddressNameIDFormat),
		UserEmail:    "alice@example.com", UserGivenName: "Alice", UserSurname: "Liddell",
		CustomAttributes: []saml.Attribute{{
			Name:   "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/groups",
			Values: []saml.AttributeValue{{Type: "xs:string", Value: "admins"}, {Type: "xs:string", Value: "staff"}},
		}},
	}
}

// acsResult is what the test ACS answers: the assertion or the reason.
type acsResult struct {
	Assertion *Assertion `json:"assertion,omitempty"`
	Reason    Reason     `json:"reason,omitempty"`
}

func (w *world) acs(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/saml2/idpresponse" {
		http.NotFound(rw, r)
		return
	}
	w.mu.Lock()
	ids := append([]string(nil), w.requestIDs...)
	w.mu.Unlock()
	a, err := w.sp.ParseResponse(r.Context(), r, ids)
	var res acsResult
	var se *Error
	switch {
	case err == nil:
		res.Assertion = a
	case errors.As(err, &se):
		res.Reason = se.Reason
		rw.WriteHeader(http.StatusBadRequest)
	default:
		w.t.Errorf("untyped error: %v", err)
		rw.WriteHeader(http.StatusInternalServerError)
	}
	_ = json.NewEncoder(rw).Encode(res)
}

var formField = regexp.MustCompile(`<(form|input)[^>]*?(?:action|name)="([^"]*)"(?:[^>]*?value="([^"]*)")?`)

// parseForm extracts the action and fields of an auto-submitting form.
func parseForm(t testing.TB, body string) (string, url.Values) {
	t.Helper()
	vals := url.Values{}
	action := ""
	for _, m := range formField.FindAllStringSubmatch(body, -1) {
		if m[1] == "form" {
			action = html.UnescapeString(m[2])
		} else {
			vals.Set(html.UnescapeString(m[2]), html.UnescapeString(m[3]))
		}
	}
	if action == "" || vals.Get("SAMLResponse") == "" {
		t.Fatalf("no SAML form in IdP answer:\n%s", body)
	}
	return action, vals
}

// signIn runs SP-initiated sign-in up to the IdP's form and returns it.
func (w *world) signIn(relay string) (string, url.Values) {
	w.t.Helper()
	id, u, err := w.sp.StartRedirect(relay)
	if err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	w.requestIDs = append(w.requestIDs, id)
	w.mu.Unlock()
	return w.fetchForm(u.String())
}

// idpInitiated asks the IdP for an unsolicited response to our SP.
func (w *world) idpInitiated(relay string) (string, url.Values) {
	w.t.Helper()
	q := url.Values{"sp": {w.spMD.EntityID}, "RelayState": {relay}}
	return w.fetchForm(w.idpSv.URL + "/idp-initiated?" + q.Encode())
}

func (w *world) fetchForm(u string) (string, url.Values) {
	w.t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("IdP answered %d: %s", resp.StatusCode, body)
	}
	return parseForm(w.t, string(body))
}

// post submits the form to our ACS as the browser would.
func (w *world) post(action string, form url.Values) acsResult {
	w.t.Helper()
	resp, err := http.PostForm(action, form)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var res acsResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		w.t.Fatal(err)
	}
	return res
}

func (w *world) setMutate(f func(*saml.Assertion)) {
	w.mu.Lock()
	w.mutate = f
	w.mu.Unlock()
}

func must(t *testing.T, res acsResult) *Assertion {
	t.Helper()
	if res.Assertion == nil {
		t.Fatalf("refused: %s", res.Reason)
	}
	return res.Assertion
}

func refused(t *testing.T, res acsResult, want Reason) {
	t.Helper()
	if res.Assertion != nil || res.Reason != want {
		t.Fatalf("got assertion=%v reason=%q, want reason %q", res.Assertion != nil, res.Reason, want)
	}
}
