package oauth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// KindCode is the record kind of authorization codes; the id is the
// SHA-256 of the code.
const KindCode = "oauthcode"

// CodeLifetime: "The response returns a one time use code that is valid
// for five minutes." (developer guide, "Authorize endpoint")
const CodeLifetime = 5 * time.Minute

// codeMemory is how long a redeemed code is remembered, so that a replay
// is recognised (and what it issued revoked) rather than answered as an
// unknown code.
const codeMemory = 15 * time.Minute

const codeRefreshPurpose = "oauth-code-refresh"

type codeDoc struct {
	Client      string    `json:"client"`
	RedirectURI string    `json:"redirect_uri"`
	Sub         string    `json:"sub"`
	AuthTime    time.Time `json:"auth_time"`
	Scopes      []string  `json:"scopes"`
	Nonce       string    `json:"nonce,omitempty"`
	Challenge   string    `json:"challenge,omitempty"`
	Method      string    `json:"method,omitempty"`
	Expires     time.Time `json:"expires"`
	// Redeemed is when the code was exchanged; Refresh is the refresh
	// token that exchange issued, sealed, kept to revoke it on a replay;
	// Replayed marks a replay that came before Refresh was recorded.
	Redeemed time.Time `json:"redeemed,omitzero"`
	Refresh  []byte    `json:"refresh,omitempty"`
	Replayed bool      `json:"replayed,omitempty"`
}

// issueCode records an authorization code for a signed-in user.
func (h *Handler) issueCode(ctx context.Context, a *authz, poolID string, sess *sessionDoc) (string, error) {
	code := randomToken()
	now := h.clock.Now()
	doc := codeDoc{
		Client: *a.client.ClientId, RedirectURI: a.RedirectURI, Sub: sess.Sub, AuthTime: sess.AuthTime,
		Scopes: a.scopes, Nonce: a.Nonce, Challenge: a.Challenge, Method: a.ChallengeMethod,
		Expires: now.Add(CodeLifetime),
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	err = h.store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: KindCode, ID: hashID(code), Scope: poolID, Data: data, Expires: now.Add(codeMemory)})
	})
	if err != nil {
		return "", fmt.Errorf("oauth: record code: %w", err)
	}
	return code, nil
}

// codeGrant is a redemption of a code by an authenticated client.
type codeGrant struct {
	poolID, clientID, code, redirectURI, verifier string
}

var errCodeInvalid = errInvalidGrant("The authorization code is invalid, expired or already used.")

// redeemCode exchanges a code for tokens. The code is spent in its own
// transaction before tokens are minted, so two concurrent redemptions
// cannot both succeed; a code presented with the wrong client, redirect
// URI or PKCE verifier is spent too (its holder is not the one it was
// issued to). A replay of a redeemed code revokes the tokens of the first
// redemption (RFC 6749 §4.1.2: "the authorization server … SHOULD revoke
// (when possible) all tokens previously issued based on that
// authorization code").
func (h *Handler) redeemCode(ctx context.Context, g codeGrant) (*token.Tokens, error) {
	id := hashID(g.code)
	var doc codeDoc
	var replay []byte
	err := h.store.Write(ctx, func(tx store.Tx) error {
		doc, replay = codeDoc{}, nil
		rec, err := tx.Get(ctx, KindCode, id)
		if err != nil {
			return err
		}
		if rec.Scope != g.poolID {
			return store.ErrNotFound
		}
		if err := json.Unmarshal(rec.Data, &doc); err != nil {
			return err
		}
		if !doc.Redeemed.IsZero() {
			replay, doc.Replayed = doc.Refresh, true
			return saveCode(ctx, tx, rec, &doc)
		}
		now := h.clock.Now()
		if !now.Before(doc.Expires) || doc.Client != g.clientID || doc.RedirectURI != g.redirectURI || !pkceOK(doc.Challenge, doc.Method, g.verifier) {
			return errCodeMismatch
		}
		doc.Redeemed = now
		return saveCode(ctx, tx, rec, &doc)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, errCodeInvalid
	case errors.Is(err, errCodeMismatch):
		h.spendCode(ctx, id)
		return nil, errCodeInvalid
	case err != nil:
		return nil, err
	case doc.Replayed:
		h.revokeSealed(ctx, id, replay, doc.Client)
		return nil, errCodeInvalid
	}
	toks, err := h.auth.HostedTokens(ctx, auth.HostedGrant{
		ClientID: g.clientID, Sub: doc.Sub, AuthTime: doc.AuthTime, Scopes: doc.Scopes, Nonce: doc.Nonce,
	})
	if err != nil {
		return nil, err
	}
	return toks, h.recordIssued(ctx, id, doc.Client, toks)
}

var errCodeMismatch = errors.New("oauth: code presented by the wrong party")

func saveCode(ctx context.Context, tx store.Tx, rec *store.Record, doc *codeDoc) error {
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	rec.Data = data
	return tx.Update(ctx, rec)
}

// spendCode deletes a code that was presented by someone it was not
// issued to.
func (h *Handler) spendCode(ctx context.Context, id string) {
	err := h.store.Write(ctx, func(tx store.Tx) error {
		err := tx.Delete(ctx, KindCode, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		h.log.ErrorContext(ctx, "oauth: spend code", "err", err)
	}
}

// recordIssued keeps the refresh token a redemption issued, sealed, so a
// replay can revoke it. If a replay came in while the tokens were being
// minted, they are revoked at once and the redemption fails too.
func (h *Handler) recordIssued(ctx context.Context, id, clientID string, toks *token.Tokens) error {
	sealed := h.keys.Seal(codeRefreshPurpose, []byte(toks.RefreshToken), []byte(id))
	replayed := false
	err := h.store.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindCode, id)
		if err != nil {
			return err
		}
		var doc codeDoc
		if err := json.Unmarshal(rec.Data, &doc); err != nil {
			return err
		}
		replayed = doc.Replayed
		doc.Refresh = sealed
		return saveCode(ctx, tx, rec, &doc)
	})
	if errors.Is(err, store.ErrNotFound) {
		err = nil // swept: nothing can replay it any more
	}
	if err != nil {
		h.revokeSealed(ctx, id, sealed, clientID)
		return err
	}
	if replayed {
		h.revokeSealed(ctx, id, sealed, clientID)
		return errCodeInvalid
	}
	return nil
}

// revokeSealed revokes the session of a sealed refresh token. A client
// without token revocation has tokens that cannot be revoked (they carry
// no origin_jti); nothing more can be done for it.
func (h *Handler) revokeSealed(ctx context.Context, id string, sealed []byte, clientID string) {
	if len(sealed) == 0 {
		return
	}
	rt, err := h.keys.Open(codeRefreshPurpose, sealed, []byte(id))
	if err == nil && len(rt) > 0 {
		err = h.tokens.RevokeRefreshToken(ctx, string(rt), clientID)
	}
	if err != nil && !isClientError(err) {
		h.log.ErrorContext(ctx, "oauth: revoke tokens of a replayed code", "err", err)
	}
}

// pkceOK verifies a code_verifier against the challenge of the
// authorization request (RFC 7636 §4.6); a code issued without PKCE
// needs none.
func pkceOK(challenge, method, verifier string) bool {
	if challenge == "" {
		return true
	}
	if !pkceVerifier.MatchString(verifier) {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}
