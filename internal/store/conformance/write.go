package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

var writeTests = []test{
	{"RollbackOnError", testRollbackOnError},
	{"RetryOnConflict", testRetryOnConflict},
	{"RetryStaleUpdate", testRetryStaleUpdate},
	{"RetryIsBounded", testRetryIsBounded},
	{"PanicRollsBack", testPanicRollsBack},
	{"CanceledContext", testCanceledContext},
	{"ReadYourWrites", testReadYourWrites},
	{"ReadReturnsFnError", testReadReturnsFnError},
}

type domainError struct{ code string }

func (e *domainError) Error() string { return "domain: " + e.code }

func testRollbackOnError(t *testing.T, s store.Store) {
	keep := &store.Record{Kind: "k", ID: "keep", Scope: "p", Data: []byte("v1")}
	insert(t, s, keep)
	want := &domainError{"UsernameExistsException"}
	err := s.Write(t.Context(), func(tx store.Tx) error {
		ctx := t.Context()
		for _, id := range []string{"new1", "new2"} {
			if err := tx.Insert(ctx, &store.Record{Kind: "k", ID: id, Scope: "p", Keys: []store.Key{uniq("u", id)}}); err != nil {
				return err
			}
		}
		keep.Data = []byte("v2")
		if err := tx.Update(ctx, keep); err != nil {
			return err
		}
		if _, err := tx.DeleteScope(ctx, "p"); err != nil {
			return err
		}
		return want
	})
	if err != want {
		t.Fatalf("Write returned %v (%T), want fn's error unchanged", err, err)
	}
	absent(t, s, "k", "new1")
	absent(t, s, "k", "new2")
	if got := mustGet(t, s, "k", "keep"); string(got.Data) != "v1" || got.Version != 1 {
		t.Fatalf("rolled-back Update is visible: %+v", got)
	}
	insert(t, s, &store.Record{Kind: "k", ID: "new1", Scope: "p", Keys: []store.Key{uniq("u", "new1")}})
}

func testRetryOnConflict(t *testing.T, s store.Store) {
	calls := 0
	err := s.Write(t.Context(), func(tx store.Tx) error {
		calls++
		if err := tx.Insert(t.Context(), &store.Record{Kind: "k", ID: fmt.Sprint("attempt-", calls)}); err != nil {
			return err
		}
		if calls < 3 {
			return fmt.Errorf("domain saw a race: %w", store.ErrConflict)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Fatalf("fn ran %d times, want 3", calls)
	}
	absent(t, s, "k", "attempt-1")
	absent(t, s, "k", "attempt-2")
	mustGet(t, s, "k", "attempt-3")
}

// testRetryStaleUpdate has the store itself report the conflict: the first
// attempt updates from a version that another writer has moved past.
func testRetryStaleUpdate(t *testing.T, s store.Store) {
	rec := &store.Record{Kind: "k", ID: "c", Data: []byte("0")}
	insert(t, s, rec)
	stale := *rec
	rec.Data = []byte("1")
	if err := tryUpdate(t, s, rec); err != nil {
		t.Fatal(err)
	}
	calls := 0
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		calls++
		cur := &stale
		if calls > 1 {
			var err error
			if cur, err = tx.Get(ctx, "k", "c"); err != nil {
				return err
			}
		}
		cur.Data = []byte("2")
		return tx.Update(ctx, cur)
	})
	if calls != 2 {
		t.Fatalf("fn ran %d times, want 2", calls)
	}
	if got := mustGet(t, s, "k", "c"); string(got.Data) != "2" || got.Version != 3 {
		t.Fatalf("after retry: %+v", got)
	}
}

func testRetryIsBounded(t *testing.T, s store.Store) {
	calls := 0
	err := s.Write(t.Context(), func(tx store.Tx) error {
		calls++
		return store.ErrConflict
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Write: %v, want an error wrapping ErrConflict", err)
	}
	if calls < 2 || calls > 50 {
		t.Fatalf("fn ran %d times; want a few retries, then giving up", calls)
	}
}

func testPanicRollsBack(t *testing.T, s store.Store) {
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want the panic to propagate", r)
			}
		}()
		s.Write(t.Context(), func(tx store.Tx) error {
			if err := tx.Insert(t.Context(), &store.Record{Kind: "k", ID: "half"}); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	absent(t, s, "k", "half")
	// The writer was released: the store still works.
	insert(t, s, &store.Record{Kind: "k", ID: "after"})
	func() {
		defer func() { recover() }()
		s.Read(t.Context(), func(tx store.Tx) error { panic("boom") })
	}()
	mustGet(t, s, "k", "after")
}

func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: "k", ID: "x"})
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write with a canceled context: %v", err)
	}
	err = s.Read(ctx, func(tx store.Tx) error {
		_, err := tx.Get(ctx, "k", "x")
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Read with a canceled context: %v", err)
	}
	absent(t, s, "k", "x")

	// Canceled in the middle of a transaction: nothing commits.
	ctx, cancel = context.WithCancel(t.Context())
	err = s.Write(ctx, func(tx store.Tx) error {
		if err := tx.Insert(ctx, &store.Record{Kind: "k", ID: "y"}); err != nil {
			return err
		}
		cancel()
		return tx.Insert(ctx, &store.Record{Kind: "k", ID: "z"})
	})
	if err == nil {
		t.Fatal("Write committed after its context was canceled")
	}
	absent(t, s, "k", "y")
	absent(t, s, "k", "z")
}

func testReadYourWrites(t *testing.T, s store.Store) {
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		rec := &store.Record{Kind: "k", ID: "a", Scope: "p", Data: []byte("1"), Keys: []store.Key{uniq("email", "e")}}
		if err := tx.Insert(ctx, rec); err != nil {
			return err
		}
		if got, err := tx.Get(ctx, "k", "a"); err != nil || string(got.Data) != "1" {
			return fmt.Errorf("Get in the same transaction: %v, %v", got, err)
		}
		if got, err := tx.Lookup(ctx, "k", "p", "email", "e"); err != nil || got.ID != "a" {
			return fmt.Errorf("Lookup in the same transaction: %v, %v", got, err)
		}
		if got, err := tx.List(ctx, store.Query{Kind: "k", Scope: "p"}); err != nil || len(got) != 1 {
			return fmt.Errorf("List in the same transaction: %v, %v", got, err)
		}
		if n, err := tx.Count(ctx, store.Query{Kind: "k", Scope: "p"}); err != nil || n != 1 {
			return fmt.Errorf("Count in the same transaction: %v, %v", n, err)
		}
		rec.Data = []byte("2")
		if err := tx.Update(ctx, rec); err != nil {
			return err
		}
		if got, err := tx.Get(ctx, "k", "a"); err != nil || string(got.Data) != "2" || got.Version != 2 {
			return fmt.Errorf("Get after Update in the same transaction: %+v, %v", got, err)
		}
		if err := tx.Delete(ctx, "k", "a"); err != nil {
			return err
		}
		if _, err := tx.Get(ctx, "k", "a"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get after Delete in the same transaction: %v", err)
		}
		return nil
	})
}

func testReadReturnsFnError(t *testing.T, s store.Store) {
	want := &domainError{"NotAuthorizedException"}
	if err := s.Read(t.Context(), func(tx store.Tx) error { return want }); err != want {
		t.Fatalf("Read returned %v, want fn's error unchanged", err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
