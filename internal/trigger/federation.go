package trigger

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Inbound federation (developer guide, "Inbound federation Lambda
// trigger"): when a user signs in through an external identity provider,
// the function sees what the provider said and picks the attributes the
// user gets. cirro has no federation yet; the event is ready for it.

// InboundFederationAttributes is what the provider returned: for OIDC and
// social providers the token response, the ID token's claims and the
// userInfo answer; for SAML the assertion's attributes.
type InboundFederationAttributes struct {
	TokenResponse map[string]string `json:"tokenResponse,omitempty"`
	IDToken       map[string]string `json:"idToken,omitempty"`
	UserInfo      map[string]string `json:"userInfo,omitempty"`
	SAMLResponse  map[string]string `json:"samlResponse,omitempty"`
}

// InboundFederationRequest is what inbound federation is told.
type InboundFederationRequest struct {
	ProviderName string                      `json:"providerName"`
	ProviderType string                      `json:"providerType"`
	Attributes   InboundFederationAttributes `json:"attributes"`
}

// InboundFederationResponse are the attributes to map to the user; null
// keeps the pool's attribute mapping.
type InboundFederationResponse struct {
	UserAttributesToMap map[string]string `json:"userAttributesToMap"`
}

// InboundFederationEvent is the inbound federation event.
type InboundFederationEvent = Event[InboundFederationRequest, InboundFederationResponse]

// InboundFederation invokes inbound federation.
func (s *Service) InboundFederation(ctx context.Context, p *cognitoidp.UserPoolType, c Caller, req InboundFederationRequest) (*InboundFederationResponse, error) {
	arn, _ := attached(p, PointInboundFederation)
	if arn == "" {
		return nil, nil
	}
	ev := &InboundFederationEvent{Header: s.header(ctx, p, InboundFederationExternalProvider, versionV1, c), Request: req}
	return call[InboundFederationResponse](ctx, s, PointInboundFederation, arn, InboundFederationExternalProvider, ev)
}
