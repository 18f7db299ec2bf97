package template

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/secrets"
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

// stackDoc is the document of a KindStack record. The outputs are sealed
// with the master key: a template may output a client's secret (the CDK's
// userPoolClientSecret), which cirro never keeps in plain text.
type stackDoc struct {
	Outputs []byte `json:"SealedOutputs,omitempty"`
	Lock    *lease `json:"Lock,omitempty"`
}

// outputsPurpose separates the outputs' key from the keyring's others.
const outputsPurpose = "cirro/stack-outputs"

// resourceDoc is the document of a KindStackResource record. The
// properties of a type that holds upstream secrets (an identity
// provider's client_secret, Apple's private key) are sealed like the
// outputs, bound to stack and logical id: the pool keeps those secrets
// sealed, and the stack's copy must not undo that.
type resourceDoc struct {
	ResourceState
	SealedProperties []byte `json:"SealedProperties,omitempty"`
}

const propertiesPurpose = "cirro/stack-properties"

// sealedTypes are the resource types whose properties are sealed.
var sealedTypes = map[string]bool{typeIdentityProvider: true}

func resourceAD(stack, logicalID string) []byte { return []byte(stack + "/" + logicalID) }

type lease struct {
	Token   string    `json:"Token"`
	Owner   string    `json:"Owner"`
	Expires time.Time `json:"Expires"`
}

// StoreStates keeps stack state in cirro's store.
type StoreStates struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
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
			var doc resourceDoc
			if err := decodeNumbers(rec.Data, &doc); err != nil {
				return err
			}
			r := doc.ResourceState
			if len(doc.SealedProperties) > 0 {
				plain, err := s.Keys.Open(propertiesPurpose, doc.SealedProperties, resourceAD(stack, r.LogicalID))
				if err != nil {
					return fmt.Errorf("stack %s: open the properties of %s: %w", stack, r.LogicalID, err)
				}
				if err := decodeNumbers(plain, &r.Properties); err != nil {
					return err
				}
			}
			st.Resources[r.LogicalID] = &r
		}
		doc, _, err := s.stack(ctx, tx, stack)
		if err != nil {
			return err
		}
		if len(doc.Outputs) == 0 {
			return nil
		}
		plain, err := s.Keys.Open(outputsPurpose, doc.Outputs, []byte(stack))
		if err != nil {
			return fmt.Errorf("stack %s: open outputs: %w", stack, err)
		}
		return json.Unmarshal(plain, &st.Outputs)
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
		return insert(ctx, tx, &store.Record{Kind: KindStack, ID: stack, Data: data})
	}
	rec.Data = data
	return tx.Update(ctx, rec)
}

// PutResource implements States.
func (s *StoreStates) PutResource(ctx context.Context, stack string, r *ResourceState) error {
	doc := resourceDoc{ResourceState: *r}
	if sealedTypes[r.Type] && len(r.Properties) > 0 {
		plain, err := json.Marshal(r.Properties)
		if err != nil {
			return err
		}
		doc.Properties = nil
		doc.SealedProperties = s.Keys.Seal(propertiesPurpose, plain, resourceAD(stack, r.LogicalID))
	}
	data, err := json.Marshal(&doc)
	if err != nil {
		return err
	}
	id := stack + "/" + r.LogicalID
	return s.Store.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindStackResource, id)
		if errors.Is(err, store.ErrNotFound) {
			return insert(ctx, tx, &store.Record{Kind: KindStackResource, ID: id, Scope: stackScope(stack), Data: data})
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
	plain, err := json.Marshal(outputs)
	if err != nil {
		return err
	}
	return s.Store.Write(ctx, func(tx store.Tx) error {
		doc, rec, err := s.stack(ctx, tx, stack)
		if err != nil {
			return err
		}
		doc.Outputs = nil
		if len(outputs) > 0 {
			doc.Outputs = s.Keys.Seal(outputsPurpose, plain, []byte(stack))
		}
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

// decodeNumbers decodes JSON keeping numbers' text, as in a parsed
// template, so that an unchanged property compares equal.
func decodeNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// insert adds a record that was found missing; if another transaction
// added it meanwhile, Store.Write runs the caller again, which then finds
// and updates it.
func insert(ctx context.Context, tx store.Tx, rec *store.Record) error {
	err := tx.Insert(ctx, rec)
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("%s %s: %w", rec.Kind, rec.ID, store.ErrConflict)
	}
	return err
}
