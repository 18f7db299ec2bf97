package token

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
)

// ClientRequest asks for the access token of a client_credentials grant:
// a machine acting for itself, with no user.
type ClientRequest struct {
	PoolID string
	Client *cognitoidp.UserPoolClientType
	// Scopes are the resource-server scopes granted, already checked
	// against the client's AllowedOAuthScopes.
	Scopes []string
}

// IssueClientToken mints a machine-to-machine access token. Its claims are
// those of Cognito's client-credentials tokens (developer guide, "Scopes,
// M2M, and APIs with resource servers"): sub and client_id are the app
// client, scope the granted scopes, version 2, a jti; no username, no
// origin_jti and no refresh token, since there is no sign-in session to
// refresh or revoke.
func (s *Service) IssueClientToken(ctx context.Context, req ClientRequest) (*Tokens, error) {
	switch {
	case !ValidPoolID(req.PoolID):
		return nil, errors.New("token: ClientRequest without a valid PoolID")
	case req.Client == nil || req.Client.ClientId == nil || *req.Client.ClientId == "":
		return nil, errors.New("token: ClientRequest without a client")
	case req.Client.UserPoolId != nil && *req.Client.UserPoolId != req.PoolID:
		return nil, errors.New("token: ClientRequest client belongs to another pool")
	}
	now := s.clock.Now()
	ks, err := s.keySet(ctx, req.PoolID, true)
	if err != nil {
		return nil, err
	}
	key := ks.signer(UseAccess, now)
	if key == nil {
		return nil, fmt.Errorf("token: pool %s has no signing key at %v", req.PoolID, now)
	}
	ttl, _, _ := pool.ClientTokenValidity(req.Client)
	c := claimSet{
		"sub":       *req.Client.ClientId,
		"token_use": UseAccess,
		"auth_time": now.Unix(),
		"iss":       s.Issuer(req.PoolID),
		"exp":       now.Add(ttl).Unix(),
		"iat":       now.Unix(),
		"version":   2,
		"jti":       uuid.NewString(),
		"client_id": *req.Client.ClientId,
	}
	if scope := joinScopes(req.Scopes, &Customization{}); scope != "" {
		c["scope"] = scope
	}
	at, err := key.sign(c)
	if err != nil {
		return nil, err
	}
	return &Tokens{AccessToken: at, ExpiresIn: int32(ttl / time.Second)}, nil
}
