package token

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// KindRefreshToken is the record kind of refresh tokens. The id is the
// SHA-256 (hex) of the token, so the database never holds a usable token.
const KindRefreshToken = "refreshtoken"

// Secondary keys of a refresh token record: the user's sub (global
// sign-out finds every session of a user) and the origin_jti (revocation
// finds every token of a session, rotations included).
const (
	refreshKeyUser   = "user"
	refreshKeyOrigin = "origin"
)

// refreshBytes is the entropy of a refresh token: 256 bits.
const refreshBytes = 32

// refreshDoc is a refresh token record.
type refreshDoc struct {
	Pool      string    `json:"pool"`
	Client    string    `json:"client"`
	Sub       string    `json:"sub"`
	Username  string    `json:"username"`
	Origin    string    `json:"origin"`
	EventID   string    `json:"event_id,omitempty"`
	AuthTime  time.Time `json:"auth_time"`
	Issued    time.Time `json:"issued"`
	Expires   time.Time `json:"expires"`
	DeviceKey string    `json:"device_key,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	OAuth     bool      `json:"oauth,omitempty"`
	// RotatedAt is when rotation replaced the token; it stays usable for
	// the client's grace period, and any use after that is reuse.
	RotatedAt time.Time `json:"rotated_at,omitzero"`
	// RevokedAt marks a tombstone: kept until Expires so that its use is
	// told apart from a token that never existed.
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

func newRefresh(ss *session, u *Subject, now time.Time, life time.Duration) (string, *refreshDoc) {
	return ids.Secret(refreshBytes), &refreshDoc{
		Pool: ss.poolID, Client: ss.clientID(), Sub: u.Sub, Username: u.Username,
		Origin: ss.origin, EventID: ss.eventID, AuthTime: ss.authTime,
		Issued: now, Expires: now.Add(life),
		DeviceKey: ss.deviceKey, Scopes: ss.scopes, OAuth: ss.oauth,
	}
}

func refreshID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func refreshLifetime(c *cognitoidp.UserPoolClientType) time.Duration {
	_, _, r := pool.ClientTokenValidity(c)
	return r
}

func (d *refreshDoc) keys() []store.Key {
	return []store.Key{{Name: refreshKeyUser, Value: d.Sub}, {Name: refreshKeyOrigin, Value: d.Origin}}
}

func insertRefresh(ctx context.Context, tx store.Tx, id string, d *refreshDoc) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return tx.Insert(ctx, &store.Record{Kind: KindRefreshToken, ID: id, Scope: d.Pool, Data: data, Expires: d.Expires, Keys: d.keys()})
}

// updateRefresh stores d into rec; keys are rewritten because an update
// replaces them as a whole.
func updateRefresh(ctx context.Context, tx store.Tx, rec *store.Record, d *refreshDoc) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	rec.Data, rec.Keys = data, d.keys()
	return tx.Update(ctx, rec)
}

func getRefresh(ctx context.Context, tx store.Tx, id string) (*store.Record, *refreshDoc, error) {
	rec, err := tx.Get(ctx, KindRefreshToken, id)
	if err != nil {
		return nil, nil, err
	}
	var d refreshDoc
	if err := json.Unmarshal(rec.Data, &d); err != nil {
		return nil, nil, fmt.Errorf("token: decode refresh token %s: %w", id, err)
	}
	return rec, &d, nil
}

// RotationEnabled reports whether the client rotates refresh tokens.
// Cognito then refreshes only through GetTokensFromRefreshToken and the
// token endpoint, not REFRESH_TOKEN_AUTH: the flows must refuse that.
func RotationEnabled(c *cognitoidp.UserPoolClientType) bool {
	r := c.RefreshTokenRotation
	return r != nil && r.Feature != nil && *r.Feature == cognitoidp.FeatureTypeEnabled
}

// retryGrace is how long a rotated refresh token stays usable.
func retryGrace(c *cognitoidp.UserPoolClientType) time.Duration {
	if r := c.RefreshTokenRotation; r != nil && r.RetryGracePeriodSeconds != nil {
		return time.Duration(*r.RetryGracePeriodSeconds) * time.Second
	}
	return 0
}

// Grant is a valid refresh token's session, handed to RefreshRequest.Prepare.
type Grant struct {
	PoolID    string
	ClientID  string
	Sub       string
	Username  string
	OriginJTI string
	AuthTime  time.Time
	DeviceKey string
	Scopes    []string
	Client    *cognitoidp.UserPoolClientType
}

// Renewal is what the caller contributes to refreshed tokens: the user as
// it is now (attributes and groups may have changed since sign-in) and
// the pre token generation trigger's changes.
type Renewal struct {
	User      Subject
	Customize Customization
}

// RefreshRequest asks for new tokens from a refresh token.
type RefreshRequest struct {
	Token    string
	ClientID string
	// DeviceKey is the DEVICE_KEY parameter; required when the token was
	// issued to a remembered device.
	DeviceKey string
	// Prepare is called once the refresh token is known good; it loads
	// the user (refusing, with Cognito's error, a user who may no longer
	// sign in) and runs the trigger. Its Subject.Sub must be Grant.Sub.
	Prepare func(ctx context.Context, g *Grant) (*Renewal, error)
	// Read, if set, is the token as ReadRefresh read it in the caller's
	// transaction; Refresh then reads nothing before signing.
	Read *RefreshRead
}

// RefreshRead is a refresh token read and checked by ReadRefresh, for a
// caller that reads it together with more (the sign-in core reads client,
// token and user in one transaction).
type RefreshRead struct {
	id     string
	d      *refreshDoc
	client *cognitoidp.UserPoolClientType
	err    error
}

// ReadRefresh reads and checks, in tx, the refresh token of req for
// client, the app client req.ClientID names as the caller read it.
// users, if not nil, stands in for the service's Users port (the caller
// may keep the user it reads). What it finds, errors included, is handed
// to Refresh through RefreshRequest.Read; an error is also returned.
func (s *Service) ReadRefresh(ctx context.Context, tx store.Tx, req RefreshRequest, client *cognitoidp.UserPoolClientType, users Users) (*RefreshRead, error) {
	rr := &RefreshRead{id: refreshID(req.Token), client: client}
	if users == nil {
		users = s.users
	}
	_, rr.d, rr.err = getRefresh(ctx, tx, rr.id)
	if rr.err == nil {
		rr.err = s.checkRefresh(ctx, tx, users, rr.d, client, req.ClientID, req.DeviceKey)
	}
	return rr, rr.err
}

// errReuse signals use of a rotated refresh token after its grace period.
var errReuse = errors.New("token: rotated refresh token reused")

// Refresh issues new ID and access tokens from a refresh token, keeping
// the session's origin_jti and auth_time. When the client rotates refresh
// tokens it also returns a new refresh token; the presented one stays
// usable for the client's RetryGracePeriodSeconds and is reuse after
// that: RefreshTokenReuseException, and the whole session is revoked.
func (s *Service) Refresh(ctx context.Context, req RefreshRequest) (*Tokens, error) {
	if req.Prepare == nil {
		return nil, errors.New("token: RefreshRequest without Prepare")
	}
	if len(req.Token) == 0 || len(req.Token) > 2048 {
		return nil, notAuthorized(msgInvalidRefresh)
	}
	rr := req.Read
	if rr == nil || rr.id != refreshID(req.Token) {
		rr = &RefreshRead{id: refreshID(req.Token)}
		rr.err = s.store.Read(ctx, func(tx store.Tx) error {
			var err error
			if _, rr.d, err = getRefresh(ctx, tx, rr.id); err != nil {
				return err
			}
			if rr.client, err = s.dir.Client(ctx, tx, req.ClientID); err != nil {
				return err
			}
			return s.checkRefresh(ctx, tx, s.users, rr.d, rr.client, req.ClientID, req.DeviceKey)
		})
	}
	id, d, client, err := rr.id, rr.d, rr.client, rr.err
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, notAuthorized(msgInvalidRefresh)
	case errors.Is(err, errReuse):
		return nil, s.reused(ctx, d)
	case err != nil:
		return nil, err
	}
	ren, err := req.Prepare(ctx, &Grant{
		PoolID: d.Pool, ClientID: d.Client, Sub: d.Sub, Username: d.Username, OriginJTI: d.Origin,
		AuthTime: d.AuthTime, DeviceKey: d.DeviceKey, Scopes: d.Scopes, Client: client,
	})
	if err != nil {
		return nil, err
	}
	if ren == nil || ren.User.Sub != d.Sub {
		return nil, fmt.Errorf("token: Prepare did not return the user %s of the refresh token", d.Sub)
	}
	now := s.clock.Now()
	ss := &session{
		poolID: d.Pool, client: client, authTime: d.AuthTime, origin: d.Origin, eventID: d.EventID,
		deviceKey: d.DeviceKey, scopes: d.Scopes, oauth: d.OAuth,
	}
	// Signed before the rotation is recorded: a signing failure must not
	// leave a rotated token that a retry would present as reuse.
	toks, err := s.mint(ctx, ss, &ren.User, &ren.Customize, now)
	if err != nil || !RotationEnabled(client) {
		return toks, err
	}
	next, err := s.rotate(ctx, id, ss, &ren.User, now)
	if errors.Is(err, errReuse) {
		return nil, s.reused(ctx, d)
	}
	if err != nil {
		return nil, err
	}
	toks.RefreshToken = next
	return toks, nil
}

// checkRefresh decides whether a stored refresh token may be used now.
func (s *Service) checkRefresh(ctx context.Context, tx store.Tx, users Users, d *refreshDoc, client *cognitoidp.UserPoolClientType, clientID, deviceKey string) error {
	now := s.clock.Now()
	switch {
	case d.Client != clientID || client.UserPoolId == nil || *client.UserPoolId != d.Pool:
		// Cognito: a refresh token works only with the client that got it.
		return notAuthorized(msgInvalidRefresh)
	case !d.RevokedAt.IsZero():
		return notAuthorized(msgRefreshRevoked)
	case !now.Before(d.Expires):
		return notAuthorized(msgRefreshExpired)
	case d.DeviceKey != "" && deviceKey != d.DeviceKey:
		// Cognito answers a token of a remembered device presented without
		// (or with another) DEVICE_KEY "Invalid Refresh Token".
		return notAuthorized(msgInvalidRefresh)
	}
	validAfter, exists, err := users.TokensValidAfter(ctx, tx, d.Pool, d.Sub)
	if err != nil {
		return err
	}
	if !exists || d.Issued.Before(validAfter) {
		return notAuthorized(msgRefreshRevoked)
	}
	if !d.RotatedAt.IsZero() && !now.Before(d.RotatedAt.Add(retryGrace(client))) {
		return errReuse
	}
	return nil
}

// rotate records a new refresh token for the session and marks the
// presented one rotated, checking again under the write lock, so that of
// two concurrent refreshes with a zero grace period exactly one wins.
func (s *Service) rotate(ctx context.Context, id string, ss *session, u *Subject, now time.Time) (string, error) {
	next, nd := newRefresh(ss, u, now, refreshLifetime(ss.client))
	err := s.store.Write(ctx, func(tx store.Tx) error {
		rec, d, err := getRefresh(ctx, tx, id)
		if err != nil {
			return err
		}
		if !d.RevokedAt.IsZero() {
			return notAuthorized(msgRefreshRevoked)
		}
		if !d.RotatedAt.IsZero() && !now.Before(d.RotatedAt.Add(retryGrace(ss.client))) {
			return errReuse
		}
		if err := insertRefresh(ctx, tx, refreshID(next), nd); err != nil {
			return err
		}
		if d.RotatedAt.IsZero() {
			d.RotatedAt = now
			return updateRefresh(ctx, tx, rec, d)
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", notAuthorized(msgInvalidRefresh)
	}
	return next, err
}

// reused revokes the session of a reused refresh token — the legitimate
// client and a thief hold the same family, and nobody can tell which is
// which — and answers RefreshTokenReuseException. The revocation is its
// own committed transaction: an error returned from inside the one that
// detected the reuse would roll the revocation back.
func (s *Service) reused(ctx context.Context, d *refreshDoc) error {
	now := s.clock.Now()
	if err := s.store.Write(ctx, func(tx store.Tx) error {
		return revokeOrigin(ctx, tx, d.Pool, d.Origin, now)
	}); err != nil {
		return err
	}
	return errs.New(errs.RefreshTokenReuseException, msgRefreshReused)
}
