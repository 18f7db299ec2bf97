package auth

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// open reads the client (and for the admin operations the pool it must
// belong to) and starts a Request. The admin operations name the pool
// first, so an unknown pool is reported before an unknown client.
func (s *Service) open(ctx context.Context, admin bool, poolID *string, clientID string) (*Request, error) {
	return s.openFor(ctx, admin, poolID, clientID, nil)
}

// openFor is open for a call of the sign-in operations: in the same read
// transaction it reads what the call's flow or challenge will need
// (preload, snapshot.go).
func (s *Service) openFor(ctx context.Context, admin bool, poolID *string, clientID string, call *call) (*Request, error) {
	r := &Request{Admin: admin, now: s.clock.Now()}
	err := s.store.Read(ctx, func(tx store.Tx) error {
		r.Pool, r.snap = nil, snapshot{}
		if admin {
			p, _, err := s.pools.SharedPool(ctx, tx, *poolID)
			if err != nil {
				return err
			}
			r.Pool = p
		}
		c, secrets, err := s.pools.SharedClient(ctx, tx, clientID)
		if err != nil {
			return err
		}
		r.Secrets = secrets
		if admin && deref(c.UserPoolId) != *poolID {
			return errs.New(errs.ResourceNotFoundException, "User pool client "+clientID+" does not exist.")
		}
		r.Client = c
		if r.Pool == nil {
			if r.Pool, _, err = s.pools.SharedPool(ctx, tx, deref(c.UserPoolId)); err != nil {
				return err
			}
		}
		return s.preload(ctx, tx, r, call)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// flowEnabled reports whether the client allows a flow. A client lists
// either ALLOW_ values or legacy ones, never both (the model forbids the
// mix); with legacy values only, SRP and refresh were always on unless
// the client was CUSTOM_AUTH_FLOW_ONLY.
func flowEnabled(c *cognitoidp.UserPoolClientType, spec FlowSpec) bool {
	flows := pool.ClientAuthFlows(c)
	for _, f := range flows {
		if slices.Contains(spec.Allowed, f) {
			return true
		}
	}
	legacyOnly := !slices.ContainsFunc(flows, func(f string) bool { return strings.HasPrefix(f, "ALLOW_") })
	return spec.Legacy && legacyOnly && !slices.Contains(flows, cognitoidp.ExplicitAuthFlowsTypeCustomAuthFlowOnly)
}

// checkSecretHash verifies SECRET_HASH for a client with secrets, against
// any of them (pool.VerifySecretHash). username is the name as the client
// hashed it: the one it sent in the same request.
func (s *Service) checkSecretHash(r *Request, username string) error {
	return r.CheckSecretHash(username)
}

// CheckSecretHash verifies the request's SECRET_HASH parameter for
// username against every active secret of the client, as every flow
// does; the plug-ins' flows (CUSTOM_AUTH) use it too.
func (r *Request) CheckSecretHash(username string) error {
	return pool.VerifySecretHash(deref(r.Client.ClientId), r.Secrets, username, r.Param("SECRET_HASH"))
}

// hidesUsers reports PreventUserExistenceErrors ENABLED.
func (r *Request) hidesUsers() bool { return pool.PreventsUserExistenceErrors(r.Client) }

// findUser finds the user a sign-in names. An unknown name is
// UserNotFoundException, or, when the client hides users, (nil, nil): the
// caller then does the work a real attempt would and fails as a wrong
// password does.
func (s *Service) findUser(ctx context.Context, r *Request, name string) (*user.User, error) {
	u, err, ok := r.snap.takeUser(nameKey(name))
	if !ok {
		err = s.store.Read(ctx, func(tx store.Tx) (err error) {
			u, _, err = s.users.FindForSignIn(ctx, tx, r.Pool, name)
			return err
		})
	}
	if errs.Is(err, errs.UserNotFoundException) || isNotFound(err) {
		if r.hidesUsers() {
			return nil, nil
		}
		return nil, errUserNotFound
	}
	return u, err
}

// getUser reads a user by sub, for the steps that continue a sign-in.
// A user deleted in the meantime fails the sign-in as a wrong password.
func (s *Service) getUser(ctx context.Context, r *Request, poolID, sub string) (*user.User, error) {
	u, err, ok := r.snap.takeUser(subKey(poolID, sub))
	if !ok {
		err = s.store.Read(ctx, func(tx store.Tx) (err error) {
			u, _, err = s.users.Get(ctx, tx, poolID, sub)
			return err
		})
	}
	if isNotFound(err) {
		return nil, errIncorrect
	}
	return u, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr[T any](v T) *T { return &v }

func isNotFound(err error) bool { return errors.Is(err, user.ErrNotFound) }
