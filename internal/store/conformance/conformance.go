package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

// Run runs the suite. open must return a new, empty store and arrange for
// it to be closed when its test ends; subtests run in parallel, each on its
// own store.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := [][]test{basicTests, keyTests, listTests, writeTests, concurrencyTests, lockTests}
	for _, g := range groups {
		for _, tc := range g {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, open(t))
			})
		}
	}
}

type test struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Helpers that fail the test on unexpected errors, so that the tests read
// as the behaviour they check.

func mustWrite(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.Write(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func mustRead(t *testing.T, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.Read(ctx, func(tx store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

func insert(t *testing.T, s store.Store, recs ...*store.Record) {
	t.Helper()
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, r := range recs {
			if err := tx.Insert(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// tryInsert returns Insert's own error, committing whatever else the
// transaction did.
func tryInsert(t *testing.T, s store.Store, rec *store.Record) error {
	t.Helper()
	var err error
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		err = tx.Insert(ctx, rec)
		return nil
	})
	return err
}

// tryUpdate is tryInsert for Update. Write would retry an ErrConflict, so
// the error is captured inside the transaction instead of returned.
func tryUpdate(t *testing.T, s store.Store, rec *store.Record) error {
	t.Helper()
	var err error
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		err = tx.Update(ctx, rec)
		return nil
	})
	return err
}

func get(t *testing.T, s store.Store, kind, id string) (*store.Record, error) {
	t.Helper()
	var rec *store.Record
	err := s.Read(t.Context(), func(tx store.Tx) error {
		var err error
		rec, err = tx.Get(t.Context(), kind, id)
		return err
	})
	return rec, err
}

func mustGet(t *testing.T, s store.Store, kind, id string) *store.Record {
	t.Helper()
	rec, err := get(t, s, kind, id)
	if err != nil {
		t.Fatalf("Get %s/%s: %v", kind, id, err)
	}
	return rec
}

func absent(t *testing.T, s store.Store, kind, id string) {
	t.Helper()
	if _, err := get(t, s, kind, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get %s/%s: got %v, want ErrNotFound", kind, id, err)
	}
}

func lookup(t *testing.T, s store.Store, kind, scope, name, value string) (*store.Record, error) {
	t.Helper()
	var rec *store.Record
	err := s.Read(t.Context(), func(tx store.Tx) error {
		var err error
		rec, err = tx.Lookup(t.Context(), kind, scope, name, value)
		return err
	})
	return rec, err
}

func list(t *testing.T, s store.Store, q store.Query) []string {
	t.Helper()
	var recs []*store.Record
	mustRead(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		recs, err = tx.List(ctx, q)
		return err
	})
	return ids(recs)
}

func count(t *testing.T, s store.Store, q store.Query) int {
	t.Helper()
	var n int
	mustRead(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.Count(ctx, q)
		return err
	})
	return n
}

func ids(recs []*store.Record) []string {
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

func wantKeyConflict(t *testing.T, err error, want store.KeyConflict) {
	t.Helper()
	var kc *store.KeyConflict
	if !errors.As(err, &kc) {
		t.Fatalf("got %v, want *KeyConflict %+v", err, want)
	}
	if *kc != want {
		t.Fatalf("KeyConflict %+v, want %+v", *kc, want)
	}
	if name, ok := store.IsKeyConflict(err); !ok || name != want.Name {
		t.Fatalf("IsKeyConflict = %q, %v", name, ok)
	}
}

func uniq(name, value string) store.Key { return store.Key{Name: name, Value: value, Unique: true} }
func key(name, value string) store.Key  { return store.Key{Name: name, Value: value} }
