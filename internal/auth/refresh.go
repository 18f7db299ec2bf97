package auth

import (
	"context"
	"time"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// refreshFlow is REFRESH_TOKEN_AUTH (and its older name REFRESH_TOKEN):
// new ID and access tokens for the same session (origin_jti and auth_time
// kept), from the user as they are now, and no new refresh token.
// A client that rotates refresh tokens refreshes only through
// GetTokensFromRefreshToken (developer guide, "Refresh tokens": rotation
// "isn't compatible with the authentication flow REFRESH_TOKEN_AUTH").
func (s *Service) refreshFlow(ctx context.Context, r *Request) (*Outcome, error) {
	rt, err := r.Require("REFRESH_TOKEN")
	if err != nil {
		return nil, err
	}
	if token.RotationEnabled(r.Client) {
		return nil, errRotationOn
	}
	toks, err := s.tokens.Refresh(ctx, token.RefreshRequest{
		Token: rt, ClientID: deref(r.Client.ClientId), DeviceKey: r.Param("DEVICE_KEY"), Read: r.snap.refresh,
		Prepare: func(ctx context.Context, g *token.Grant) (*token.Renewal, error) { return s.renew(ctx, r, g) },
	})
	if err != nil {
		return nil, err
	}
	return &Outcome{Tokens: toks}, nil
}

// loadRefresh is the Loader of REFRESH_TOKEN_AUTH: the refresh token,
// checked (token.ReadRefresh), its user, read once for both the
// revocation check and the new tokens, and their groups. A refresh runs
// no Steps, so it returns no user for them to preload.
func (s *Service) loadRefresh(ctx context.Context, tx store.Tx, r *Request) (*user.User, error) {
	rt := r.Param("REFRESH_TOKEN")
	if rt == "" || len(rt) > 2048 || token.RotationEnabled(r.Client) {
		return nil, nil
	}
	var u *user.User
	users := token.UsersFunc(func(ctx context.Context, tx store.Tx, poolID, sub string) (time.Time, bool, error) {
		var err error
		if u, err = s.loadSub(ctx, tx, r, poolID, sub); err != nil || u == nil {
			return time.Time{}, false, err
		}
		return u.TokensValidAfter, true, nil
	})
	req := token.RefreshRequest{Token: rt, ClientID: deref(r.Client.ClientId), DeviceKey: r.Param("DEVICE_KEY")}
	rr, err := s.tokens.ReadRefresh(ctx, tx, req, r.Client, users)
	r.snap.refresh = rr
	if err != nil || !u.Enabled {
		return nil, nil // Refresh and renew answer, in their order
	}
	return nil, s.loadGroups(ctx, tx, r, u)
}

// renew is what a refresh adds to a valid refresh token, for
// REFRESH_TOKEN_AUTH here and for GetTokensFromRefreshToken: SECRET_HASH
// (computed, as the client computes it, over the username the token was
// issued to; it is in r.Params for the flow), a user who may still sign in,
// their current attributes and groups, and the token hooks.
func (s *Service) renew(ctx context.Context, r *Request, g *token.Grant) (*token.Renewal, error) {
	if err := s.checkSecretHash(r, g.Username); err != nil {
		return nil, err
	}
	u, err := s.getUser(ctx, r, g.PoolID, g.Sub)
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errDisabled
	}
	sub, err := s.subjectOf(ctx, r, u)
	if err != nil {
		return nil, err
	}
	ren := &token.Renewal{User: sub}
	for _, h := range s.hooks {
		if err := h.BeforeIssue(ctx, r, u, &ren.Customize); err != nil {
			return nil, err
		}
	}
	return ren, nil
}
