package token

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// IssueTokens mints the ID, access and (unless NoRefreshToken) refresh
// tokens of a successful sign-in. The caller has authenticated the user
// and run the pre token generation trigger; IssueTokens only signs and
// records. Errors are internal failures, never a client's mistake.
func (s *Service) IssueTokens(ctx context.Context, req IssueRequest) (*Tokens, error) {
	m, err := s.MintTokens(ctx, req)
	if err != nil {
		return nil, err
	}
	if m.refresh != nil {
		if err := s.store.Write(ctx, func(tx store.Tx) error { return m.Record(ctx, tx) }); err != nil {
			return nil, err
		}
	}
	return m.Tokens, nil
}

// Minted are signed tokens whose refresh token is not stored yet: the
// caller records it with Record inside the transaction that commits the
// rest of the sign-in (its auth event, its spent session), so a sign-in
// costs one write, and tokens whose sign-in did not commit never work.
type Minted struct {
	Tokens *Tokens
	// refresh is the record of Tokens.RefreshToken; nil without one.
	refresh *refreshDoc
	id      string
}

// MintTokens signs the tokens of IssueTokens and makes the refresh token,
// without storing anything: the refresh token works only once Record has
// been committed. Signing comes first, outside any transaction, because
// it is the expensive part and a transaction may be re-run.
func (s *Service) MintTokens(ctx context.Context, req IssueRequest) (*Minted, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	ss := &session{
		poolID: req.PoolID, client: req.Client, authTime: req.AuthTime, origin: uuid.NewString(),
		eventID: req.EventID, deviceKey: req.DeviceKey, scopes: req.Scopes, oauth: req.OAuth, nonce: req.Nonce,
	}
	if ss.authTime.IsZero() {
		ss.authTime = now
	}
	if ss.scopes == nil {
		ss.scopes = []string{ScopeAdmin}
	}
	if ss.eventID == "" && !req.OAuth {
		ss.eventID = uuid.NewString()
	}
	toks, err := s.mint(ctx, ss, &req.User, &req.Customize, now)
	if err != nil {
		return nil, err
	}
	m := &Minted{Tokens: toks}
	if !req.NoRefreshToken {
		rt, doc := newRefresh(ss, &req.User, now, refreshLifetime(req.Client))
		toks.RefreshToken, m.refresh, m.id = rt, doc, refreshID(rt)
	}
	return m, nil
}

// Record stores the refresh token, if any, in tx. It may run again when
// tx is re-run.
func (m *Minted) Record(ctx context.Context, tx store.Tx) error {
	if m.refresh == nil {
		return nil
	}
	return insertRefresh(ctx, tx, m.id, m.refresh)
}

// mint signs the ID and access tokens of a session with the pool's
// current keys.
func (s *Service) mint(ctx context.Context, ss *session, u *Subject, cz *Customization, now time.Time) (*Tokens, error) {
	ks, err := s.keySet(ctx, ss.poolID, true)
	if err != nil {
		return nil, err
	}
	accessKey, idKey := ks.signer(UseAccess, now), ks.signer(UseID, now)
	if accessKey == nil || idKey == nil {
		return nil, fmt.Errorf("token: pool %s has no signing key at %v", ss.poolID, now)
	}
	accessTTL, idTTL, _ := pool.ClientTokenValidity(ss.client)
	g := groupClaims(u.Groups, cz.Groups)
	at, err := accessKey.sign(s.accessClaims(ss, u, cz, g, now, now.Add(accessTTL)))
	if err != nil {
		return nil, err
	}
	it, err := idKey.sign(s.idClaims(ss, u, cz, g, at, now, now.Add(idTTL)))
	if err != nil {
		return nil, err
	}
	return &Tokens{IDToken: it, AccessToken: at, ExpiresIn: int32(accessTTL / time.Second), OriginJTI: ss.origin}, nil
}

// sign makes a compact RS256 JWS of the claims; the header carries alg
// and kid only, as Cognito's does.
func (k *signingKey) sign(c claimSet) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("token: encode claims: %w", err)
	}
	obj, err := k.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("token: sign: %w", err)
	}
	return obj.CompactSerialize()
}
