package federation

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
)

// Start sends a browser to a provider: for OAuth 2.0 and OIDC providers
// to its authorization endpoint with state, nonce and a PKCE challenge
// (S256), for SAML providers with an AuthnRequest.
func (s *Service) Start(ctx context.Context, in StartRequest) (*Redirect, error) {
	idp, err := s.provider(ctx, in.PoolID, in.Provider)
	if err != nil {
		if errs.Is(err, errs.ResourceNotFoundException) {
			return nil, &Failure{Resume: in.Resume, Code: "invalid_request", Description: "The identity provider " + in.Provider + " does not exist."}
		}
		return nil, err
	}
	binding := in.Binding
	if len(binding) < 32 {
		binding = random()
	}
	doc := &stateDoc{Pool: in.PoolID, Client: in.ClientID, Provider: in.Provider, Binding: hashHex(binding),
		Callback: in.Callback, Resume: in.Resume}
	if deref(idp.ProviderType) == typeSAML {
		return s.startSAML(ctx, idp, doc, binding)
	}
	u, err := s.upstreamOf(ctx, idp)
	if err != nil {
		return nil, s.upstreamFailure(ctx, in.Resume, err)
	}
	q := url.Values{
		"response_type": {"code"}, "client_id": {u.clientID}, "redirect_uri": {in.Callback},
	}
	if u.scopes != "" {
		q.Set("scope", u.scopes)
	}
	if u.idToken {
		doc.Nonce = random()
		q.Set("nonce", doc.Nonce)
	}
	if u.pkce {
		verifier := random()
		doc.Verifier = s.keys.Seal(verifierPurpose, []byte(verifier), []byte(doc.Binding))
		sum := sha256.Sum256([]byte(verifier))
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
	}
	if u.formPost {
		q.Set("response_mode", "form_post")
	}
	state, err := s.saveState(ctx, doc)
	if err != nil {
		return nil, err
	}
	q.Set("state", state)
	target, err := url.Parse(u.authorizeURL)
	if err != nil {
		return nil, s.upstreamFailure(ctx, in.Resume, err)
	}
	// Parameters the configured URL carries (a tenant, a prompt) stay.
	merged := target.Query()
	for k, v := range q {
		merged[k] = v
	}
	target.RawQuery = strings.ReplaceAll(merged.Encode(), "+", "%20")
	return &Redirect{URL: target.String(), Binding: binding}, nil
}
