package sigv4

import (
	"fmt"
	"strings"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
)

// authorization is a parsed "Authorization: AWS4-HMAC-SHA256 …" header.
// Parsing checks shape only; whether the scope fits the request is the
// verifier's business.
type authorization struct {
	accessKeyID string
	date        string // YYYYMMDD
	region      string
	service     string
	terminal    string
	// signedHeaders is kept as sent: it enters the canonical request verbatim,
	// so re-joining a normalized list could only break a matching signature.
	signedHeaders string
	headers       []string
	signature     string
}

func (a *authorization) scope() string {
	return a.date + "/" + a.region + "/" + a.service + "/" + a.terminal
}

// parseAuthorization parses the header value h. hasDate says whether the
// request carries X-Amz-Date or Date: AWS reports a missing date together
// with missing parameters, in one message.
func parseAuthorization(h string, hasDate bool) (*authorization, error) {
	h = strings.TrimSpace(h)
	alg, rest := h, ""
	if i := strings.IndexAny(h, " \t"); i >= 0 {
		alg, rest = h[:i], h[i+1:]
	}
	// AWS answers a foreign scheme (Bearer, Basic, AWS v2 …) as if there were
	// no credentials at all, and only an AWS4 one it cannot use as malformed.
	if !strings.HasPrefix(alg, "AWS4-") {
		return nil, missingToken()
	}
	if alg != algorithm {
		return nil, incomplete(fmt.Sprintf("Unsupported AWS 'algorithm': '%s' (only %s for now). ", printable(alg), algorithm))
	}

	var credential, signedHeaders, signature string
	var seenCredential, seenSignedHeaders, seenSignature bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, incomplete(fmt.Sprintf("Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '%s'.", hashed(h)))
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		var dst *string
		var seen *bool
		switch k {
		case "Credential":
			dst, seen = &credential, &seenCredential
		case "SignedHeaders":
			dst, seen = &signedHeaders, &seenSignedHeaders
		case "Signature":
			dst, seen = &signature, &seenSignature
		default:
			continue // unknown parameters are not part of the signature
		}
		// Two values for one parameter leave it to chance which one a proxy
		// and this verifier each look at.
		if *seen {
			return nil, incomplete(fmt.Sprintf("Duplicate '%s' parameter in Authorization header (hashed with SHA-256 and encoded with Base64): '%s'.", k, hashed(h)))
		}
		*dst, *seen = v, true
	}

	var missing strings.Builder
	if credential == "" {
		missing.WriteString("Authorization header requires 'Credential' parameter. ")
	}
	if signature == "" {
		missing.WriteString("Authorization header requires 'Signature' parameter. ")
	}
	// An empty SignedHeaders is well formed; it fails later, for lack of host.
	if !seenSignedHeaders {
		missing.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
	}
	if !hasDate {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		return nil, incomplete(missing.String() + "Authorization=" + hashed(h) + " (hashed with SHA-256 and encoded with Base64)")
	}

	scope := strings.Split(strings.TrimRight(credential, "/"), "/")
	if len(scope) != 5 {
		return nil, incomplete(fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", printable(credential)))
	}
	a := &authorization{
		accessKeyID:   scope[0],
		date:          scope[1],
		region:        scope[2],
		service:       scope[3],
		terminal:      scope[4],
		signedHeaders: signedHeaders,
		signature:     signature,
	}
	if signedHeaders != "" {
		a.headers = strings.Split(signedHeaders, ";")
	}
	return a, nil
}
