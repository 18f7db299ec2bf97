package auth

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// passwordFlow is USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and
// ADMIN_NO_SRP_AUTH: USERNAME and PASSWORD in the clear (over TLS).
func (s *Service) passwordFlow(ctx context.Context, r *Request) (*Outcome, error) {
	name, err := r.Require("USERNAME")
	if err != nil {
		return nil, err
	}
	pw, err := r.Require("PASSWORD")
	if err != nil {
		return nil, err
	}
	if err := s.checkSecretHash(r, name); err != nil {
		return nil, err
	}
	u, err := s.findForPassword(ctx, r, name, pw)
	if err != nil {
		return nil, err
	}
	return s.passwordFor(ctx, r, name, pw, u)
}

// loadPasswordFlow is the Loader of the password flows: the user USERNAME
// names and, for a name nobody has when the client hides users, the decoy
// lockout unknownUser reads. A request without the right SECRET_HASH
// reads nothing, as before the snapshot: whether a name exists must not
// show in the time of an answer that comes before the user is looked up.
func (s *Service) loadPasswordFlow(ctx context.Context, tx store.Tx, r *Request) (*user.User, error) {
	name := r.Param("USERNAME")
	if name == "" || r.CheckSecretHash(name) != nil {
		return nil, nil
	}
	u, err := s.loadNamed(ctx, tx, r, name)
	if err == nil && u == nil && r.hidesUsers() {
		err = r.loadGet(ctx, tx, KindDecoy, s.decoyID(r, name))
	}
	return u, err
}

// passwordFor proves pw for u (nil: a name nobody has, which fails as a
// wrong password after the same work) once the flow has found them:
// the password flows, and PASSWORD of USER_AUTH.
func (s *Service) passwordFor(ctx context.Context, r *Request, name, pw string, u *user.User) (*Outcome, error) {
	if u == nil {
		var werr error
		if err := s.unknownUser(ctx, r, name, func() { werr = s.dummyVerify(ctx, pw) }); werr == nil {
			return nil, err
		}
		return nil, werr
	}
	out, err := s.passwordProof(ctx, r, u, func() (bool, error) { return s.verifyPassword(ctx, u.Password.Hash, pw) })
	if err != nil {
		return nil, err
	}
	up, err := s.upgrade(ctx, u, pw)
	if err != nil {
		return nil, err
	}
	out.UserChange = both(out.UserChange, up)
	return out, nil
}

// passwordProof runs the rules around a proof of the password, by
// whichever flow: the states that refuse sign-in, the lockout, the proof,
// and what is recorded. prove is the flow's check (argon2id, or the SRP
// signature).
//
// The order follows what Cognito reveals: a user in RESET_REQUIRED (who
// may have no password at all) or disabled is told so at once; a locked
// user is refused without a check; unconfirmed users and expired temporary
// passwords are reported only to whoever knows the password.
func (s *Service) passwordProof(ctx context.Context, r *Request, u *user.User, prove func() (bool, error)) (*Outcome, error) {
	if err := refuseState(u); err != nil {
		return nil, err
	}
	l := lockoutAt(u.Lockout, r.now)
	if locked(l, r.now) {
		if err := s.failed(ctx, r, u, false); err != nil {
			return nil, err
		}
		return nil, errLocked
	}
	ok, err := prove()
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := s.failed(ctx, r, u, true); err != nil {
			return nil, err
		}
		return nil, errIncorrect
	}
	switch {
	case u.Status == user.StatusUnconfirmed:
		return nil, errNotConfirmed
	case u.Status == user.StatusForceChangePassword && u.TemporaryPasswordExpired(r.Pool, r.now):
		return nil, errTemporaryExpired
	}
	out := &Outcome{User: u, Factor: cognitoidp.ChallengeNamePassword}
	if u.Lockout != (user.Lockout{}) {
		out.UserChange = func(fresh *user.User) { fresh.Lockout = user.Lockout{} }
	}
	return out, nil
}

// refuseState refuses users who may not sign in with a password whatever
// they prove.
func refuseState(u *user.User) error {
	switch {
	case u.Status == user.StatusResetRequired:
		return errResetRequired
	case !u.Enabled:
		return errDisabled
	}
	return nil
}

// both chains two optional user changes.
func both(a, b func(*user.User)) func(*user.User) {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(u *user.User) { a(u); b(u) }
}
