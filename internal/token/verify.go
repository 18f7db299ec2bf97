package token

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// maxTokenBytes caps what is parsed at all; Cognito's model allows tokens
// far shorter than this.
const maxTokenBytes = 16 << 10

// AccessClaims are a verified access token's claims.
type AccessClaims struct {
	PoolID    string
	ClientID  string
	Sub       string
	Username  string
	Scopes    []string
	Groups    []string
	JTI       string
	OriginJTI string
	EventID   string
	DeviceKey string
	AuthTime  time.Time
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// HasScope reports whether the token grants scope.
func (c *AccessClaims) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// RequireScope answers Cognito's error when the token lacks scope, as the
// self-service operations do for ScopeAdmin.
func (c *AccessClaims) RequireScope(scope string) error {
	if !c.HasScope(scope) {
		return notAuthorized(msgMissingScope)
	}
	return nil
}

// accessPayload is the part of an access token's payload cirro reads.
type accessPayload struct {
	Iss       string   `json:"iss"`
	Sub       string   `json:"sub"`
	TokenUse  string   `json:"token_use"`
	ClientID  string   `json:"client_id"`
	Username  string   `json:"username"`
	Scope     string   `json:"scope"`
	Groups    []string `json:"cognito:groups"`
	JTI       string   `json:"jti"`
	OriginJTI string   `json:"origin_jti"`
	EventID   string   `json:"event_id"`
	DeviceKey string   `json:"device_key"`
	AuthTime  int64    `json:"auth_time"`
	IssuedAt  int64    `json:"iat"`
	Expires   int64    `json:"exp"`
}

// VerifyAccess checks an access token presented to a token-authorized
// operation, in the order Cognito's errors imply: signature by the
// pool's access key (the pool is the one its iss names), then token_use
// and expiry, then that the pool and client still exist and that neither
// the session (RevokeToken, global sign-out) nor the user's tokens
// (TokensValidAfter) were revoked. Every failure is NotAuthorizedException.
func (s *Service) VerifyAccess(ctx context.Context, accessToken string) (*AccessClaims, error) {
	sa, err := s.VerifyAccessSignature(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	var c *AccessClaims
	err = s.store.Read(ctx, func(tx store.Tx) (err error) {
		c, err = s.CheckAccess(ctx, tx, sa)
		return err
	})
	return c, err
}

// SignedAccess is an access token whose signature, token_use and expiry
// VerifyAccessSignature checked; CheckAccess completes the verification.
type SignedAccess struct {
	poolID string
	p      accessPayload
}

// VerifyAccessSignature is the first half of VerifyAccess, which reads
// nothing from the store: an operation that reads its own records then
// runs CheckAccess in the same read transaction.
func (s *Service) VerifyAccessSignature(ctx context.Context, accessToken string) (*SignedAccess, error) {
	sa := &SignedAccess{}
	poolID, err := s.verifySigned(ctx, accessToken, UseAccess, &sa.p)
	if err != nil {
		return nil, err
	}
	p := &sa.p
	if p.TokenUse != UseAccess || p.Sub == "" || p.ClientID == "" || p.Expires == 0 {
		return nil, notAuthorized(msgInvalidAccess)
	}
	if !s.clock.Now().Before(time.Unix(p.Expires, 0)) {
		return nil, notAuthorized(msgAccessExpired)
	}
	sa.poolID = poolID
	return sa, nil
}

// CheckAccess is the second half of VerifyAccess: the checks a signature
// cannot make (client and pool still there, nothing revoked), in tx.
func (s *Service) CheckAccess(ctx context.Context, tx store.Tx, sa *SignedAccess) (*AccessClaims, error) {
	p := &sa.p
	if err := s.checkLive(ctx, tx, sa.poolID, p); err != nil {
		return nil, err
	}
	return &AccessClaims{
		PoolID: sa.poolID, ClientID: p.ClientID, Sub: p.Sub, Username: p.Username,
		Scopes: strings.Fields(p.Scope), Groups: p.Groups,
		JTI: p.JTI, OriginJTI: p.OriginJTI, EventID: p.EventID, DeviceKey: p.DeviceKey,
		AuthTime: time.Unix(p.AuthTime, 0), IssuedAt: time.Unix(p.IssuedAt, 0), ExpiresAt: time.Unix(p.Expires, 0),
	}, nil
}

// verifySigned checks a compact RS256 JWS against the published key of
// use named by its kid in the pool named by its iss, and decodes the
// verified payload into dst. Only RS256 is accepted, so "none" and HMAC
// tokens (the alg-confusion attack, HS256 keyed with the public key) fail
// before any key is looked at. Reading iss before verifying only chooses
// which pool's keys to try; it is compared again, verified, afterwards.
func (s *Service) verifySigned(ctx context.Context, token, use string, dst any) (string, error) {
	invalid := notAuthorized(msgInvalidAccess)
	if len(token) > maxTokenBytes {
		return "", invalid
	}
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(jws.Signatures) != 1 || jws.Signatures[0].Header.KeyID == "" {
		return "", invalid
	}
	var peek struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &peek) != nil {
		return "", invalid
	}
	poolID, ok := s.poolOf(peek.Iss)
	if !ok {
		return "", invalid
	}
	ks, err := s.keySet(ctx, poolID, false)
	if err != nil {
		return "", err
	}
	key := ks.verifier(use, jws.Signatures[0].Header.KeyID, s.clock.Now())
	if key == nil {
		return "", invalid
	}
	payload, err := jws.Verify(key.public.Key)
	if err != nil {
		return "", invalid
	}
	var iss struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &iss) != nil || iss.Iss != s.Issuer(poolID) || json.Unmarshal(payload, dst) != nil {
		return "", invalid
	}
	return poolID, nil
}

// checkLive checks what a signature cannot: that the token's pool and
// client still exist and that it was not revoked. The client standing
// proves the pool does: a pool is deleted together with everything in
// its scope, clients included, in one transaction — and reading the
// client alone spares decoding the pool's whole configuration on every
// token-authorized call.
func (s *Service) checkLive(ctx context.Context, tx store.Tx, poolID string, p *accessPayload) error {
	client, err := s.dir.Client(ctx, tx, p.ClientID)
	if err != nil {
		return gone(err, msgInvalidAccess)
	}
	if client.UserPoolId == nil || *client.UserPoolId != poolID {
		return notAuthorized(msgInvalidAccess)
	}
	if p.OriginJTI != "" {
		_, err := tx.Get(ctx, KindRevokedOrigin, p.OriginJTI)
		if err == nil {
			return notAuthorized(msgAccessRevoked)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	validAfter, exists, err := s.users.TokensValidAfter(ctx, tx, poolID, p.Sub)
	if err != nil {
		return err
	}
	// iat has one-second resolution: a token issued in the second of the
	// revocation but before it is not caught here, only by its revoked
	// origin (RevokeAllForUser). Comparing with <= instead would refuse
	// tokens of a sign-in made just after a sign-out — a known Cognito
	// annoyance (aws-sdk-java #2449) that test suites would hit constantly.
	if !exists {
		// The user was deleted: Cognito answers a still-valid token of a
		// deleted user "User does not exist." (UserNotFoundException, as
		// client libraries report it, e.g. aws-sdk-android #366), not
		// "Access Token has been revoked".
		return errs.New(errs.UserNotFoundException, "User does not exist.")
	}
	if p.IssuedAt < validAfter.Unix() {
		return notAuthorized(msgAccessRevoked)
	}
	return nil
}

// gone turns "does not exist" into NotAuthorizedException: a token whose
// client (or pool) was deleted is simply no longer valid.
func gone(err error, msg string) error {
	if isNotFound(err) {
		return notAuthorized(msg)
	}
	return err
}
