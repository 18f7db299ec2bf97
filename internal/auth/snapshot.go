package auth

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// A call of the four sign-in operations reads everything it needs in one
// read transaction, the one that reads its client and pool (open): the
// flow's or challenge's Loader reads what its handler will look up (the
// user a name or a Session designates, a single-use id, a refresh
// token), and for the user the call may sign in, the groups their tokens
// carry and whatever the Steps and TokenHooks preload (the pool's MFA
// configuration). The handlers then find these in the Request's snapshot
// and read on their own, as before, only what it does not hold.
//
// Nothing is cached beyond the call: every call reads its client, pool
// and user afresh, so a change made on any node is seen by the next call.
// The reads of a call are taken a moment earlier than when each layer
// opened its own transaction (the groups before the password check rather
// than after it); none of them was ever in the transaction that commits
// the sign-in, which re-reads what it changes.

// Loader reads, in the call's read transaction, what a flow's or
// challenge's handler will need, into the Request (Request.Keep, or the
// core's own snapshot for its built-in handlers). It runs before the
// handler and the core's checks (SECRET_HASH, the Session), so it must
// not decide anything: a missing parameter or a record not found is left
// for the handler to report in its own order. It should read nothing
// about a user for a request whose SECRET_HASH is wrong (Request.CheckSecretHash),
// which is refused before any user is looked up. It returns the user the
// call may sign in (nil: none, or a call that issues no tokens) and
// fails only on a store error.
type Loader func(ctx context.Context, tx store.Tx, r *Request) (*user.User, error)

// Preloader is implemented by a Step or a TokenHook that reads the store:
// Preload reads, in the read transaction of a call that may sign u in,
// what the step's Next (or the hook) will need, and keeps it in r.
type Preloader interface {
	Preload(ctx context.Context, tx store.Tx, r *Request, u *user.User) error
}

// Keep stores a value a Loader or Preloader read, for the handler, step
// or hook of the same call (Kept). Keys follow context.WithValue's
// rules: a type of the caller's own.
func (r *Request) Keep(key, value any) {
	if r.snap.kept == nil {
		r.snap.kept = map[any]any{}
	}
	r.snap.kept[key] = value
}

// Kept returns what Keep stored under key.
func (r *Request) Kept(key any) (any, bool) {
	v, ok := r.snap.kept[key]
	return v, ok
}

// snapshot is what the call's read transaction read, for the core's own
// handlers. A missing entry means "not read": the reader reads it then.
type snapshot struct {
	users  map[string]userRead      // userKey: FindForSignIn or Get
	groups map[string][]token.Group // by sub, for the tokens
	gets   map[string]getRead       // getKey: tx.Get of single-use ids, decoys
	// session is the Session the call presented, opened once.
	session *openedSession
	// block is the SECRET_BLOCK of PASSWORD_VERIFIER, opened once.
	block   *openedBlock
	refresh *token.RefreshRead
	kept    map[any]any
}

type userRead struct {
	u   *user.User
	err error
}

type getRead struct {
	rec *store.Record
	err error
}

type openedSession struct {
	raw string
	ss  *Session
	err error
}

type openedBlock struct {
	raw   string
	bytes []byte
	b     *secretBlock
	err   error
}

func nameKey(name string) string       { return "name\x00" + name }
func subKey(poolID, sub string) string { return "sub\x00" + poolID + "\x00" + sub }
func getKey(kind, id string) string {
	return kind + "\x00" + id
}

// loadNamed reads the user a sign-in name designates into the snapshot.
func (s *Service) loadNamed(ctx context.Context, tx store.Tx, r *Request, name string) (*user.User, error) {
	u, _, err := s.users.FindForSignIn(ctx, tx, r.Pool, name)
	r.snap.putUser(nameKey(name), u, err)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	return u, nil
}

// loadSub reads a user by sub into the snapshot.
func (s *Service) loadSub(ctx context.Context, tx store.Tx, r *Request, poolID, sub string) (*user.User, error) {
	u, _, err := s.users.Get(ctx, tx, poolID, sub)
	r.snap.putUser(subKey(poolID, sub), u, err)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	return u, nil
}

// loadGet reads a record into the snapshot.
func (r *Request) loadGet(ctx context.Context, tx store.Tx, kind, id string) error {
	rec, err := tx.Get(ctx, kind, id)
	if r.snap.gets == nil {
		r.snap.gets = map[string]getRead{}
	}
	r.snap.gets[getKey(kind, id)] = getRead{rec, err}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

func (sn *snapshot) putUser(key string, u *user.User, err error) {
	if sn.users == nil {
		sn.users = map[string]userRead{}
	}
	sn.users[key] = userRead{u, err}
}

// takeUser hands out a user the call read, once: a second reader of the
// same user reads it again, so that no two parts of a call share (and
// change) one copy.
func (sn *snapshot) takeUser(key string) (*user.User, error, bool) {
	hit, ok := sn.users[key]
	if ok {
		delete(sn.users, key)
	}
	return hit.u, hit.err, ok
}

// subjectOf is u as the tokens describe them, with the groups the call
// read for them, or read now.
func (s *Service) subjectOf(ctx context.Context, r *Request, u *user.User) (token.Subject, error) {
	if groups, ok := r.snap.groups[u.Sub]; ok && u.PoolID == deref(r.Pool.Id) {
		return *user.SubjectOf(u, groups), nil
	}
	return s.subject(ctx, u)
}

// get is tx.Get of a record, from the snapshot when the call read it.
func (s *Service) get(ctx context.Context, r *Request, kind, id string) (*store.Record, error) {
	if hit, ok := r.snap.gets[getKey(kind, id)]; ok {
		return hit.rec, hit.err
	}
	var rec *store.Record
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		rec, err = tx.Get(ctx, kind, id)
		return err
	})
	return rec, err
}

// loadGroups reads the groups of u's tokens into the snapshot.
func (s *Service) loadGroups(ctx context.Context, tx store.Tx, r *Request, u *user.User) error {
	groups, err := s.users.SubjectGroups(ctx, tx, u.PoolID, u.Sub)
	if err != nil {
		return err
	}
	if r.snap.groups == nil {
		r.snap.groups = map[string][]token.Group{}
	}
	r.snap.groups[u.Sub] = groups
	return nil
}

// call is what a sign-in operation was asked, for preload.
type call struct {
	flow, challenge string
	params          map[string]string
	session         *string
}

// preload runs, in the call's read transaction, the Loader of its flow or
// challenge (for a challenge with a Session and no Loader of its own,
// loadSession) and, for the user it returns, preloadFor. A flow the
// client may not use loads nothing: the core refuses it next.
func (s *Service) preload(ctx context.Context, tx store.Tx, r *Request, c *call) error {
	if c == nil {
		return nil
	}
	var load Loader
	if c.challenge == "" {
		spec, ok := s.flows[c.flow]
		if !ok || (r.Admin && !spec.Admin) || (!r.Admin && !spec.Public) || !flowEnabled(r.Client, spec) {
			return nil
		}
		r.Name, r.Params, load = c.flow, c.params, spec.Load
	} else {
		spec, ok := s.challenges[c.challenge]
		if !ok {
			return nil
		}
		r.Name, r.Params, r.answer, load = c.challenge, c.params, true, spec.Load
		if load == nil && !spec.Stateless {
			load = s.loadSession(deref(c.session))
		}
	}
	if load == nil {
		return nil
	}
	u, err := load(ctx, tx, r)
	if err != nil || u == nil {
		return err
	}
	return s.preloadFor(ctx, tx, r, u)
}

// loadSession is the Loader of a challenge answered with a Session: the
// record that would mark it spent, and the user it is for.
func (s *Service) loadSession(raw string) Loader {
	return func(ctx context.Context, tx store.Tx, r *Request) (*user.User, error) {
		if r.CheckSecretHash(r.Param("USERNAME")) != nil {
			return nil, nil
		}
		ss, err := s.sessionOnce(r, raw)
		if err != nil {
			return nil, nil
		}
		if err := r.loadGet(ctx, tx, KindSpent, ss.ID); err != nil || r.snap.gets[getKey(KindSpent, ss.ID)].err == nil {
			return nil, err // spent already: the answer is refused
		}
		return s.loadSub(ctx, tx, r, ss.PoolID, ss.Sub)
	}
}

// sessionOnce is openSession, once per call.
func (s *Service) sessionOnce(r *Request, raw string) (*Session, error) {
	if o := r.snap.session; o != nil && o.raw == raw {
		return o.ss, o.err
	}
	ss, err := s.openSession(r, raw)
	r.snap.session = &openedSession{raw: raw, ss: ss, err: err}
	return ss, err
}

// preloadFor reads, in the call's transaction, what signing u in needs
// besides the user: the groups of the tokens and what the steps and hooks
// preload.
func (s *Service) preloadFor(ctx context.Context, tx store.Tx, r *Request, u *user.User) error {
	if err := s.loadGroups(ctx, tx, r, u); err != nil {
		return err
	}
	for _, st := range s.steps {
		if p, ok := st.(Preloader); ok {
			if err := p.Preload(ctx, tx, r, u); err != nil {
				return err
			}
		}
	}
	for _, h := range s.hooks {
		if p, ok := h.(Preloader); ok {
			if err := p.Preload(ctx, tx, r, u); err != nil {
				return err
			}
		}
	}
	return nil
}
