package store

import (
	"context"
	"errors"
)

// Memo wraps a Read transaction so that a record read twice by id is read
// once: in a snapshot the second read could only find what the first
// did. Code that reads through layers which each fetch what they check
// (a token's client, then the same client for the operation) shares one
// read this way without the layers passing records to each other.
//
// Only for Read transactions: in a Write the transaction's own changes
// would make a remembered record stale. Each Get returns a copy of the
// Record struct; its Data is shared and, as always, read-only.
func Memo(tx Tx) Tx {
	if m, ok := tx.(*memoTx); ok {
		return m
	}
	return &memoTx{Tx: tx, gets: map[memoKey]memoGet{}}
}

type memoTx struct {
	Tx
	gets map[memoKey]memoGet
}

type memoKey struct{ kind, id string }

type memoGet struct {
	rec *Record
	err error
}

func (m *memoTx) Get(ctx context.Context, kind, id string) (*Record, error) {
	k := memoKey{kind, id}
	hit, ok := m.gets[k]
	if !ok {
		hit.rec, hit.err = m.Tx.Get(ctx, kind, id)
		if hit.err != nil && !errors.Is(hit.err, ErrNotFound) {
			return hit.rec, hit.err // a failure is not a fact about the snapshot
		}
		m.gets[k] = hit
	}
	if hit.rec == nil {
		return nil, hit.err
	}
	cp := *hit.rec
	return &cp, hit.err
}
