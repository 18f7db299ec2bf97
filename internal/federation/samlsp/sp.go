package samlsp

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
)

// SigningRSASHA256 is the only RequestSigningAlgorithm Cognito accepts.
const SigningRSASHA256 = "rsa-sha256"

// Config describes the SP side of one SAML identity provider of one pool.
type Config struct {
	PoolID       string
	ProviderName string

	EntityID  string // our entity id, Cognito's "urn:amazon:cognito:sp:<poolId>"
	ACSURL    string // https://<domain>/saml2/idpresponse
	LogoutURL string // https://<domain>/saml2/logout (needed when IDPSignout)

	IDPMetadata []byte // the IdP's metadata (MetadataFile, or FetchMetadata's result)

	IDPInit                 bool   // accept IdP-initiated (unsolicited) responses
	IDPSignout              bool   // single logout with the IdP
	EncryptedResponses      bool   // advertise an encryption key and refuse plain assertions
	RequestSigningAlgorithm string // "" (unsigned requests) or SigningRSASHA256

	// Key and Cert are the pool's SAML signing pair (GetSigningCertificate).
	// They sign AuthnRequests and LogoutRequests and, unless EncryptionKey
	// is set, also decrypt assertions.
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
	// EncryptionKey/EncryptionCert optionally separate the decryption pair
	// (Cognito publishes a distinct encryption certificate).
	EncryptionKey  *rsa.PrivateKey
	EncryptionCert *x509.Certificate

	Now    func() time.Time // the injected clock; required
	Replay ReplayCache      // required
}

// ReplayCache remembers consumed message ids. The caller backs it with the
// store (a unique key per pool and id, kept until 'until'); NewMemoryReplayCache
// is for tests and single-process use.
type ReplayCache interface {
	// Claim records id until 'until'. It reports false when id was
	// already claimed and has not yet been forgotten.
	Claim(ctx context.Context, id string, until time.Time) (bool, error)
}

// SP is the service provider of one pool for one SAML IdP. It is immutable
// after New and safe for concurrent use.
type SP struct {
	cfg    Config
	idp    *idp
	decKey *rsa.PrivateKey
	encCrt *x509.Certificate
}

// New checks cfg and parses the IdP metadata.
func New(cfg Config) (*SP, error) {
	bad := func(msg string) (*SP, error) { return nil, fail(ReasonConfiguration, msg) }
	if cfg.EntityID == "" {
		return bad("EntityID is required")
	}
	if u, err := url.Parse(cfg.ACSURL); err != nil || !u.IsAbs() {
		return bad("ACSURL must be an absolute URL")
	}
	if cfg.Now == nil || cfg.Replay == nil {
		return bad("Now and Replay are required")
	}
	switch cfg.RequestSigningAlgorithm {
	case "", SigningRSASHA256:
	default:
		return bad("RequestSigningAlgorithm must be rsa-sha256")
	}
	if (cfg.Key == nil) != (cfg.Cert == nil) {
		return bad("Key and Cert go together")
	}
	if cfg.Key != nil {
		if pub, ok := cfg.Cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&cfg.Key.PublicKey) {
			return bad("Cert does not match Key")
		}
	}
	if (cfg.RequestSigningAlgorithm != "" || cfg.IDPSignout) && cfg.Key == nil {
		return bad("request signing and IDPSignout need Key and Cert")
	}
	if cfg.IDPSignout {
		if u, err := url.Parse(cfg.LogoutURL); err != nil || !u.IsAbs() {
			return bad("LogoutURL must be an absolute URL when IDPSignout is on")
		}
	}
	sp := &SP{cfg: cfg, decKey: cfg.Key, encCrt: cfg.Cert}
	if cfg.EncryptionKey != nil || cfg.EncryptionCert != nil {
		if cfg.EncryptionKey == nil || cfg.EncryptionCert == nil {
			return bad("EncryptionKey and EncryptionCert go together")
		}
		sp.decKey, sp.encCrt = cfg.EncryptionKey, cfg.EncryptionCert
	}
	if cfg.EncryptedResponses && sp.decKey == nil {
		return bad("EncryptedResponses needs a decryption key")
	}
	m, err := parseMetadata(cfg.IDPMetadata)
	if err != nil {
		return nil, err
	}
	sp.idp = m
	return sp, nil
}

// IDPEntityID is the IdP's entity id from its metadata.
func (sp *SP) IDPEntityID() string { return sp.idp.entityID }

// SupportsLogout reports whether single logout can be used: IDPSignout is
// on and the IdP metadata has a SingleLogoutService for HTTP-Redirect.
func (sp *SP) SupportsLogout() bool {
	return sp.cfg.IDPSignout && sp.idp.slo[saml.HTTPRedirectBinding] != ""
}

// Metadata is our SPSSODescriptor for the IdP administrator: entity id, the
// POST ACS, the signing certificate when requests are signed, the
// encryption certificate when EncryptedResponses is on, and the logout
// endpoint when IDPSignout is on.
func (sp *SP) Metadata() ([]byte, error) {
	signed := sp.cfg.RequestSigningAlgorithm != ""
	wantSigned := true
	d := saml.SPSSODescriptor{
		SSODescriptor: saml.SSODescriptor{
			RoleDescriptor: saml.RoleDescriptor{ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol"},
			NameIDFormats:  []saml.NameIDFormat{saml.UnspecifiedNameIDFormat},
		},
		AuthnRequestsSigned:  &signed,
		WantAssertionsSigned: &wantSigned,
		AssertionConsumerServices: []saml.IndexedEndpoint{
			{Binding: saml.HTTPPostBinding, Location: sp.cfg.ACSURL, Index: 1},
		},
	}
	if signed || sp.cfg.IDPSignout {
		d.KeyDescriptors = append(d.KeyDescriptors, keyDescriptor("signing", sp.cfg.Cert))
	}
	if sp.cfg.EncryptedResponses {
		kd := keyDescriptor("encryption", sp.encCrt)
		kd.EncryptionMethods = []saml.EncryptionMethod{
			{Algorithm: "http://www.w3.org/2001/04/xmlenc#aes128-cbc"},
			{Algorithm: "http://www.w3.org/2001/04/xmlenc#aes256-cbc"},
			{Algorithm: "http://www.w3.org/2009/xmlenc11#aes128-gcm"},
			{Algorithm: "http://www.w3.org/2009/xmlenc11#aes256-gcm"},
			{Algorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"},
		}
		d.KeyDescriptors = append(d.KeyDescriptors, kd)
	}
	if sp.cfg.IDPSignout {
		d.SingleLogoutServices = []saml.Endpoint{
			{Binding: saml.HTTPPostBinding, Location: sp.cfg.LogoutURL},
			{Binding: saml.HTTPRedirectBinding, Location: sp.cfg.LogoutURL},
		}
	}
	raw, err := xml.Marshal(saml.EntityDescriptor{EntityID: sp.cfg.EntityID, SPSSODescriptors: []saml.SPSSODescriptor{d}})
	if err != nil {
		return nil, err
	}
	// crewjam always writes validUntil; a zero one would say "expired".
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, err
	}
	doc.Root().RemoveAttr("validUntil")
	doc.Indent(2)
	return doc.WriteToBytes()
}

func keyDescriptor(use string, c *x509.Certificate) saml.KeyDescriptor {
	return saml.KeyDescriptor{Use: use, KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
		X509Certificates: []saml.X509Certificate{{Data: base64.StdEncoding.EncodeToString(c.Raw)}},
	}}}
}
