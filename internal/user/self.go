package user

import (
	"context"
	"errors"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// SelfService is the half of the directory that a signed-in user drives
// with an access token (GetUser, UpdateUserAttributes, ChangePassword,
// GlobalSignOut …), and the token operations that need no token but a
// client (RevokeToken, GetTokensFromRefreshToken). It is apart from
// Service because it needs the token service, which the administrator
// and sign-up operations do not.
//
// Every token-authorized operation starts with signIn: the token must be
// an access token this cirro signed for the pool its iss names, unexpired,
// of a client that still exists, not revoked by RevokeToken, a global
// sign-out, or the user's deactivation, and it must carry the scope
// aws.cognito.signin.user.admin ("It must include the scope
// aws.cognito.signin.user.admin", model, on each of them). Then the user
// must be in a state that may act at all.
type SelfService struct {
	Users  *Service
	Tokens *token.Service
	// Guard, when set, is sign-in's lockout, which ChangePassword shares:
	// a wrong previous password counts as a failed sign-in, so that a
	// stolen access token is no way around the lockout. Without one,
	// ChangePassword applies the same rule as sign-in (DefaultGuard).
	Guard PasswordGuard
	// Refresher, when set, prepares GetTokensFromRefreshToken's renewal
	// as sign-in's refresh does (internal/auth: the token hooks, so the
	// pre token generation trigger); without one, Service.Renew.
	Refresher func(ctx context.Context, clientID string, clientMetadata map[string]string) (func(context.Context, *token.Grant) (*token.Renewal, error), error)
}

// PasswordGuard decides when a user may try a password. internal/auth owns
// the lockout rule; the state lives in the user record (User.Lockout) so
// that every node sharing the store applies it.
type PasswordGuard interface {
	// Locked reports whether u may not try a password at now.
	Locked(u *User, now time.Time) bool
	// Failed records a wrong password at now.
	Failed(u *User, now time.Time)
	// Succeeded records a right one.
	Succeeded(u *User)
}

// Errors of the token-authorized operations. "Password reset required for
// the user" is matched verbatim (no period) by applications handling
// PasswordResetRequiredException; "User is not confirmed." and "User
// does not exist." are Cognito's texts (docs/research/cognito-defaults.md
// §4.7).
var (
	errResetRequired = errs.New(errs.PasswordResetRequiredException, "Password reset required for the user")
	errNotConfirmed  = errs.New(errs.UserNotConfirmedException, "User is not confirmed.")
)

// signedIn is who an access token speaks for, as the store has them now.
type signedIn struct {
	claims *token.AccessClaims
	pool   *cognitoidp.UserPoolType
	client *cognitoidp.UserPoolClientType
	user   *User
	rec    *store.Record
}

// signIn authenticates an access token and loads its pool, client and
// user, in one read transaction with the token's own checks: they read
// the client and the user too, and store.Memo lets both reads serve both.
func (s *SelfService) signIn(ctx context.Context, accessToken *string) (*signedIn, error) {
	sa, err := s.Tokens.VerifyAccessSignature(ctx, deref(accessToken))
	if err != nil {
		return nil, err
	}
	var si *signedIn
	err = s.Users.Store.Read(ctx, func(tx store.Tx) error {
		tx = store.Memo(tx)
		c, err := s.Tokens.CheckAccess(ctx, tx, sa)
		if err != nil {
			return err
		}
		if err := c.RequireScope(token.ScopeAdmin); err != nil {
			return err
		}
		si, err = s.load(ctx, tx, c)
		return err
	})
	return si, err
}

// authenticate verifies an access token and its scope.
func (s *SelfService) authenticate(ctx context.Context, accessToken *string) (*token.AccessClaims, error) {
	c, err := s.Tokens.VerifyAccess(ctx, deref(accessToken))
	if err != nil {
		return nil, err
	}
	if err := c.RequireScope(token.ScopeAdmin); err != nil {
		return nil, err
	}
	return c, nil
}

// load reads what a verified token names, inside tx, and checks that the
// user may act.
func (s *SelfService) load(ctx context.Context, tx store.Tx, c *token.AccessClaims) (*signedIn, error) {
	p, _, err := s.Users.Pools.SharedPool(ctx, tx, c.PoolID)
	if err != nil {
		return nil, err
	}
	client, err := s.Users.Pools.Client(ctx, tx, c.ClientID)
	if err != nil {
		return nil, err
	}
	u, rec, err := s.Users.Get(ctx, tx, c.PoolID, c.Sub)
	if errors.Is(err, ErrNotFound) {
		// Deleted after the token was verified.
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := standing(u); err != nil {
		return nil, err
	}
	return &signedIn{claims: c, pool: p, client: client, user: u, rec: rec}, nil
}

// standing refuses a user whose state forbids acting on the account. A
// disabled user's tokens are revoked already; the check stands for the
// moment between deactivation and the token check.
func standing(u *User) error {
	switch {
	case !u.Enabled:
		return errUserDisabled
	case u.Status == StatusResetRequired:
		return errResetRequired
	case u.Status == StatusUnconfirmed:
		return errNotConfirmed
	}
	return nil
}
