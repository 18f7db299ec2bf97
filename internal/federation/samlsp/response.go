package samlsp

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
)

// Limits and tolerances of ParseResponse.
const (
	// MaxResponseSize is Cognito's limit on a SAML response at
	// /saml2/idpresponse (100,000 characters), applied to the decoded XML.
	MaxResponseSize = 100_000
	// ClockSkew is tolerated on every time condition.
	ClockSkew = 3 * time.Minute
	// MaxAge bounds how long after its IssueInstant a response or assertion
	// is accepted, whatever its NotOnOrAfter says, so replay records can
	// be forgotten.
	MaxAge = 10 * time.Minute
	// maxBody bounds the form body read by ParseResponse.
	maxBody = MaxResponseSize*2 + 64<<10
)

// Assertion is the verified result of a SAML sign-in.
type Assertion struct {
	Issuer       string // the IdP entity id
	ResponseID   string
	AssertionID  string
	InResponseTo string // our request id, "" when IdP-initiated
	NameID       string
	NameIDFormat string
	SessionIndex string              // of the first AuthnStatement, for SLO
	Attributes   map[string][]string // by attribute Name
	RelayState   string
	NotOnOrAfter time.Time // when the assertion stops being acceptable
	Encrypted    bool      // it arrived as an EncryptedAssertion
}

// ParseResponse verifies the SAMLResponse of an HTTP-POST binding request
// to the ACS and returns its assertion. requestIDs are the ids of our
// outstanding AuthnRequests for this browser (from StartRedirect or
// StartPOST). A nil error means every check of doc.go passed and the
// response and assertion ids were claimed in the ReplayCache.
func (sp *SP) ParseResponse(ctx context.Context, r *http.Request, requestIDs []string) (*Assertion, error) {
	if r.Method != http.MethodPost {
		return nil, fail(ReasonMalformed, "SAML responses are accepted by HTTP POST only")
	}
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			return nil, fail(ReasonTooLarge, "form body unreadable or too large")
		}
	}
	a, err := sp.ParseResponseValue(ctx, r.PostForm.Get("SAMLResponse"), requestIDs)
	if err != nil {
		return nil, err
	}
	a.RelayState = r.PostForm.Get("RelayState")
	return a, nil
}

// decodeResponse turns a SAMLResponse form value into the Response element.
func decodeResponse(value string) (*etree.Element, error) {
	if value == "" {
		return nil, fail(ReasonMalformed, "no SAMLResponse")
	}
	if len(value) > maxBody {
		return nil, fail(ReasonTooLarge, "SAMLResponse too large")
	}
	// IdPs may wrap the base64 text; whitespace is not significant.
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), ""))
	if err != nil {
		return nil, fail(ReasonMalformed, "SAMLResponse is not base64")
	}
	if len(raw) > MaxResponseSize {
		return nil, fail(ReasonTooLarge, "SAMLResponse over 100,000 characters")
	}
	root, err := parseXML(raw)
	if err != nil {
		return nil, err
	}
	if root.Tag != "Response" || root.NamespaceURI() != nsProtocol {
		return nil, fail(ReasonMalformed, "not a samlp:Response")
	}
	return root, nil
}

// ParseResponseValue is ParseResponse for an already extracted form value
// (RelayState is left empty).
func (sp *SP) ParseResponseValue(ctx context.Context, value string, requestIDs []string) (*Assertion, error) {
	root, err := decodeResponse(value)
	if err != nil {
		return nil, err
	}
	now := sp.cfg.Now()

	respSigned := false
	if v, err := sp.verify(root); err == nil {
		root, respSigned = v, true
	} else if err != errNoSignature {
		return nil, err
	}
	var resp saml.Response
	if err := unmarshal(root, &resp); err != nil {
		return nil, fail(ReasonMalformed, "cannot decode Response")
	}
	if err := sp.checkResponse(&resp, respSigned, now); err != nil {
		return nil, err
	}

	plain := children(root, nsAssertion, "Assertion")
	enc := children(root, nsAssertion, "EncryptedAssertion")
	if len(plain)+len(enc) != 1 {
		return nil, fail(ReasonMalformed, "a Response must carry exactly one assertion")
	}
	var ael *etree.Element
	if len(enc) == 1 {
		if ael, err = sp.decrypt(enc[0]); err != nil {
			return nil, err
		}
	} else {
		if sp.cfg.EncryptedResponses {
			return nil, fail(ReasonNotEncrypted, "EncryptedResponses is on but the assertion is not encrypted")
		}
		ael = plain[0]
	}
	if ael.Tag != "Assertion" || ael.NamespaceURI() != nsAssertion {
		return nil, fail(ReasonMalformed, "not a saml:Assertion")
	}
	if v, err := sp.verify(ael); err == nil {
		ael = v
	} else if err != errNoSignature {
		return nil, err
	} else if !respSigned {
		return nil, fail(ReasonSignature, "neither the Response nor the Assertion is signed")
	}
	var as saml.Assertion
	if err := unmarshal(ael, &as); err != nil {
		return nil, fail(ReasonMalformed, "cannot decode Assertion")
	}
	out, err := sp.checkAssertion(&resp, respSigned, &as, ael, requestIDs, now)
	if err != nil {
		return nil, err
	}
	out.Encrypted = len(enc) == 1

	// Claim last, so that a refused message does not burn its ids.
	until := out.NotOnOrAfter.Add(ClockSkew)
	for _, id := range []string{"assertion:" + as.ID, "response:" + resp.ID} {
		ok, err := sp.cfg.Replay.Claim(ctx, id, until)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fail(ReasonReplay, id+" was already used")
		}
	}
	return out, nil
}

func (sp *SP) checkResponse(resp *saml.Response, signed bool, now time.Time) error {
	if resp.ID == "" || resp.Version != "2.0" {
		return fail(ReasonMalformed, "Response without ID or not SAML 2.0")
	}
	// Destination is mandatory on a signed message (bindings §3.5.5.2).
	if resp.Destination != sp.cfg.ACSURL && (signed || resp.Destination != "") {
		return fail(ReasonDestination, "Response Destination is "+resp.Destination)
	}
	if resp.Issuer != nil && resp.Issuer.Value != sp.idp.entityID {
		return fail(ReasonIssuer, "Response Issuer is "+resp.Issuer.Value)
	}
	if err := checkIssued(resp.IssueInstant, now); err != nil {
		return err
	}
	if code := resp.Status.StatusCode.Value; code != saml.StatusSuccess {
		e := fail(ReasonStatus, "IdP status "+code)
		e.Status = code
		if sub := resp.Status.StatusCode.StatusCode; sub != nil {
			e.Status = sub.Value
		}
		return e
	}
	return nil
}

func checkIssued(at, now time.Time) error {
	if at.IsZero() {
		return fail(ReasonMalformed, "missing IssueInstant")
	}
	if at.After(now.Add(ClockSkew)) {
		return fail(ReasonExpired, "issued in the future")
	}
	if now.After(at.Add(MaxAge + ClockSkew)) {
		return fail(ReasonExpired, "issued too long ago")
	}
	return nil
}
