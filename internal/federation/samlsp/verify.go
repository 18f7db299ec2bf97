package samlsp

import (
	"bytes"
	"crypto/x509"
	"encoding/xml"
	"errors"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	xrv "github.com/mattermost/xml-roundtrip-validator"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
	nsXMLEnc    = "http://www.w3.org/2001/04/xmlenc#"
)

var errNoSignature = errors.New("no signature")

// parseXML checks raw for the encoding/xml round-trip problems that make
// signature checks unsafe, then parses it.
func parseXML(raw []byte) (*etree.Element, error) {
	if err := xrv.Validate(bytes.NewReader(raw)); err != nil {
		return nil, fail(ReasonMalformed, "invalid XML")
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		return nil, fail(ReasonMalformed, "invalid XML")
	}
	return doc.Root(), nil
}

// children are el's direct child elements named {space}tag.
func children(el *etree.Element, space, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == space {
			out = append(out, c)
		}
	}
	return out
}

// verify checks the enveloped signature of el against the IdP's signing
// certificates (any of them may match) at cfg.Now and returns the signed
// content: a detached copy of el without the signature. Only that copy may
// be trusted; the caller must read nothing else from el (signature
// wrapping). errNoSignature when el has no Signature child.
func (sp *SP) verify(el *etree.Element) (*etree.Element, error) {
	sigs := children(el, nsDSig, "Signature")
	switch len(sigs) {
	case 0:
		return nil, errNoSignature
	case 1:
	default:
		return nil, fail(ReasonSignature, "more than one Signature on "+el.Tag)
	}
	nctx, err := etreeutils.NSBuildParentContext(el)
	if err == nil {
		nctx, err = nctx.SubContext(el)
	}
	var detached *etree.Element
	if err == nil {
		detached, err = etreeutils.NSDetatch(nctx, el)
	}
	if err != nil {
		return nil, fail(ReasonMalformed, "cannot prepare "+el.Tag+" for signature validation")
	}
	// A KeyInfo without a certificate (a bare KeyValue) names a key we
	// cannot trust anyway; dropping it makes dsig try our certificates.
	for _, s := range children(detached, nsDSig, "Signature") {
		if ki := s.FindElement("./KeyInfo"); ki != nil && ki.FindElement(".//X509Certificate") == nil {
			s.RemoveChild(ki)
		}
	}
	clock := dsig.NewFakeClockAt(sp.cfg.Now())
	var last error
	for _, c := range sp.idp.certs {
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{c}})
		vc.IdAttribute = "ID"
		vc.Clock = clock
		out, err := vc.Validate(detached)
		if err == nil {
			return out, nil
		}
		last = err
	}
	return nil, fail(ReasonSignature, el.Tag+" signature does not verify: "+last.Error())
}

// decrypt opens an EncryptedAssertion with our key and returns the
// assertion element (not yet verified).
func (sp *SP) decrypt(enc *etree.Element) (*etree.Element, error) {
	if sp.decKey == nil {
		return nil, fail(ReasonDecrypt, "encrypted assertion but no decryption key configured")
	}
	data := children(enc, nsXMLEnc, "EncryptedData")
	if len(data) != 1 {
		return nil, fail(ReasonDecrypt, "EncryptedAssertion needs exactly one EncryptedData")
	}
	var key any = sp.decKey
	// Some IdPs put EncryptedKey beside EncryptedData rather than inside
	// its KeyInfo.
	if keys := children(enc, nsXMLEnc, "EncryptedKey"); len(keys) > 0 {
		k, err := xmlenc.Decrypt(sp.decKey, keys[0])
		if err != nil {
			return nil, fail(ReasonDecrypt, "cannot decrypt the EncryptedKey")
		}
		key = k
	}
	plain, err := safeDecrypt(key, data[0])
	if err != nil {
		return nil, fail(ReasonDecrypt, "cannot decrypt the assertion")
	}
	el, err := parseXML(plain)
	if err != nil {
		return nil, fail(ReasonDecrypt, "decrypted assertion is not valid XML")
	}
	return el, nil
}

// safeDecrypt turns a panic inside xmlenc (hostile ciphertext shapes) into
// an error.
func safeDecrypt(key any, el *etree.Element) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, errors.New("decrypt panicked")
		}
	}()
	return xmlenc.Decrypt(key, el)
}

// unmarshal decodes a trusted element into one of crewjam's schema types.
func unmarshal(el *etree.Element, v any) error {
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	raw, err := doc.WriteToBytes()
	if err != nil {
		return err
	}
	return xml.Unmarshal(raw, v)
}
