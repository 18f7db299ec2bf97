package auth

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// This file is the surface the sign-in plug-ins (internal/mfa,
// internal/device) use beyond Handler, Step and TokenHook: the parts of
// the core they must share rather than copy, so that a wrong MFA code and
// a wrong password meet the same lockout, a session is opened by the same
// rules everywhere, and Cognito's messages stay in one place.

// Errors the plug-ins answer with, Cognito's texts as in errors.go.
var (
	// ErrIncorrect is a failed proof of a secret (a device's SRP proof).
	ErrIncorrect = errIncorrect
	// ErrSessionInvalid is a session, or a value sealed in it, that does
	// not match the answer.
	ErrSessionInvalid = errSessionInvalid
	// ErrBadSRPA is an SRP_A that is no SRP public value (device SRP).
	ErrBadSRPA = errBadSRPA
)

// DataDeviceKey names the Challenge.Data entry that carries the
// DEVICE_KEY a sign-in presented from one challenge to the next, for the
// clients that send it only once.
const DataDeviceKey = "device_key"

// PresentedDeviceKey is the DEVICE_KEY of the sign-in: the parameter of
// this request, or the one an earlier challenge carried in the Session.
func (r *Request) PresentedDeviceKey() string {
	if k := r.Param("DEVICE_KEY"); k != "" {
		return k
	}
	if r.Session != nil {
		return r.Session.Data[DataDeviceKey]
	}
	return ""
}

// CarryData is data for a further challenge with the sign-in's DEVICE_KEY
// added, so the steps after that challenge still see it.
func (r *Request) CarryData(data map[string]string) map[string]string {
	k := r.PresentedDeviceKey()
	if k == "" {
		return data
	}
	if data == nil {
		data = map[string]string{}
	}
	data[DataDeviceKey] = k
	return data
}

// SessionUser is the user a challenge answer's Session is for, as stored
// now; one deleted in the meantime fails as a wrong password.
func (s *Service) SessionUser(ctx context.Context, r *Request) (*user.User, error) {
	if r.Session == nil {
		return nil, errSessionInvalid
	}
	return s.getUser(ctx, r, r.Session.PoolID, r.Session.Sub)
}

// CheckLockout refuses, as sign-in refuses a password, a factor of a user
// whose lockout is running: the answer is not even checked, the attempt is
// recorded on the sign-in's event and does not extend the lockout.
func (s *Service) CheckLockout(ctx context.Context, r *Request, u *user.User, factor string) error {
	if !locked(lockoutAt(u.Lockout, r.now), r.now) {
		return nil
	}
	if err := s.keepSession(r, func() error {
		return s.commit(ctx, r, u, nil, eventResult{factor: factor, response: cognitoidp.EventResponseTypeFail})
	}); err != nil {
		return err
	}
	return errLocked
}

// FailChallenge records a wrong answer to a challenge that proves a factor
// (an MFA code, a device's proof). Like a wrong password it counts toward
// the user's lockout and fails the sign-in's auth event. Unlike a password
// step it leaves the Session unspent: the user may correct a mistyped code
// with the same session, as often as the lockout allows.
func (s *Service) FailChallenge(ctx context.Context, r *Request, u *user.User, factor string) error {
	return s.keepSession(r, func() error {
		return s.commit(ctx, r, u, func(fresh *user.User) { fresh.Lockout = failLockout(fresh.Lockout, r.now) },
			eventResult{factor: factor, response: cognitoidp.EventResponseTypeFail})
	})
}

// keepSession runs f with the request's single-use ids unspent.
func (s *Service) keepSession(r *Request, f func() error) error {
	spent := r.spent
	r.spent = nil
	defer func() { r.spent = spent }()
	return f()
}

// SRPChallenge asks USER_SRP_AUTH's PASSWORD_VERIFIER inside another flow
// (SRP within CUSTOM_AUTH): SALT, SRP_B and SECRET_BLOCK for u (nil: a
// name nobody has, answered with a decoy that fails like a wrong
// password), made as USER_SRP_AUTH makes them, but sent with a Session
// that carries data. The answer is checked as any PASSWORD_VERIFIER
// (lockout, user state); the Steps then find data in the answer's
// Request.Session, which is how the flow that asked takes the sign-in
// back.
func (s *Service) SRPChallenge(ctx context.Context, r *Request, name, srpA string, u *user.User, data map[string]string) (*Challenge, error) {
	out, err := s.srpChallenge(ctx, r, name, srpA, u, true)
	if err != nil {
		return nil, err
	}
	ch := out.Challenge
	for k, v := range data {
		if k != dataSRPBlock {
			ch.Data[k] = v
		}
	}
	ch.User = u
	if u == nil {
		// The Session names whom USERNAME will name: the decoy's id.
		ch.User = &user.User{Username: ch.Parameters["USER_ID_FOR_SRP"]}
	}
	return ch, nil
}

// CheckTimestamp checks a *_PASSWORD_VERIFIER TIMESTAMP as PASSWORD_VERIFIER
// does: the library's format, within the service's skew of the clock.
func (s *Service) CheckTimestamp(r *Request, ts string) error {
	switch err := srp.CheckTimestamp(ts, r.now, s.maxSkew); {
	case errors.Is(err, srp.ErrBadTimestamp):
		return errBadTimestamp
	case err != nil:
		return errTimestampSkew
	}
	return nil
}

// OpenSession opens the Session of an unfinished sign-in outside a
// challenge answer: AssociateSoftwareToken and VerifySoftwareToken take
// the Session of MFA_SETUP. It is refused exactly as the answer would
// refuse it: tampered, issued to another pool or client, expired, for
// another challenge, or already used.
func (s *Service) OpenSession(ctx context.Context, poolID, clientID, raw, challenge string) (*Session, error) {
	r := &Request{
		Pool:   &cognitoidp.UserPoolType{Id: &poolID},
		Client: &cognitoidp.UserPoolClientType{ClientId: &clientID},
		Name:   challenge, now: s.clock.Now(),
	}
	ss, err := s.openSession(r, raw)
	if err != nil {
		return nil, err
	}
	if err := s.checkUnspent(ctx, r, ss.ID); err != nil {
		return nil, err
	}
	return ss, nil
}

// NamedUser finds the user an administrator names in a pool: by username
// or alias, or by sub; UserNotFoundException otherwise.
func (s *Service) NamedUser(ctx context.Context, tx store.Tx, poolID, name string) (*user.User, error) {
	return s.namedUser(ctx, tx, poolID, name)
}

// SignedIn authenticates the access token of a token-authorized operation
// that sits beside sign-in (AssociateSoftwareToken, SetUserMFAPreference,
// ConfirmDevice, ListDevices …) with exactly the checks of the user
// directory's own token-authorized operations: a live access token of
// this cirro with the aws.cognito.signin.user.admin scope, of a user that
// still exists and may act (user.SelfService). SelfService keeps those
// checks to itself; GetUser runs all of them and nothing else that
// matters, so it stands in for them here.
func (s *Service) SignedIn(ctx context.Context, accessToken *string) (*token.AccessClaims, error) {
	self := user.SelfService{Users: s.users, Tokens: s.tokens}
	if _, err := self.GetUser(ctx, &cognitoidp.GetUserRequest{AccessToken: accessToken}); err != nil {
		return nil, err
	}
	return s.tokens.VerifyAccess(ctx, deref(accessToken))
}
