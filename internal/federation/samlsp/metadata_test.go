package samlsp

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml"
)

func TestMetadata(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(c *Config) {
		c.EncryptedResponses, c.IDPSignout, c.RequestSigningAlgorithm = true, true, SigningRSASHA256
	})
	raw, err := w.sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(raw, &ed); err != nil {
		t.Fatal(err)
	}
	if ed.EntityID != "urn:amazon:cognito:sp:"+poolID || len(ed.SPSSODescriptors) != 1 {
		t.Fatalf("entity %q, %d SP descriptors", ed.EntityID, len(ed.SPSSODescriptors))
	}
	d := ed.SPSSODescriptors[0]
	if len(d.AssertionConsumerServices) != 1 || d.AssertionConsumerServices[0].Location != w.sp.cfg.ACSURL ||
		d.AssertionConsumerServices[0].Binding != saml.HTTPPostBinding {
		t.Errorf("ACS %+v", d.AssertionConsumerServices)
	}
	if d.AuthnRequestsSigned == nil || !*d.AuthnRequestsSigned || len(d.KeyDescriptors) != 2 || len(d.SingleLogoutServices) != 2 {
		t.Errorf("signed %v, keys %d, SLO %d", d.AuthnRequestsSigned, len(d.KeyDescriptors), len(d.SingleLogoutServices))
	}
	if strings.Contains(string(raw), "validUntil") {
		t.Errorf("metadata carries validUntil:\n%s", raw)
	}
	// The crewjam IdP's metadata passes our validation.
	md, _ := xml.Marshal(w.idp.Metadata())
	if err := ValidateMetadata(md, w.clk.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestValidateMetadataRejects(t *testing.T) {
	t.Parallel()
	keys(t)
	cert := base64.StdEncoding.EncodeToString(idpCert.Raw)
	idpDoc := func(keyInfo, sso string) string {
		return `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
			keyInfo + sso + `</IDPSSODescriptor></EntityDescriptor>`
	}
	key := `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>` + cert + `</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`
	sso := `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>`
	cases := []struct {
		doc, want string
		now       time.Time
	}{
		{"", "empty", time.Time{}},
		{"not xml at all", "not well-formed XML", time.Time{}},
		{"<a><b></a>", "not well-formed XML", time.Time{}},
		{`<html><body>login</body></html>`, "not a SAML 2.0 EntityDescriptor", time.Time{}},
		{`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`, "no IDPSSODescriptor", time.Time{}},
		{idpDoc("", sso), "no signing certificate", time.Time{}},
		{idpDoc(key, ""), "no SingleSignOnService", time.Time{}},
		{idpDoc(strings.Replace(key, cert, "bm90IGEgY2VydA==", 1), sso), "not a valid X.509 certificate", time.Time{}},
		{idpDoc(key, sso), "expired", time.Now().Add(2 * 365 * 24 * time.Hour)},
	}
	for _, c := range cases {
		err := ValidateMetadata([]byte(c.doc), c.now)
		var se *Error
		if !errors.As(err, &se) || se.Reason != ReasonMetadata || !strings.Contains(se.Detail, c.want) {
			t.Errorf("%.40q: got %v, want %q", c.doc, err, c.want)
		}
	}
	if err := ValidateMetadata([]byte(idpDoc(key, sso)), time.Now()); err != nil {
		t.Errorf("good metadata refused: %v", err)
	}
}

func TestFetchMetadata(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", MaxMetadataSize+10)
	sv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte("<EntityDescriptor/>"))
		case "/big":
			_, _ = w.Write([]byte(big))
		default:
			http.NotFound(w, r)
		}
	}))
	defer sv.Close()
	ctx := context.Background()
	if b, err := FetchMetadata(ctx, sv.Client(), sv.URL+"/ok"); err != nil || string(b) != "<EntityDescriptor/>" {
		t.Errorf("ok: %q %v", b, err)
	}
	for _, u := range []string{sv.URL + "/big", sv.URL + "/missing", "file:///etc/passwd", "http://127.0.0.1:1/x"} {
		if _, err := FetchMetadata(ctx, sv.Client(), u); !errors.Is(err, ErrMetadata) {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	base := w.sp.cfg
	for name, edit := range map[string]func(*Config){
		"no entity id":      func(c *Config) { c.EntityID = "" },
		"relative ACS":      func(c *Config) { c.ACSURL = "/saml2/idpresponse" },
		"no clock":          func(c *Config) { c.Now = nil },
		"bad algorithm":     func(c *Config) { c.RequestSigningAlgorithm = "rsa-sha1" },
		"cert of other key": func(c *Config) { c.Cert = idpCert },
		"signing, no key":   func(c *Config) { c.Key, c.Cert, c.RequestSigningAlgorithm = nil, nil, SigningRSASHA256 },
		"garbage metadata":  func(c *Config) { c.IDPMetadata = []byte("nope") },
	} {
		c := base
		edit(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
