package token

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// ID tokens are verified for relying parties inside cirro — the identity
// pools, which accept a user pool's ID tokens as logins — so the failures
// carry Cognito Identity's wording, not the user pool's. Quoted verbatim
// from Cognito Identity by SDK users: "Couldn't verify signed token"
// (amazon-cognito-identity-js #91), "Missing a required claim: aud" for an
// access token given instead (#12), "Token expired: <now> >= <exp>"
// (JciHitachiHA #33). The ones marked "ours" are not documented.
const (
	msgLoginUnverifiable = "Invalid login token. Couldn't verify signed token."
	msgLoginNoAudience   = "Invalid login token. Missing a required claim: aud"
	msgLoginNotID        = "Invalid login token. Not a valid OpenId Connect identity token." // ours
	msgLoginRevoked      = "Invalid login token. The token has been revoked."                // ours
	msgLoginClientGone   = "Invalid login token. The token's app client does not exist."     // ours
)

// IDClaims are a verified ID token's claims.
type IDClaims struct {
	PoolID string
	// ClientID is the aud claim: the app client the token was issued to.
	ClientID  string
	Sub       string
	OriginJTI string
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Claims is the whole verified payload (numbers as json.Number), for
	// what relying parties read beyond the standard claims: role rules,
	// principal tags, cognito:roles.
	Claims map[string]any
}

// VerifyID checks a user pool ID token presented as a login: signature by
// the ID key of the pool its iss names, token_use, aud and expiry. It does
// not consult revocation; CheckIDLive does, for relying parties that ask
// for it (an identity pool's ServerSideTokenCheck). Every failure is
// NotAuthorizedException.
func (s *Service) VerifyID(ctx context.Context, idToken string) (*IDClaims, error) {
	var raw json.RawMessage
	poolID, err := s.verifySigned(ctx, idToken, UseID, &raw)
	if errs.Is(err, errs.NotAuthorizedException) {
		return nil, notAuthorized(unverifiedLoginMessage(idToken))
	}
	if err != nil {
		return nil, err
	}
	claims := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		return nil, notAuthorized(msgLoginNotID)
	}
	use, _ := claims["token_use"].(string)
	sub, _ := claims["sub"].(string)
	aud, _ := claims["aud"].(string)
	origin, _ := claims["origin_jti"].(string)
	iat, _ := numberClaim(claims["iat"])
	exp, okExp := numberClaim(claims["exp"])
	switch {
	case aud == "":
		return nil, notAuthorized(msgLoginNoAudience)
	case use != UseID || sub == "" || !okExp:
		return nil, notAuthorized(msgLoginNotID)
	}
	if now := s.clock.Now().Unix(); now >= exp {
		return nil, notAuthorized(fmt.Sprintf("Invalid login token. Token expired: %d >= %d", now, exp))
	}
	return &IDClaims{
		PoolID: poolID, ClientID: aud, Sub: sub, OriginJTI: origin,
		IssuedAt: time.Unix(iat, 0), ExpiresAt: time.Unix(exp, 0), Claims: claims,
	}, nil
}

// CheckIDLive checks what VerifyID leaves out, the way Cognito's
// ServerSideTokenCheck does: that the token's app client still exists in
// its pool and that neither its session nor the user's tokens were
// revoked (global sign-out, deletion, disabling).
func (s *Service) CheckIDLive(ctx context.Context, c *IDClaims) error {
	p := &accessPayload{ClientID: c.ClientID, Sub: c.Sub, OriginJTI: c.OriginJTI, IssuedAt: c.IssuedAt.Unix()}
	err := s.store.Read(ctx, func(tx store.Tx) error { return s.checkLive(ctx, tx, c.PoolID, p) })
	if e, ok := errs.As(err); ok && e.Code == errs.UserNotFoundException {
		// A deleted user's login is a revoked one to an identity pool.
		return notAuthorized(msgLoginRevoked)
	}
	if e, ok := errs.As(err); ok && e.Code == errs.NotAuthorizedException {
		if e.Message == msgAccessRevoked {
			return notAuthorized(msgLoginRevoked)
		}
		return notAuthorized(msgLoginClientGone)
	}
	return err
}

// unverifiedLoginMessage explains a token that did not verify as an ID
// token. The commonest mistake, an access token given as a login, gets
// the answer Cognito gives it: access tokens have no aud.
func unverifiedLoginMessage(tok string) string {
	if len(tok) <= maxTokenBytes {
		if jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256}); err == nil {
			var peek struct {
				TokenUse string `json:"token_use"`
			}
			if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &peek) == nil && peek.TokenUse == UseAccess {
				return msgLoginNoAudience
			}
		}
	}
	return msgLoginUnverifiable
}

func numberClaim(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}
