package samlsp

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto"
	"crypto/rsa"
	_ "crypto/sha1" // SigAlg rsa-sha1 from older IdPs
	_ "crypto/sha512"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// LogoutRequest starts SP-initiated single logout (Cognito's /logout with a
// SAML session and IDPSignout on): a signed LogoutRequest for the user's
// NameID and SessionIndex, sent by HTTP-Redirect to the IdP's
// SingleLogoutService. The caller keeps requestID for ParseLogoutResponse.
func (sp *SP) LogoutRequest(nameID, nameIDFormat, sessionIndex, relayState string) (requestID string, redirect *url.URL, err error) {
	if !sp.SupportsLogout() {
		return "", nil, fail(ReasonConfiguration, "IDPSignout is off or the IdP has no HTTP-Redirect SingleLogoutService")
	}
	dest := sp.idp.slo[saml.HTTPRedirectBinding]
	req := &saml.LogoutRequest{
		ID:           newID(),
		Version:      "2.0",
		IssueInstant: sp.cfg.Now().UTC(),
		Destination:  dest,
		Issuer:       sp.issuer(),
		NameID:       &saml.NameID{Value: nameID, Format: nameIDFormat},
	}
	if sessionIndex != "" {
		req.SessionIndex = &saml.SessionIndex{Value: sessionIndex}
	}
	u, err := sp.redirectURLSigned(dest, "SAMLRequest", req.Element(), relayState, true)
	return req.ID, u, err
}

// LogoutResult is a verified LogoutResponse.
type LogoutResult struct {
	ResponseID   string
	InResponseTo string
	RelayState   string
}

// ParseLogoutResponse verifies the IdP's LogoutResponse posted to
// /saml2/logout (HTTP-POST binding, which Cognito requires): signed,
// addressed to LogoutURL, from the IdP, answering one of requestIDs,
// fresh, not replayed. A non-Success status is ErrStatus.
func (sp *SP) ParseLogoutResponse(ctx context.Context, r *http.Request, requestIDs []string) (*LogoutResult, error) {
	el, relay, err := sp.postedMessage(r, "SAMLResponse", "LogoutResponse")
	if err != nil {
		return nil, err
	}
	var lr saml.LogoutResponse
	if err := unmarshal(el, &lr); err != nil {
		return nil, fail(ReasonMalformed, "cannot decode LogoutResponse")
	}
	if err := sp.checkLogoutMessage(lr.ID, lr.Version, lr.Destination, lr.Issuer, lr.IssueInstant); err != nil {
		return nil, err
	}
	if !slices.Contains(requestIDs, lr.InResponseTo) {
		return nil, fail(ReasonInResponseTo, "LogoutResponse answers no outstanding request")
	}
	if code := lr.Status.StatusCode.Value; code != saml.StatusSuccess {
		e := fail(ReasonStatus, "IdP logout status "+code)
		e.Status = code
		return nil, e
	}
	if err := sp.claim(ctx, "logout-response:"+lr.ID); err != nil {
		return nil, err
	}
	return &LogoutResult{ResponseID: lr.ID, InResponseTo: lr.InResponseTo, RelayState: relay}, nil
}

// LogoutRequestIn is a verified IdP-initiated LogoutRequest.
type LogoutRequestIn struct {
	ID           string
	NameID       string
	SessionIndex string
	RelayState   string
}

// ParseLogoutRequest verifies an IdP-initiated LogoutRequest at
// /saml2/logout, by HTTP-POST (enveloped signature) or HTTP-Redirect
// (query signature). Cognito documents only SP-initiated SLO; this lets
// the caller end the user's cirro session when the IdP asks, then answer
// with LogoutResponse.
func (sp *SP) ParseLogoutRequest(ctx context.Context, r *http.Request) (*LogoutRequestIn, error) {
	if !sp.cfg.IDPSignout {
		return nil, fail(ReasonConfiguration, "IDPSignout is off")
	}
	var el *etree.Element
	var relay string
	var err error
	if r.Method == http.MethodGet {
		el, relay, err = sp.redirectMessage(r, "SAMLRequest", "LogoutRequest")
	} else {
		el, relay, err = sp.postedMessage(r, "SAMLRequest", "LogoutRequest")
	}
	if err != nil {
		return nil, err
	}
	var lr saml.LogoutRequest
	if err := unmarshal(el, &lr); err != nil {
		return nil, fail(ReasonMalformed, "cannot decode LogoutRequest")
	}
	if err := sp.checkLogoutMessage(lr.ID, lr.Version, lr.Destination, lr.Issuer, lr.IssueInstant); err != nil {
		return nil, err
	}
	if lr.NotOnOrAfter != nil && !sp.cfg.Now().Add(-ClockSkew).Before(*lr.NotOnOrAfter) {
		return nil, fail(ReasonExpired, "LogoutRequest expired")
	}
	if lr.NameID == nil || lr.NameID.Value == "" {
		return nil, fail(ReasonMalformed, "LogoutRequest without NameID")
	}
	if err := sp.claim(ctx, "logout-request:"+lr.ID); err != nil {
		return nil, err
	}
	out := &LogoutRequestIn{ID: lr.ID, NameID: strings.TrimSpace(lr.NameID.Value), RelayState: relay}
	if lr.SessionIndex != nil {
		out.SessionIndex = lr.SessionIndex.Value
	}
	return out, nil
}

// LogoutResponse answers an IdP-initiated LogoutRequest: a signed
// LogoutResponse by HTTP-Redirect to the IdP's SLO response location.
func (sp *SP) LogoutResponse(inResponseTo, relayState string, success bool) (*url.URL, error) {
	if !sp.SupportsLogout() {
		return nil, fail(ReasonConfiguration, "IDPSignout is off or the IdP has no HTTP-Redirect SingleLogoutService")
	}
	dest := sp.idp.sloResp[saml.HTTPRedirectBinding]
	code := saml.StatusSuccess
	if !success {
		code = saml.StatusResponder
	}
	lr := &saml.LogoutResponse{
		ID: newID(), InResponseTo: inResponseTo, Version: "2.0",
		IssueInstant: sp.cfg.Now().UTC(), Destination: dest, Issuer: sp.issuer(),
		Status: saml.Status{StatusCode: saml.StatusCode{Value: code}},
	}
	return sp.redirectURLSigned(dest, "SAMLResponse", lr.Element(), relayState, true)
}

func (sp *SP) checkLogoutMessage(id, version, dest string, iss *saml.Issuer, issued time.Time) error {
	if id == "" || version != "2.0" {
		return fail(ReasonMalformed, "logout message without ID or not SAML 2.0")
	}
	if dest != sp.cfg.LogoutURL {
		return fail(ReasonDestination, "logout message Destination is "+dest)
	}
	if iss == nil || iss.Value != sp.idp.entityID {
		return fail(ReasonIssuer, "logout message is not from the IdP")
	}
	return checkIssued(issued, sp.cfg.Now())
}

func (sp *SP) claim(ctx context.Context, id string) error {
	ok, err := sp.cfg.Replay.Claim(ctx, id, sp.cfg.Now().Add(MaxAge+2*ClockSkew))
	if err != nil {
		return err
	}
	if !ok {
		return fail(ReasonReplay, id+" was already used")
	}
	return nil
}

// postedMessage reads an HTTP-POST binding message, which must carry a
// valid enveloped signature; it returns the verified element.
func (sp *SP) postedMessage(r *http.Request, param, tag string) (*etree.Element, string, error) {
	if r.Method != http.MethodPost {
		return nil, "", fail(ReasonMalformed, "expected HTTP POST")
	}
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			return nil, "", fail(ReasonTooLarge, "form body unreadable or too large")
		}
	}
	v := strings.Join(strings.Fields(r.PostForm.Get(param)), "")
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) == 0 {
		return nil, "", fail(ReasonMalformed, param+" is not base64")
	}
	if len(raw) > MaxResponseSize {
		return nil, "", fail(ReasonTooLarge, param+" too large")
	}
	el, err := parseXML(raw)
	if err != nil {
		return nil, "", err
	}
	if el.Tag != tag || el.NamespaceURI() != nsProtocol {
		return nil, "", fail(ReasonMalformed, "not a samlp:"+tag)
	}
	v2, err := sp.verify(el)
	if err == errNoSignature {
		return nil, "", fail(ReasonSignature, tag+" is not signed")
	} else if err != nil {
		return nil, "", err
	}
	return v2, r.PostForm.Get("RelayState"), nil
}

// redirectMessage reads an HTTP-Redirect binding message and checks its
// query signature (bindings §3.4.4.1) against the IdP certificates.
func (sp *SP) redirectMessage(r *http.Request, param, tag string) (*etree.Element, string, error) {
	rawVals := map[string]string{}
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := rawVals[k]; dup {
			return nil, "", fail(ReasonMalformed, "repeated query parameter")
		}
		rawVals[k] = v
	}
	if rawVals[param] == "" || rawVals["SigAlg"] == "" || rawVals["Signature"] == "" {
		return nil, "", fail(ReasonSignature, tag+" is not signed")
	}
	signed := param + "=" + rawVals[param]
	if rs, ok := rawVals["RelayState"]; ok {
		signed += "&RelayState=" + rs
	}
	signed += "&SigAlg=" + rawVals["SigAlg"]
	q := r.URL.Query()
	var h crypto.Hash
	switch q.Get("SigAlg") {
	case dsig.RSASHA256SignatureMethod:
		h = crypto.SHA256
	case dsig.RSASHA512SignatureMethod:
		h = crypto.SHA512
	case dsig.RSASHA1SignatureMethod:
		h = crypto.SHA1
	default:
		return nil, "", fail(ReasonSignature, "unsupported SigAlg")
	}
	sig, err := base64.StdEncoding.DecodeString(q.Get("Signature"))
	if err != nil {
		return nil, "", fail(ReasonSignature, "Signature is not base64")
	}
	hw := h.New()
	hw.Write([]byte(signed))
	digest := hw.Sum(nil)
	ok := false
	now := sp.cfg.Now()
	for _, c := range sp.idp.certs {
		pub, isRSA := c.PublicKey.(*rsa.PublicKey)
		if isRSA && !now.Before(c.NotBefore) && !now.After(c.NotAfter) && rsa.VerifyPKCS1v15(pub, h, digest, sig) == nil {
			ok = true
			break
		}
	}
	if !ok {
		return nil, "", fail(ReasonSignature, tag+" query signature does not verify")
	}
	z, err := base64.StdEncoding.DecodeString(q.Get(param))
	if err != nil {
		return nil, "", fail(ReasonMalformed, param+" is not base64")
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), MaxResponseSize+1))
	if err != nil || len(raw) > MaxResponseSize {
		return nil, "", fail(ReasonMalformed, param+" does not inflate")
	}
	el, err := parseXML(raw)
	if err != nil {
		return nil, "", err
	}
	if el.Tag != tag || el.NamespaceURI() != nsProtocol {
		return nil, "", fail(ReasonMalformed, "not a samlp:"+tag)
	}
	return el, q.Get("RelayState"), nil
}
