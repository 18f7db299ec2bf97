package samlsp

import "errors"

// Reason classifies why a SAML message was refused. The federation core
// maps reasons to Cognito-style messages; Error.Detail is for logs only
// (it may quote values from the message) and must not reach a client.
type Reason string

// Reasons. Compare with errors.Is against the Err* sentinels.
const (
	ReasonMalformed     Reason = "malformed"      // not decodable / not a SAML message of the expected shape
	ReasonTooLarge      Reason = "too_large"      // over the 100,000-character limit
	ReasonSignature     Reason = "signature"      // unsigned, or a signature that does not verify against the IdP certificates
	ReasonIssuer        Reason = "issuer"         // Issuer is not the IdP's entity id
	ReasonDestination   Reason = "destination"    // Destination or Recipient is not our endpoint
	ReasonAudience      Reason = "audience"       // AudienceRestriction does not name our entity id
	ReasonExpired       Reason = "expired"        // outside NotBefore/NotOnOrAfter/IssueInstant bounds
	ReasonInResponseTo  Reason = "in_response_to" // answers a request we did not send (or no longer wait for)
	ReasonUnsolicited   Reason = "unsolicited"    // IdP-initiated while IDPInit is off
	ReasonReplay        Reason = "replay"         // this assertion or response was already consumed
	ReasonDecrypt       Reason = "decrypt"        // EncryptedAssertion that our key cannot decrypt
	ReasonNotEncrypted  Reason = "not_encrypted"  // plain assertion while EncryptedResponses is on
	ReasonStatus        Reason = "status"         // the IdP answered with a non-Success status
	ReasonMetadata      Reason = "metadata"       // IdP metadata unusable (Detail is safe to show)
	ReasonConfiguration Reason = "configuration"  // this SP cannot do what was asked (e.g. no SLO endpoint)
)

// Error is every error this package returns for a refused message or bad
// configuration. Status carries the IdP's StatusCode for ReasonStatus.
type Error struct {
	Reason Reason
	Detail string
	Status string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "saml: " + string(e.Reason)
	}
	return "saml: " + string(e.Reason) + ": " + e.Detail
}

// Is matches any *Error with the same Reason, so errors.Is(err, ErrReplay)
// works whatever the detail.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Reason == e.Reason
}

// Sentinels, one per Reason.
var (
	ErrMalformed     = &Error{Reason: ReasonMalformed}
	ErrTooLarge      = &Error{Reason: ReasonTooLarge}
	ErrSignature     = &Error{Reason: ReasonSignature}
	ErrIssuer        = &Error{Reason: ReasonIssuer}
	ErrDestination   = &Error{Reason: ReasonDestination}
	ErrAudience      = &Error{Reason: ReasonAudience}
	ErrExpired       = &Error{Reason: ReasonExpired}
	ErrInResponseTo  = &Error{Reason: ReasonInResponseTo}
	ErrUnsolicited   = &Error{Reason: ReasonUnsolicited}
	ErrReplay        = &Error{Reason: ReasonReplay}
	ErrDecrypt       = &Error{Reason: ReasonDecrypt}
	ErrNotEncrypted  = &Error{Reason: ReasonNotEncrypted}
	ErrStatus        = &Error{Reason: ReasonStatus}
	ErrMetadata      = &Error{Reason: ReasonMetadata}
	ErrConfiguration = &Error{Reason: ReasonConfiguration}
)

func fail(r Reason, detail string) *Error { return &Error{Reason: r, Detail: detail} }
