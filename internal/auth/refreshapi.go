package auth

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/token"
)

// RefreshPreparer is token.RefreshRequest.Prepare for
// GetTokensFromRefreshToken, whose caller has checked the client and its
// secret: the renewal of REFRESH_TOKEN_AUTH (the user as they are now,
// the token hooks, so pre token generation runs with source
// TokenGeneration_RefreshTokens and the request's ClientMetadata).
func (s *Service) RefreshPreparer(ctx context.Context, clientID string, clientMetadata map[string]string) (func(context.Context, *token.Grant) (*token.Renewal, error), error) {
	r, err := s.open(ctx, false, nil, clientID)
	if err != nil {
		return nil, err
	}
	r.Name, r.ClientMetadata, r.Context = cognitoidp.AuthFlowTypeRefreshTokenAuth, clientMetadata, contextOf(ctx, nil, nil)
	return func(ctx context.Context, g *token.Grant) (*token.Renewal, error) {
		r.Params = map[string]string{}
		s.hostedSecretHash(r, g.Username) // the secret was checked; renew checks the hash of it
		return s.renew(ctx, r, g)
	}, nil
}
