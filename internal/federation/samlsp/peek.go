package samlsp

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
)

// PeekIssuer reads, without verifying anything, the Issuer of the SAML
// message in a request to the logout endpoint (SAMLRequest or
// SAMLResponse, HTTP-POST or HTTP-Redirect binding), so that the caller
// can tell which of a pool's IdPs sent it and build that IdP's SP, whose
// ParseLogoutRequest then verifies the message. The answer is a routing
// hint, never to be trusted.
func PeekIssuer(r *http.Request, param string) (string, error) {
	var raw []byte
	if r.Method == http.MethodGet {
		z, err := base64.StdEncoding.DecodeString(r.URL.Query().Get(param))
		if err != nil || len(z) == 0 {
			return "", fail(ReasonMalformed, param+" is not base64")
		}
		raw, err = io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), MaxResponseSize+1))
		if err != nil || len(raw) > MaxResponseSize {
			return "", fail(ReasonMalformed, param+" does not inflate")
		}
	} else {
		if r.PostForm == nil {
			r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
			if err := r.ParseForm(); err != nil {
				return "", fail(ReasonTooLarge, "form body unreadable or too large")
			}
		}
		var err error
		raw, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(r.PostForm.Get(param)), ""))
		if err != nil || len(raw) == 0 || len(raw) > MaxResponseSize {
			return "", fail(ReasonMalformed, param+" is not base64 or too large")
		}
	}
	el, err := parseXML(raw)
	if err != nil {
		return "", err
	}
	for _, c := range el.ChildElements() {
		if c.Tag == "Issuer" && c.NamespaceURI() == nsAssertion {
			return strings.TrimSpace(c.Text()), nil
		}
	}
	return "", fail(ReasonIssuer, "the message names no Issuer")
}
