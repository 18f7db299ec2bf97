package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// Get reads the user with sub in a pool.
func (s *Service) Get(ctx context.Context, tx store.Tx, poolID, sub string) (*User, *store.Record, error) {
	rec, err := tx.Get(ctx, Kind, sub)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Scope != poolID) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := decodeUser(rec)
	return u, rec, err
}

// FindForSignIn finds the user a sign-in name designates in pool p: the
// username, or one of the active sign-in names (a verified email or phone
// alias, a preferred_username alias, the email or phone number of a
// username-attributes pool), compared as the pool compares names. It
// returns ErrNotFound when nobody answers to name.
func (s *Service) FindForSignIn(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, name string) (*User, *store.Record, error) {
	r := rulesOf(p)
	u, rec, err := s.lookup(ctx, tx, r, keyUsername, r.fold("username", name))
	if !errors.Is(err, ErrNotFound) {
		return u, rec, err
	}
	for _, attr := range r.signInAttrs() {
		u, rec, err = s.lookup(ctx, tx, r, aliasKeyPrefix+attr, r.fold(attr, name))
		if !errors.Is(err, ErrNotFound) {
			return u, rec, err
		}
	}
	return nil, nil, ErrNotFound
}

// find is FindForSignIn for the operations that name a user (Admin*,
// confirmation, recovery), which also accept the user's sub: "If username
// isn't an alias attribute in your user pool, this value must be the sub
// of a local user" (model, AdminGetUserRequest.Username).
func (s *Service) find(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, name string) (*User, *store.Record, error) {
	u, rec, err := s.FindForSignIn(ctx, tx, p, name)
	if !errors.Is(err, ErrNotFound) {
		return u, rec, err
	}
	if _, perr := uuid.Parse(name); perr != nil {
		return nil, nil, ErrNotFound
	}
	return s.Get(ctx, tx, *p.Id, name)
}

func (s *Service) lookup(ctx context.Context, tx store.Tx, r rules, key, value string) (*User, *store.Record, error) {
	rec, err := tx.Lookup(ctx, Kind, r.poolID(), key, uniqueValue(value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := decodeUser(rec)
	return u, rec, err
}

// Insert stores a new user of pool p, with the keys its document implies.
// A name already taken fails with the store's *KeyConflict; the caller
// maps it to the error of its operation (mapConflict).
func (s *Service) Insert(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, u *User) error {
	rec, err := userRecord(rulesOf(p), u)
	if err != nil {
		return err
	}
	err = tx.Insert(ctx, rec)
	if errors.Is(err, store.ErrExists) {
		// Another user has this sub: 122 random bits make it a bug, not
		// an event to recover from.
		return fmt.Errorf("user %s: sub already taken", u.Sub)
	}
	return err
}

// Save writes back a user read with rec, recomputing its keys. It fails
// with store.ErrConflict if the record changed since it was read, and
// with *store.KeyConflict if a changed sign-in name is taken.
func (s *Service) Save(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, u *User, rec *store.Record) error {
	next, err := userRecord(rulesOf(p), u)
	if err != nil {
		return err
	}
	next.Version = rec.Version
	if err := tx.Update(ctx, next); err != nil {
		return err
	}
	rec.Version, rec.Data, rec.Keys = next.Version, next.Data, next.Keys
	return nil
}

func userRecord(r rules, u *User) (*store.Record, error) {
	data, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("encode user %s: %w", u.Sub, err)
	}
	return &store.Record{Kind: Kind, ID: u.Sub, Scope: u.PoolID, Data: data, Keys: r.keys(u)}, nil
}

func decodeUser(rec *store.Record) (*User, error) {
	var u User
	if err := json.Unmarshal(rec.Data, &u); err != nil {
		return nil, fmt.Errorf("decode user %s: %w", rec.ID, err)
	}
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	return &u, nil
}
