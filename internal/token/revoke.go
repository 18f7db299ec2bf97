package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// KindRevokedOrigin is the record kind of revoked sessions: the id is an
// origin_jti whose ID and access tokens VerifyAccess refuses. A record
// expires when the last token of the session can have expired.
const KindRevokedOrigin = "revokedorigin"

type revokedDoc struct {
	Revoked time.Time `json:"revoked"`
}

// RevokeRefreshToken is RevokeToken: it revokes a refresh token and every
// token of its session — the ID and access tokens minted from it and,
// with rotation, the refresh tokens that replaced it. The caller has
// authenticated the client (ClientSecret). As Cognito's revocation
// endpoint does, it succeeds silently for a token that is unknown, already
// revoked or issued to another client: revocation reveals nothing.
func (s *Service) RevokeRefreshToken(ctx context.Context, token, clientID string) error {
	if looksLikeJWT(token) {
		return errs.New(errs.UnsupportedTokenTypeException, msgNotRefresh)
	}
	return s.store.Write(ctx, func(tx store.Tx) error {
		client, err := s.dir.Client(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if !revocable(client) {
			return errs.New(errs.UnsupportedOperationException, msgRevocationOff)
		}
		_, d, err := getRefresh(ctx, tx, refreshID(token))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.Client != clientID {
			return nil
		}
		return revokeOrigin(ctx, tx, d.Pool, d.Origin, s.clock.Now())
	})
}

// looksLikeJWT recognises an ID or access token given where a refresh
// token is expected: three base64url parts, the first a JOSE header.
func looksLikeJWT(token string) bool {
	parts := strings.Split(token, ".")
	return len(parts) == 3 && strings.HasPrefix(parts[0], "eyJ")
}

// RevokeAllForUser is global sign-out: every refresh token of the user is
// revoked, and so is every session they began. The caller sets the
// user's TokensValidAfter to now as well (which VerifyAccess compares at
// the one-second resolution of iat); revoking the sessions closes the
// window of tokens issued in that same second before the sign-out.
func (s *Service) RevokeAllForUser(ctx context.Context, poolID, sub string, now time.Time) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		return s.RevokeUserTokens(ctx, tx, poolID, sub, now)
	})
}

// RevokeUserTokens is RevokeAllForUser inside the caller's transaction,
// for callers that set TokensValidAfter, disable or delete the user in
// the same commit.
func (s *Service) RevokeUserTokens(ctx context.Context, tx store.Tx, poolID, sub string, now time.Time) error {
	recs, err := tx.List(ctx, store.Query{Kind: KindRefreshToken, Scope: poolID, KeyName: refreshKeyUser, KeyValue: sub})
	if err != nil {
		return err
	}
	origins := map[string]bool{}
	for _, rec := range recs {
		var d refreshDoc
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return err
		}
		// Even a session whose refresh token has expired may still have
		// live access tokens (refresh validity can be shorter than access).
		origins[d.Origin] = true
		if !d.RevokedAt.IsZero() || !now.Before(d.Expires) {
			continue
		}
		d.RevokedAt = now
		if err := updateRefresh(ctx, tx, rec, &d); err != nil {
			return err
		}
	}
	for origin := range origins {
		if err := putRevokedOrigin(ctx, tx, poolID, origin, now); err != nil {
			return err
		}
	}
	return nil
}

// revokeOrigin revokes a session: its refresh tokens become tombstones
// and its ID and access tokens are refused from now on.
func revokeOrigin(ctx context.Context, tx store.Tx, poolID, origin string, now time.Time) error {
	recs, err := tx.List(ctx, store.Query{Kind: KindRefreshToken, Scope: poolID, KeyName: refreshKeyOrigin, KeyValue: origin})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		var d refreshDoc
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return err
		}
		if !d.RevokedAt.IsZero() {
			continue
		}
		d.RevokedAt = now
		if err := updateRefresh(ctx, tx, rec, &d); err != nil {
			return err
		}
	}
	return putRevokedOrigin(ctx, tx, poolID, origin, now)
}

// putRevokedOrigin records a revoked session until every token of it has
// expired (no ID or access token lives longer than MaxTokenValidity).
func putRevokedOrigin(ctx context.Context, tx store.Tx, poolID, origin string, now time.Time) error {
	data, err := json.Marshal(revokedDoc{Revoked: now})
	if err != nil {
		return err
	}
	until := now.Add(MaxTokenValidity + retireLeeway)
	rec, err := tx.Get(ctx, KindRevokedOrigin, origin)
	if errors.Is(err, store.ErrNotFound) {
		err = tx.Insert(ctx, &store.Record{Kind: KindRevokedOrigin, ID: origin, Scope: poolID, Data: data, Expires: until})
		if errors.Is(err, store.ErrExists) {
			// A concurrent revocation of the same session won; run again.
			return fmt.Errorf("token: revoked origin %s: %w", origin, store.ErrConflict)
		}
		return err
	}
	if err != nil {
		return err
	}
	if rec.Expires.Before(until) {
		rec.Expires = until
		return tx.Update(ctx, rec)
	}
	return nil
}

// DeleteUserTokens removes a deleted user's refresh tokens, inside the
// transaction that deletes the user (it fits user.Service.OnDelete). No
// tombstones: the user's ID and access tokens are refused because the
// user no longer exists, and so are the refresh tokens, being gone.
func (s *Service) DeleteUserTokens(ctx context.Context, tx store.Tx, poolID, sub string) error {
	recs, err := tx.List(ctx, store.Query{Kind: KindRefreshToken, Scope: poolID, KeyName: refreshKeyUser, KeyValue: sub})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := tx.Delete(ctx, KindRefreshToken, rec.ID); err != nil {
			return err
		}
	}
	return nil
}

// RevokeDeviceTokens revokes, inside the caller's transaction, the
// refresh tokens of a user that are bound to a remembered device, for
// ForgetDevice and AdminForgetDevice: such a token is usable only with
// its device, so forgetting the device ends it. Cognito does not document
// what forgetting does to the tokens already issued; the ID and access
// tokens are left to expire (the access token that forgets the device
// still works), and only the refresh tokens are revoked, as tombstones
// that answer "Refresh Token has been revoked".
func (s *Service) RevokeDeviceTokens(ctx context.Context, tx store.Tx, poolID, sub, deviceKey string, now time.Time) error {
	recs, err := tx.List(ctx, store.Query{Kind: KindRefreshToken, Scope: poolID, KeyName: refreshKeyUser, KeyValue: sub})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		var d refreshDoc
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return err
		}
		if d.DeviceKey != deviceKey || !d.RevokedAt.IsZero() {
			continue
		}
		d.RevokedAt = now
		if err := updateRefresh(ctx, tx, rec, &d); err != nil {
			return err
		}
	}
	return nil
}
