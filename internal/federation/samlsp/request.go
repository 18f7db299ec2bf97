package samlsp

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net/url"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// newID is a SAML ID: an NCName, so it may not start with a digit.
func newID() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "_" + hex.EncodeToString(b[:])
}

func (sp *SP) issuer() *saml.Issuer {
	return &saml.Issuer{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", Value: sp.cfg.EntityID}
}

func (sp *SP) authnRequest(dest string) *saml.AuthnRequest {
	allow := true
	return &saml.AuthnRequest{
		ID:                          newID(),
		Version:                     "2.0",
		IssueInstant:                sp.cfg.Now().UTC(),
		Destination:                 dest,
		Issuer:                      sp.issuer(),
		NameIDPolicy:                &saml.NameIDPolicy{AllowCreate: &allow},
		AssertionConsumerServiceURL: sp.cfg.ACSURL,
		ProtocolBinding:             saml.HTTPPostBinding,
	}
}

// StartRedirect begins SP-initiated sign-in with the HTTP-Redirect binding
// (Cognito's default). The caller keeps requestID (bound to the browser and
// relayState) and passes it to ParseResponse; it redirects the browser to
// the returned URL.
func (sp *SP) StartRedirect(relayState string) (requestID string, redirect *url.URL, err error) {
	dest := sp.idp.sso[saml.HTTPRedirectBinding]
	if dest == "" {
		return "", nil, fail(ReasonConfiguration, "the IdP has no HTTP-Redirect SingleSignOnService")
	}
	req := sp.authnRequest(dest)
	u, err := sp.redirectURL(dest, "SAMLRequest", req.Element(), relayState)
	return req.ID, u, err
}

// PostForm is an HTTP-POST binding message for the browser to submit.
type PostForm struct {
	URL         string
	SAMLRequest string
	RelayState  string
}

// StartPOST begins SP-initiated sign-in with the HTTP-POST binding. The
// AuthnRequest carries an enveloped signature when request signing is on.
func (sp *SP) StartPOST(relayState string) (requestID string, form *PostForm, err error) {
	dest := sp.idp.sso[saml.HTTPPostBinding]
	if dest == "" {
		return "", nil, fail(ReasonConfiguration, "the IdP has no HTTP-POST SingleSignOnService")
	}
	req := sp.authnRequest(dest)
	if sp.cfg.RequestSigningAlgorithm != "" {
		sig, err := sp.envelopedSignature(req.Element())
		if err != nil {
			return "", nil, err
		}
		req.Signature = sig
	}
	doc := etree.NewDocument()
	doc.SetRoot(req.Element())
	raw, err := doc.WriteToBytes()
	if err != nil {
		return "", nil, err
	}
	return req.ID, &PostForm{URL: dest, SAMLRequest: base64.StdEncoding.EncodeToString(raw), RelayState: relayState}, nil
}

var postTmpl = template.Must(template.New("post").Parse(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Continue</title></head><body>` +
	`<form method="post" action="{{.F.URL}}" id="saml">` +
	`<input type="hidden" name="SAMLRequest" value="{{.F.SAMLRequest}}">` +
	`{{if .F.RelayState}}<input type="hidden" name="RelayState" value="{{.F.RelayState}}">{{end}}` +
	`<noscript><p>JavaScript is off: press Continue.</p></noscript><button type="submit">Continue</button></form>` +
	`{{if .Nonce}}<script nonce="{{.Nonce}}">document.getElementById("saml").submit()</script>{{end}}` +
	`</body></html>`))

// HTML renders the form. With a CSP script nonce it submits itself;
// without one (cirro's pages allow no script) the user presses Continue.
// The caller's CSP must allow the form action (the IdP's origin).
func (f *PostForm) HTML(scriptNonce string) []byte {
	var b bytes.Buffer
	if err := postTmpl.Execute(&b, struct {
		F     *PostForm
		Nonce string
	}{f, scriptNonce}); err != nil {
		panic(err) // the template and its data are ours
	}
	return b.Bytes()
}

// redirectURL encodes msg for the HTTP-Redirect binding (DEFLATE, base64)
// under param (SAMLRequest or SAMLResponse) and, when signing is on (always
// for logout messages), signs the query string as the binding prescribes.
func (sp *SP) redirectURL(dest, param string, msg *etree.Element, relayState string) (*url.URL, error) {
	return sp.redirectURLSigned(dest, param, msg, relayState, sp.cfg.RequestSigningAlgorithm != "")
}

func (sp *SP) redirectURLSigned(dest, param string, msg *etree.Element, relayState string, sign bool) (*url.URL, error) {
	doc := etree.NewDocument()
	doc.SetRoot(msg)
	raw, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	if _, err := fw.Write(raw); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	u, err := url.Parse(dest)
	if err != nil {
		return nil, fail(ReasonConfiguration, "the IdP endpoint is not a URL")
	}
	// The signature covers the parameters in this order and encoding, so
	// the query is built by hand rather than with url.Values.
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(z.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	if sign {
		q += "&SigAlg=" + url.QueryEscape(dsig.RSASHA256SignatureMethod)
		h := sha256.Sum256([]byte(q))
		sig, err := rsa.SignPKCS1v15(rand.Reader, sp.cfg.Key, crypto.SHA256, h[:])
		if err != nil {
			return nil, err
		}
		q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	}
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	return u, nil
}

// envelopedSignature signs el (which must carry an ID) with our key and
// returns the Signature element, for the caller to place after Issuer.
func (sp *SP) envelopedSignature(el *etree.Element) (*etree.Element, error) {
	ctx, err := dsig.NewSigningContext(sp.cfg.Key, [][]byte{sp.cfg.Cert.Raw})
	if err != nil {
		return nil, err
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		return nil, err
	}
	signed, err := ctx.SignEnveloped(el)
	if err != nil {
		return nil, err
	}
	kids := signed.ChildElements()
	return kids[len(kids)-1], nil
}
