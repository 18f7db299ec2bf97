package samlsp

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	xrv "github.com/mattermost/xml-roundtrip-validator"
)

// MaxMetadataSize bounds an IdP metadata document, fetched or uploaded.
const MaxMetadataSize = 1 << 20

// fetchTimeout bounds FetchMetadata when the context has no earlier deadline.
const fetchTimeout = 10 * time.Second

// idp is what the SP needs from the IdP's metadata.
type idp struct {
	entityID string
	certs    []*x509.Certificate
	sso      map[string]string // binding → location
	slo      map[string]string // binding → location
	sloResp  map[string]string // binding → ResponseLocation (or Location)
}

// FetchMetadata downloads an IdP metadata document (MetadataURL) with a
// timeout and a size limit. It does not validate it; call ValidateMetadata.
// Deciding which hosts may be fetched (SSRF) is the caller's business.
func FetchMetadata(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fail(ReasonMetadata, "the metadata URL is not an http(s) URL")
	}
	if client == nil {
		client = &http.Client{Timeout: fetchTimeout}
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(ReasonMetadata, "the metadata URL is not an http(s) URL")
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fail(ReasonMetadata, "the metadata URL could not be fetched")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fail(ReasonMetadata, fmt.Sprintf("fetching the metadata URL returned HTTP %d", resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxMetadataSize+1))
	if err != nil {
		return nil, fail(ReasonMetadata, "the metadata URL could not be read")
	}
	if len(body) > MaxMetadataSize {
		return nil, fail(ReasonMetadata, "the metadata document is larger than 1 MiB")
	}
	return body, nil
}

// ValidateMetadata checks that doc is usable IdP metadata: an
// EntityDescriptor (possibly inside EntitiesDescriptor) with an entity id,
// an IDPSSODescriptor, a single sign-on endpoint for the HTTP-Redirect or
// HTTP-POST binding and at least one signing certificate. When now is not
// zero, every signing certificate must be valid at now (Cognito refuses
// expired IdP certificates at configuration time). The Detail of the
// returned *Error (ReasonMetadata) is written for the API caller.
func ValidateMetadata(doc []byte, now time.Time) error {
	m, err := parseMetadata(doc)
	if err != nil {
		return err
	}
	if !now.IsZero() {
		for _, c := range m.certs {
			if now.Before(c.NotBefore) || now.After(c.NotAfter) {
				return fail(ReasonMetadata, "a signing certificate in the metadata is expired or not yet valid")
			}
		}
	}
	return nil
}

func parseMetadata(doc []byte) (*idp, error) {
	bad := func(msg string) error { return fail(ReasonMetadata, msg) }
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, bad("the metadata document is empty")
	}
	if len(doc) > MaxMetadataSize {
		return nil, bad("the metadata document is larger than 1 MiB")
	}
	if err := xrv.Validate(bytes.NewReader(doc)); err != nil {
		return nil, bad("the metadata document is not well-formed XML")
	}
	d := etree.NewDocument()
	if err := d.ReadFromBytes(doc); err != nil || d.Root() == nil {
		return nil, bad("the metadata document is not well-formed XML")
	}
	root := xml.Name{Space: d.Root().NamespaceURI(), Local: d.Root().Tag}
	var eds []saml.EntityDescriptor
	switch root {
	case xml.Name{Space: "urn:oasis:names:tc:SAML:2.0:metadata", Local: "EntityDescriptor"}:
		var ed saml.EntityDescriptor
		if err := xml.Unmarshal(doc, &ed); err != nil {
			return nil, bad("the metadata document is not a valid SAML EntityDescriptor")
		}
		eds = append(eds, ed)
	case xml.Name{Space: "urn:oasis:names:tc:SAML:2.0:metadata", Local: "EntitiesDescriptor"}:
		var all saml.EntitiesDescriptor
		if err := xml.Unmarshal(doc, &all); err != nil {
			return nil, bad("the metadata document is not a valid SAML EntitiesDescriptor")
		}
		eds = all.EntityDescriptors
	default:
		return nil, bad("the metadata document is not a SAML 2.0 EntityDescriptor")
	}
	for i := range eds {
		if len(eds[i].IDPSSODescriptors) > 0 {
			return fromDescriptor(&eds[i])
		}
	}
	return nil, bad("the metadata has no IDPSSODescriptor")
}

func fromDescriptor(ed *saml.EntityDescriptor) (*idp, error) {
	bad := func(msg string) error { return fail(ReasonMetadata, msg) }
	if strings.TrimSpace(ed.EntityID) == "" {
		return nil, bad("the metadata has no entityID")
	}
	m := &idp{entityID: ed.EntityID, sso: map[string]string{}, slo: map[string]string{}, sloResp: map[string]string{}}
	for _, d := range ed.IDPSSODescriptors {
		for _, kd := range d.KeyDescriptors {
			if kd.Use != "" && kd.Use != "signing" {
				continue
			}
			for _, xc := range kd.KeyInfo.X509Data.X509Certificates {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(xc.Data), ""))
				if err != nil {
					return nil, bad("a signing certificate in the metadata is not valid base64")
				}
				c, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, bad("a signing certificate in the metadata is not a valid X.509 certificate")
				}
				m.certs = append(m.certs, c)
			}
		}
		for _, e := range d.SingleSignOnServices {
			if _, ok := m.sso[e.Binding]; !ok && e.Location != "" {
				m.sso[e.Binding] = e.Location
			}
		}
		for _, e := range d.SingleLogoutServices {
			if _, ok := m.slo[e.Binding]; !ok && e.Location != "" {
				m.slo[e.Binding] = e.Location
				m.sloResp[e.Binding] = e.Location
				if e.ResponseLocation != "" {
					m.sloResp[e.Binding] = e.ResponseLocation
				}
			}
		}
	}
	if len(m.certs) == 0 {
		return nil, bad("the metadata has no signing certificate")
	}
	if m.sso[saml.HTTPRedirectBinding] == "" && m.sso[saml.HTTPPostBinding] == "" {
		return nil, bad("the metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding")
	}
	return m, nil
}
