package template

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/store"
)

// Record kinds of stack state. A stack's resources are records of kind
// KindStackResource with ID "<stack>/<logical id>" (a logical id is
// alphanumeric and a stack name has no "/", so the pair is unique) in the
// scope "stack:<stack>", which no pool id can collide with (they contain
// no colon). The stack itself, its outputs and its apply lease, is a
// KindStack record with ID the stack name and the global scope "".
const (
	KindStack         = "stack"
	KindStackResource = "stackresource"
)

func stackScope(stack string) string { return "stack:" + stack }

// stackDoc is the document of a KindStack record.
type stackDoc struct {
	Outputs []OutputValue `json:"Outputs,omitempty"`
	Lock    *lease        `json:"Lock,omitempty"`
}

type lease struct {
	Token   string    `json:"Token"`
	Owner   string    `json:"Owner"`
	Expires time.Time `json:"Expires"`
}

// StoreStates keeps stack state in cirro's store.
type StoreStates struct {
	Store store.Store
	Clock clock.Clock
}

// Load implements States.
func (s *StoreStates) Load(ctx context.Context, stack string) (*StackState, error) {
	st := &StackState{Name: stack, Resources: map[string]*ResourceState{}}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		recs, err := tx.List(ctx, store.Query{Kind: KindStackResource, Scope: stackScope(stack)})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			// Numbers keep their text, as in a parsed template, so that an
			// unchanged property compares equal.
			var r ResourceState
			dec := json.NewDecoder(bytes.NewReader(rec.Data))
			dec.UseNumber()
			if err := dec.Decode(&r); err != nil {
				return err
			}
			st.Resources[r.LogicalID] = &r
		}
		doc, _, err := s.stack(ctx, tx, stack)
		if err != nil {
			return err
		}
		st.Outputs = doc.Outputs
		return nil
	})
	return st, err
}

// stack reads a stack record; a missing one is an empty document and a
// nil record.
func (s *StoreStates) stack(ctx context.Context, tx store.Tx, stack string) (*stackDoc, *store.Record, error) {
	rec, err := tx.Get(ctx, KindStack, stack)
	if errors.Is(err, store.ErrNotFound) {
		return &stackDoc{}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var doc stackDoc
	if err := json.Unmarshal(rec.Data, &doc); err != nil {
		return nil, nil, err
	}
	return &doc, rec, nil
}

// putStack writes a stack record, creating it on first use.
func putStack(ctx context.Context, tx store.Tx, stack string, doc *stackDoc, rec *store.Record) error {
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if rec == nil {
		return tx.Insert(ctx, &store.Record{Kind: KindStack, ID: stack, Data: data})
	}
	rec.Data = data
	return tx.Update(ctx, rec)
}

// PutResource implements States.
func (s *StoreStates) PutResource(ctx context.Context, stack string, r *ResourceState) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	id := stack + "/" + r.LogicalID
	return s.Store.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindStackResource, id)
		if errors.Is(err, store.ErrNotFound) {
			return tx.Insert(ctx, &store.Record{Kind: KindStackResource, ID: id, Scope: stackScope(stack), Data: data})
		}
		if err != nil {
			return err
		}
		rec.Data = data
		return tx.Update(ctx, rec)
	})
}

// DeleteResource implements States.
func (s *StoreStates) DeleteResource(ctx context.Context, stack, logicalID string) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		err := tx.Delete(ctx, KindStackResource, stack+"/"+logicalID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
}

// PutOutputs implements States.
func (s *StoreStates) PutOutputs(ctx context.Context, stack string, outputs []OutputValue) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		doc, rec, err := s.stack(ctx, tx, stack)
		if err != nil {
			return err
		}
		doc.Outputs = outputs
		return putStack(ctx, tx, stack, doc, rec)
	})
}

// Lock implements States.
func (s *StoreStates) Lock(ctx context.Context, stack, owner string, ttl time.Duration) (string, error) {
	token := ids.Secret(16)
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		doc, rec, err := s.stack(ctx, tx, stack)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if doc.Lock != nil && now.Before(doc.Lock.Expires) {
			return ErrLocked
		}
		doc.Lock = &lease{Token: token, Owner: owner, Expires: now.Add(ttl)}
		return putStack(ctx, tx, stack, doc, rec)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Unlock implements States.
func (s *StoreStates) Unlock(ctx context.Context, stack, token string) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		doc, rec, err := s.stack(ctx, tx, stack)
		if err != nil || rec == nil || doc.Lock == nil || doc.Lock.Token != token {
			return err
		}
		doc.Lock = nil
		return putStack(ctx, tx, stack, doc, rec)
	})
}

// ListStacks names the stacks with recorded state.
func (s *StoreStates) ListStacks(ctx context.Context) ([]string, error) {
	var names []string
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		recs, err := tx.List(ctx, store.Query{Kind: KindStack})
		for _, r := range recs {
			names = append(names, r.ID)
		}
		return err
	})
	return names, err
}
