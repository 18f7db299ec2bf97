package auth

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// result is a step's answer, in the shape all four operations share.
type result struct {
	tokens     *cognitoidp.AuthenticationResultType
	challenge  string
	parameters map[string]string
	session    *string
	available  []string
}

// initiate runs an AuthFlow.
func (s *Service) initiate(ctx context.Context, r *Request, flow string, params map[string]string) (*result, error) {
	spec, ok := s.flows[flow]
	if !ok || (r.Admin && !spec.Admin) || (!r.Admin && !spec.Public) {
		return nil, errMethodUnsupported
	}
	if !flowEnabled(r.Client, spec) {
		return nil, spec.Disabled
	}
	r.Name, r.Params, r.eventID = flow, params, newEventID()
	out, err := spec.Handler.Handle(ctx, r)
	if err != nil {
		return nil, err
	}
	return s.advance(ctx, r, out)
}

// respond runs a challenge answer.
func (s *Service) respond(ctx context.Context, r *Request, challenge string, responses map[string]string, session *string) (*result, error) {
	spec, ok := s.challenges[challenge]
	if !ok {
		return nil, invalid("The challenge " + challenge + " is not supported.")
	}
	r.Name, r.Params, r.answer = challenge, responses, true
	// "All challenges require USERNAME. They also require SECRET_HASH if
	// your app client has a client secret." (model, ChallengeParameters)
	name, err := r.Require("USERNAME")
	if err != nil {
		return nil, err
	}
	if err := s.checkSecretHash(r, name); err != nil {
		return nil, err
	}
	// A stateless challenge's answer carries no Session, except when
	// another flow asked it with one (Service.SRPChallenge): then the
	// Session is checked as any other's.
	if spec.Stateless && deref(session) == "" {
		r.eventID = newEventID()
	} else {
		if r.Session, err = s.sessionOnce(r, deref(session)); err != nil {
			return nil, err
		}
		if err := s.checkSessionUser(ctx, r, name); err != nil {
			return nil, err
		}
		if err := s.checkUnspent(ctx, r, r.Session.ID); err != nil {
			return nil, err
		}
		r.eventID = r.Session.EventID
		r.Spend(r.Session.ID, r.Session.Expires)
	}
	out, err := spec.Handler.Handle(ctx, r)
	if err != nil {
		return nil, err
	}
	return s.advance(ctx, r, out)
}

// checkSessionUser makes sure USERNAME names the user the session is for:
// the username, or any other sign-in name of the same user.
func (s *Service) checkSessionUser(ctx context.Context, r *Request, name string) error {
	if name == r.Session.Username || name == r.Session.Sub {
		return nil
	}
	var u *user.User
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		u, _, err = s.users.FindForSignIn(ctx, tx, r.Pool, name)
		return err
	})
	if isNotFound(err) || (err == nil && u.Sub != r.Session.Sub) {
		return errSessionInvalid
	}
	return err
}

// advance turns a handler's outcome into the response: its own challenge
// or tokens as they are, and for a passed step the first challenge a Step
// asks, or the tokens.
func (s *Service) advance(ctx context.Context, r *Request, out *Outcome) (*result, error) {
	switch {
	case out == nil:
		return nil, errors.New("auth: handler returned no outcome")
	case out.Tokens != nil:
		return &result{tokens: out.Tokens.Result()}, nil
	case out.Challenge != nil:
		if err := s.commit(ctx, r, nil, nil, eventResult{}); err != nil {
			return nil, err
		}
		return s.challengeResult(r, out.Challenge)
	case out.User == nil:
		return nil, errors.New("auth: handler outcome has neither user, challenge nor tokens")
	}
	passed := r.passed()
	for _, st := range s.steps {
		ch, err := st.Next(ctx, r, out.User, passed)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			if ch.User == nil {
				ch.User = out.User
			}
			ev := eventResult{factor: out.Factor, ok: true, response: cognitoidp.EventResponseTypeInprogress}
			if _, err := s.commitUserThen(ctx, r, out.User, out.apply(), ev, nil); err != nil {
				return nil, err
			}
			if err := out.committed(ctx); err != nil {
				return nil, err
			}
			return s.challengeResult(r, ch)
		}
	}
	return s.finish(ctx, r, out)
}

func (s *Service) challengeResult(r *Request, ch *Challenge) (*result, error) {
	res := &result{challenge: ch.Name, parameters: ch.Parameters, available: ch.Available}
	if !ch.Stateless {
		sealed, err := s.sealSession(r.newSession(ch))
		if err != nil {
			return nil, err
		}
		res.session = &sealed
	}
	return res, nil
}

// commit records a step in one transaction: the single-use ids it spent,
// the change to the user, and the sign-in's auth event (skipped when u is
// nil: there is no user to file it under).
func (s *Service) commit(ctx context.Context, r *Request, u *user.User, change func(*user.User), ev eventResult) error {
	_, err := s.commitUserThen(ctx, r, u, infallible(change), ev, nil)
	return err
}

// commitUserThen is commit with a change that may fail (and then changes
// nothing), returning the user as saved, and also running then, with the
// saved user, in the same transaction.
func (s *Service) commitUserThen(ctx context.Context, r *Request, u *user.User, change func(*user.User) error, ev eventResult, then func(store.Tx, *user.User) error) (*user.User, error) {
	if u == nil && len(r.spent) == 0 {
		return nil, nil
	}
	saved := u
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if err := spendAll(ctx, tx, deref(r.Pool.Id), r.spent); err != nil {
			return err
		}
		if u == nil {
			return nil
		}
		if change != nil {
			fresh, rec, err := s.users.Get(ctx, tx, u.PoolID, u.Sub)
			if err != nil {
				return err
			}
			if err := change(fresh); err != nil {
				return err
			}
			fresh.Modified = r.now
			if err := s.users.Save(ctx, tx, r.Pool, fresh, rec); err != nil {
				return s.users.SaveError(r.Pool, err)
			}
			saved = fresh
		}
		if ev.response != "" {
			if err := s.recordEvent(ctx, tx, r, u.Sub, ev); err != nil {
				return err
			}
		}
		if then != nil {
			return then(tx, saved)
		}
		return nil
	})
	if isNotFound(err) {
		return nil, errIncorrect // deleted while signing in
	}
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// failed records a failed password proof: the attempt counts towards the
// lockout unless the user was already locked, and the event fails.
func (s *Service) failed(ctx context.Context, r *Request, u *user.User, count bool) error {
	var change func(*user.User)
	if count {
		change = func(fresh *user.User) { fresh.Lockout = failLockout(fresh.Lockout, r.now) }
	}
	return s.commit(ctx, r, u, change, eventResult{factor: cognitoidp.ChallengeNamePassword, response: cognitoidp.EventResponseTypeFail})
}
