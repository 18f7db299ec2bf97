package user

import (
	"context"
	"encoding/json"
	"errors"
	"maps"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// GlobalSignOut signs the user out everywhere: every refresh token is
// revoked, and every ID and access token issued so far is refused by the
// token-authorized operations ("Access Token has been revoked", model).
func (s *SelfService) GlobalSignOut(ctx context.Context, in *cognitoidp.GlobalSignOutRequest) (*cognitoidp.GlobalSignOutResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	err = s.Users.Store.Write(ctx, func(tx store.Tx) error {
		si, err := s.load(ctx, tx, c)
		if err != nil {
			return err
		}
		return s.signOut(ctx, tx, si.pool, si.user, si.rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GlobalSignOutResponse{}, nil
}

// AdminUserGlobalSignOut is GlobalSignOut by an administrator, for any
// user the pool has, whatever its state.
func (s *SelfService) AdminUserGlobalSignOut(ctx context.Context, in *cognitoidp.AdminUserGlobalSignOutRequest) (*cognitoidp.AdminUserGlobalSignOutResponse, error) {
	err := s.Users.Store.Write(ctx, func(tx store.Tx) error {
		p, u, rec, err := s.Users.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		return s.signOut(ctx, tx, p, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminUserGlobalSignOutResponse{}, nil
}

// signOut revokes every token of u in the caller's transaction: the
// tokens issued before now by TokensValidAfter, and every session the
// user began by its origin, which also catches tokens issued earlier in
// the current second (token.RevokeAllForUser).
func (s *SelfService) signOut(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, u *User, rec *store.Record) error {
	now := s.Users.Clock.Now()
	u.TokensValidAfter = now
	if err := s.Users.Save(ctx, tx, p, u, rec); err != nil {
		return err
	}
	return s.Tokens.RevokeUserTokens(ctx, tx, u.PoolID, u.Sub, now)
}

// RevokeToken revokes a refresh token and every token of its session.
// The client must have EnableTokenRevocation, and a confidential client
// must prove its secret. The model gives RevokeToken
// UnauthorizedException, not NotAuthorizedException, for a request that
// is not authorized; its answer for an unknown, revoked or foreign token
// is success, as the revocation endpoint's is (RFC 7009 §2.2).
func (s *SelfService) RevokeToken(ctx context.Context, in *cognitoidp.RevokeTokenRequest) (*cognitoidp.RevokeTokenResponse, error) {
	if _, err := s.client(ctx, *in.ClientId, in.ClientSecret, errs.UnauthorizedException); err != nil {
		return nil, err
	}
	if err := s.Tokens.RevokeRefreshToken(ctx, *in.Token, *in.ClientId); err != nil {
		return nil, err
	}
	return &cognitoidp.RevokeTokenResponse{}, nil
}

// GetTokensFromRefreshToken issues new ID and access tokens from a
// refresh token of the client and, when the client rotates refresh
// tokens, a new refresh token; the presented one then stays usable for
// the client's grace period only (token.Refresh).
func (s *SelfService) GetTokensFromRefreshToken(ctx context.Context, in *cognitoidp.GetTokensFromRefreshTokenRequest) (*cognitoidp.GetTokensFromRefreshTokenResponse, error) {
	_, err := s.client(ctx, *in.ClientId, in.ClientSecret, errs.NotAuthorizedException)
	if err != nil {
		return nil, err
	}
	prepare := s.Users.Renew
	if s.Refresher != nil {
		if prepare, err = s.Refresher(ctx, *in.ClientId, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	toks, err := s.Tokens.Refresh(ctx, token.RefreshRequest{
		Token: *in.RefreshToken, ClientID: *in.ClientId, DeviceKey: deref(in.DeviceKey), Prepare: prepare,
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetTokensFromRefreshTokenResponse{AuthenticationResult: toks.Result()}, nil
}

// client reads an app client and, when it has a secret, checks the
// ClientSecret given, answering a failure with the error type fail. The
// messages are Cognito's for a refresh without or with a wrong secret
// (quoted verbatim in amazon-cognito-identity-dart-2 #164 and
// aws-sdk-net-extensions-cognito #35). A secret given to a public client
// is ignored, as Cognito ignores SECRET_HASH there.
func (s *SelfService) client(ctx context.Context, clientID string, secret *string, fail errs.Code) (*cognitoidp.UserPoolClientType, error) {
	var c *cognitoidp.UserPoolClientType
	err := s.Users.Store.Read(ctx, func(tx store.Tx) (err error) {
		if c, err = s.Users.Pools.Client(ctx, tx, clientID); err != nil {
			return err
		}
		if deref(c.ClientSecret) == "" {
			return nil
		}
		if deref(secret) == "" {
			return errs.New(fail, "Client "+clientID+" is configured for secret but secret was not received.")
		}
		ok, err := s.Users.Pools.VerifyClientSecret(ctx, tx, clientID, *secret)
		if err == nil && !ok {
			err = errs.New(fail, "Unable to verify secret hash for client "+clientID)
		}
		return err
	})
	return c, err
}

// Renew is token.RefreshRequest.Prepare for every way of refreshing
// (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken, the token endpoint):
// the new tokens describe the user as it is now — attributes and groups
// may have changed since sign-in — and a user who may no longer sign in
// gets none.
func (s *Service) Renew(ctx context.Context, g *token.Grant) (*token.Renewal, error) {
	var subject *token.Subject
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		u, _, err := s.Get(ctx, tx, g.PoolID, g.Sub)
		switch {
		case errors.Is(err, ErrNotFound):
			return errUserNotFound
		case err != nil:
			return err
		case !u.Enabled:
			return errUserDisabled
		}
		subject, err = s.Subject(ctx, tx, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &token.Renewal{User: *subject}, nil
}

// Subject is u as its tokens describe it: every attribute (the token
// service keeps those the client may read), the groups with their
// precedence and role, and the linked identities.
func (s *Service) Subject(ctx context.Context, tx store.Tx, u *User) (*token.Subject, error) {
	groups, err := s.SubjectGroups(ctx, tx, u.PoolID, u.Sub)
	if err != nil {
		return nil, err
	}
	return SubjectOf(u, groups), nil
}

// SubjectGroups reads the groups of a user as their tokens carry them, so
// that a caller can read them in a transaction it opened for more
// (the sign-in's one read) and build the Subject later with SubjectOf.
func (s *Service) SubjectGroups(ctx context.Context, tx store.Tx, poolID, sub string) ([]token.Group, error) {
	recs, err := tx.List(ctx, store.Query{Kind: pool.KindGroupMember, Scope: poolID, KeyName: pool.MemberKeyUser, KeyValue: sub})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	names := make([]string, len(recs))
	for i, rec := range recs {
		var m membership
		if err := json.Unmarshal(rec.Data, &m); err != nil {
			return nil, err
		}
		names[i] = m.Group
	}
	gs, err := groupsNamed(ctx, tx, poolID, names)
	if err != nil {
		return nil, err
	}
	out := make([]token.Group, len(gs))
	for i, g := range gs {
		out[i] = token.Group{Name: deref(g.GroupName), Precedence: g.Precedence, RoleArn: deref(g.RoleArn)}
	}
	return out, nil
}

// SubjectOf is u as its tokens describe it, with the groups SubjectGroups
// read for it. It reads nothing, and shares nothing with u that the token
// service could change.
func SubjectOf(u *User, groups []token.Group) *token.Subject {
	out := &token.Subject{Sub: u.Sub, Username: u.Username, Attributes: maps.Clone(u.Attributes), Groups: groups}
	for _, id := range u.Identities {
		out.Identities = append(out.Identities, token.Identity{
			UserID: id.UserID, ProviderName: id.ProviderName, ProviderType: id.ProviderType,
			Issuer: id.Issuer, Primary: id.Primary, DateCreated: id.Created,
		})
	}
	return out
}
