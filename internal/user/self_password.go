package user

import (
	"context"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
)

// ChangePassword's answers. A wrong previous password is sign-in's
// "Incorrect username or password." (amazon-cognito-identity-js #336);
// too many wrong ones are LimitExceededException "Attempt limit exceeded,
// please try after some time." (aws-sdk-android #627, where the service
// answers changePassword so while sign-in answers NotAuthorizedException).
// A missing previous password is worded as the model validation answered
// it while the model still required PreviousPassword, before passwordless
// users existed.
var (
	errWrongPassword  = errs.New(errs.NotAuthorizedException, "Incorrect username or password.")
	errAttemptLimit   = errs.New(errs.LimitExceededException, "Attempt limit exceeded, please try after some time.")
	errNoPrevPassword = errs.New(errs.InvalidParameterException,
		"1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null")
)

// ChangePassword replaces the signed-in user's password. The previous
// password is required when the user has one ("Required if the user has
// a password", model) and a wrong one counts toward the lockout that
// guards sign-in; the proposed one must satisfy the pool's policy and
// history. Other sessions stay signed in: Cognito documents revocation
// for GlobalSignOut, RevokeToken and deactivation, not for a change of
// password.
func (s *SelfService) ChangePassword(ctx context.Context, in *cognitoidp.ChangePasswordRequest) (*cognitoidp.ChangePasswordResponse, error) {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	err = untilCurrent(func() error {
		var si *signedIn
		err := s.Users.Store.Read(ctx, func(tx store.Tx) (err error) {
			si, err = s.load(ctx, tx, c)
			return err
		})
		if err != nil {
			return err
		}
		if err := password.Check(policyOf(si.pool), *in.ProposedPassword); err != nil {
			return err
		}
		if err := s.checkPrevious(ctx, si, in.PreviousPassword); err != nil {
			return err
		}
		change, err := s.Users.NewPassword(ctx, si.pool, si.user, *in.ProposedPassword)
		if err != nil {
			return err
		}
		now := s.Users.Clock.Now()
		change.Apply(si.user, false, now)
		s.guard().Succeeded(si.user)
		return s.Users.commitStaged(ctx, si.pool, si.user, si.rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.ChangePasswordResponse{}, nil
}

// checkPrevious proves the user knows its current password, under the
// lockout. A passwordless user has none to prove.
func (s *SelfService) checkPrevious(ctx context.Context, si *signedIn, previous *string) error {
	u := si.user
	if u.Password.Hash == "" {
		return nil
	}
	if previous == nil {
		return errNoPrevPassword
	}
	if s.guard().Locked(u, s.Users.Clock.Now()) {
		return errAttemptLimit
	}
	ok, err := s.Users.verify(ctx, u.Password.Hash, *previous)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	if err := s.recordFailure(ctx, si); err != nil {
		return err
	}
	return errWrongPassword
}

// recordFailure counts a wrong password against the user as it is now,
// in its own transaction: the request fails, but the attempt must stay
// counted.
func (s *SelfService) recordFailure(ctx context.Context, si *signedIn) error {
	return s.Users.Store.Write(ctx, func(tx store.Tx) error {
		u, rec, err := s.Users.Get(ctx, tx, si.claims.PoolID, si.claims.Sub)
		if err != nil {
			return errStale
		}
		s.guard().Failed(u, s.Users.Clock.Now())
		return s.Users.Save(ctx, tx, si.pool, u, rec)
	})
}

func (s *SelfService) guard() PasswordGuard {
	if s.Guard != nil {
		return s.Guard
	}
	return DefaultGuard{}
}

// DefaultGuard is the lockout Cognito documents for password sign-in
// (developer guide, "Authentication flows", lockout behavior, as the
// sign-in issue restates it): after five failed attempts the user is
// locked for one second, doubling with each further failure up to about
// fifteen minutes; attempts during a lockout fail without extending it;
// the counter resets after a success or fifteen quiet minutes. Sign-in
// (internal/auth) may supply its own Guard; this one keeps
// ChangePassword bound by the same rule until it does.
type DefaultGuard struct{}

const (
	lockoutFreeAttempts = 5
	lockoutMax          = 15 * time.Minute
	lockoutQuiet        = 15 * time.Minute
)

// Locked reports a lockout in force at now.
func (DefaultGuard) Locked(u *User, now time.Time) bool { return now.Before(u.Lockout.LockedUntil) }

// Failed counts a failure at now; the fifth and every later one locks.
// The caller checks Locked first, so a failure during a lockout is never
// counted and never extends it.
func (DefaultGuard) Failed(u *User, now time.Time) {
	l := &u.Lockout
	if !l.LastFailure.IsZero() && now.Sub(l.LastFailure) >= lockoutQuiet {
		*l = Lockout{}
	}
	l.Failures++
	l.LastFailure = now
	if l.Failures >= lockoutFreeAttempts {
		d := lockoutMax
		if shift := l.Failures - lockoutFreeAttempts; shift < 10 {
			d = min(time.Second<<shift, lockoutMax)
		}
		l.LockedUntil = now.Add(d)
	}
}

// Succeeded clears the counter.
func (DefaultGuard) Succeeded(u *User) { u.Lockout = Lockout{} }
