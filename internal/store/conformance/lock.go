package conformance

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

var lockTests = []test{
	{"LockMissing", testLockMissing},
	{"LockParentDelete", testLockParentDelete},
	{"LockQuota", testLockQuota},
}

// lockers is how many writers race for one parent; small enough that a
// backend serializing them on one row still ends in well under a second.
const lockers = 20

// testLockMissing: a lock is also an existence check, in both kinds of
// transaction, so that a domain can lock its parent instead of reading it.
func testLockMissing(t *testing.T, s store.Store) {
	insert(t, s, &store.Record{Kind: "parent", ID: "p"})
	for _, mode := range []store.LockMode{store.LockShared, store.LockExclusive} {
		var missing, present error
		mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
			missing = tx.Lock(ctx, "parent", "nobody", mode)
			present = tx.Lock(ctx, "parent", "p", mode)
			return nil
		})
		if !errors.Is(missing, store.ErrNotFound) || present != nil {
			t.Fatalf("Write, mode %d: Lock of a missing record = %v, of a present one = %v; want ErrNotFound, nil", mode, missing, present)
		}
		mustRead(t, s, func(ctx context.Context, tx store.Tx) error {
			missing = tx.Lock(ctx, "parent", "nobody", mode)
			present = tx.Lock(ctx, "parent", "p", mode)
			return nil
		})
		if !errors.Is(missing, store.ErrNotFound) || present != nil {
			t.Fatalf("Read, mode %d: Lock of a missing record = %v, of a present one = %v; want ErrNotFound, nil", mode, missing, present)
		}
	}
}

func testLockParentDelete(t *testing.T, s store.Store) { RaceParentDelete(t, []store.Store{s}) }
func testLockQuota(t *testing.T, s store.Store)        { RaceQuota(t, []store.Store{s}) }

// RaceParentDelete races writers inserting children under a shared lock on
// their parent against one deleting the parent and its scope under an
// exclusive lock (a user pool and its users). Without the locks, at READ
// COMMITTED, the delete does not see a child committed after its
// statement began, and the child outlives its parent. Whatever the
// interleaving, every child must be deleted with the parent or refused.
// Several rounds, since one may happen to run the deleter first or last.
func RaceParentDelete(t *testing.T, stores []store.Store) {
	for round := range 5 {
		parent, scope := fmt.Sprint("p", round), fmt.Sprint("s", round)
		insert(t, stores[0], &store.Record{Kind: "parent", ID: parent})
		errs := make([]error, lockers)
		var delErr error
		together(lockers+1, func(i int) {
			if i == lockers {
				delErr = stores[round%len(stores)].Write(t.Context(), func(tx store.Tx) error {
					if err := tx.Lock(t.Context(), "parent", parent, store.LockExclusive); err != nil {
						return err
					}
					if _, err := tx.DeleteScope(t.Context(), scope); err != nil {
						return err
					}
					return tx.Delete(t.Context(), "parent", parent)
				})
				return
			}
			errs[i] = stores[i%len(stores)].Write(t.Context(), func(tx store.Tx) error {
				if err := tx.Lock(t.Context(), "parent", parent, store.LockShared); err != nil {
					return err
				}
				return tx.Insert(t.Context(), &store.Record{Kind: "child", ID: fmt.Sprint(parent, "-", i), Scope: scope})
			})
		})
		if delErr != nil {
			t.Fatalf("round %d: delete: %v", round, delErr)
		}
		for i, err := range errs {
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("round %d: child writer %d: %v, want nil or ErrNotFound", round, i, err)
			}
		}
		absent(t, stores[0], "parent", parent)
		if n := count(t, stores[0], store.Query{Kind: "child", Scope: scope}); n != 0 {
			t.Fatalf("round %d: %d children outlive their deleted parent", round, n)
		}
	}
}

// RaceQuota races writers that count a parent's children and insert one
// if under a quota, each under an exclusive lock on the parent. Without
// it, at READ COMMITTED, several see the same count and all insert.
func RaceQuota(t *testing.T, stores []store.Store) {
	const quota = 5
	insert(t, stores[0], &store.Record{Kind: "parent", ID: "p"})
	errs := make([]error, lockers)
	together(lockers, func(i int) {
		errs[i] = stores[i%len(stores)].Write(t.Context(), func(tx store.Tx) error {
			if err := tx.Lock(t.Context(), "parent", "p", store.LockExclusive); err != nil {
				return err
			}
			n, err := tx.Count(t.Context(), store.Query{Kind: "child", Scope: "p"})
			if err != nil || n >= quota {
				return err
			}
			return tx.Insert(t.Context(), &store.Record{Kind: "child", ID: fmt.Sprint("c", i), Scope: "p"})
		})
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if n := count(t, stores[0], store.Query{Kind: "child", Scope: "p"}); n != quota {
		t.Fatalf("%d children stored under a quota of %d", n, quota)
	}
}

// together runs fn(0) … fn(n-1) on n goroutines released at once, and
// waits for them all.
func together(n int, fn func(i int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			fn(i)
		}()
	}
	start.Done()
	done.Wait()
}
