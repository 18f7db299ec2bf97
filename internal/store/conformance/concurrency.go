package conformance

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

var concurrencyTests = []test{
	{"ConcurrentUniqueKey", testConcurrentUniqueKey},
	{"ConcurrentCounter", testConcurrentCounter},
	{"ReadsSeeWholeTransactions", testReadsSeeWholeTransactions},
	{"ConcurrentOutcomes", testConcurrentOutcomes},
}

const writers = 50

// testConcurrentUniqueKey races writers for one unique key. Exactly one
// must win: a check-then-insert in code would let several through.
func testConcurrentUniqueKey(t *testing.T, s store.Store) {
	RaceUniqueKey(t, []store.Store{s})
}

// RaceUniqueKey runs the unique-key race spread over several stores on one
// database (the postgres tests use it across "nodes").
func RaceUniqueKey(t *testing.T, stores []store.Store) {
	errs := make([]error, writers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range writers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			s := stores[i%len(stores)]
			errs[i] = s.Write(t.Context(), func(tx store.Tx) error {
				return tx.Insert(t.Context(), &store.Record{Kind: "user", ID: fmt.Sprint("u", i), Scope: "p",
					Keys: []store.Key{uniq("email", "same@x"), uniq("username", fmt.Sprint("n", i))}})
			})
		}()
	}
	start.Done()
	done.Wait()
	won := 0
	for i, err := range errs {
		var kc *store.KeyConflict
		switch {
		case err == nil:
			won++
		case errors.As(err, &kc) && kc.Name == "email":
		default:
			t.Errorf("writer %d: %v, want nil or a KeyConflict on email", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers got the same unique key, want exactly 1", won)
	}
	if n := count(t, stores[0], store.Query{Kind: "user", Scope: "p"}); n != 1 {
		t.Fatalf("%d records stored, want 1", n)
	}
}

// testConcurrentCounter has writers read-modify-write one record. Lost
// updates would leave the count short; the version check turns each race
// into an ErrConflict that Write retries.
func testConcurrentCounter(t *testing.T, s store.Store) {
	RaceCounter(t, []store.Store{s})
}

// RaceCounter is testConcurrentCounter over several stores on one database.
func RaceCounter(t *testing.T, stores []store.Store) {
	insert(t, stores[0], &store.Record{Kind: "counter", ID: "c", Data: []byte("0")})
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = stores[i%len(stores)].Write(t.Context(), func(tx store.Tx) error {
				rec, err := tx.Get(t.Context(), "counter", "c")
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(string(rec.Data))
				if err != nil {
					return err
				}
				rec.Data = []byte(strconv.Itoa(n + 1))
				return tx.Update(t.Context(), rec)
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	got := mustGet(t, stores[0], "counter", "c")
	if string(got.Data) != strconv.Itoa(writers) || got.Version != writers+1 {
		t.Fatalf("counter = %s at version %d, want %d at version %d", got.Data, got.Version, writers, writers+1)
	}
}

// testReadsSeeWholeTransactions checks atomic visibility: a reader sees
// all of a committed transaction or none of it, never a part.
func testReadsSeeWholeTransactions(t *testing.T, s store.Store) {
	const batch = 40
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				var n int
				err := s.Read(ctx, func(tx store.Tx) error {
					var err error
					n, err = tx.Count(ctx, store.Query{Kind: "k", Scope: "p"})
					return err
				})
				if err != nil && ctx.Err() == nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
				if err == nil && n%batch != 0 {
					t.Errorf("reader %d saw %d records, not a multiple of %d", r, n, batch)
					return
				}
			}
		}()
	}
	for b := range 10 {
		mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
			for i := range batch {
				if err := tx.Insert(ctx, &store.Record{Kind: "k", ID: fmt.Sprintf("%d-%d", b, i), Scope: "p"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	stop()
	wg.Wait()
}
