package conformance

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

// testConcurrentOutcomes runs many Writes at once, each with its own
// fate, and checks that every caller gets its own outcome and that
// exactly the successful ones are stored. A backend that commits several
// Writes together (SQLite's group commit) must keep them apart: one
// Write's error, key conflict, panic or canceled context is no other's.
func testConcurrentOutcomes(t *testing.T, s store.Store) {
	const n = 60
	type outcome struct {
		err      error
		panicked any
		ran      bool
	}
	out := make([]outcome, n)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			defer func() { out[i].panicked = recover() }()
			ctx := t.Context()
			if i%6 == 5 {
				ctx = canceled
			}
			start.Wait()
			out[i].err = s.Write(ctx, func(tx store.Tx) error {
				out[i].ran = true
				rec := &store.Record{Kind: "k", ID: fmt.Sprint(i), Scope: "p"}
				if i%6 == 2 || i%6 == 3 { // pairs racing for one unique key
					rec.Keys = []store.Key{uniq("email", fmt.Sprint(i/6, "@x"))}
				}
				if err := tx.Insert(ctx, rec); err != nil {
					return err
				}
				switch i % 6 {
				case 1:
					return &domainError{fmt.Sprint("refused ", i)}
				case 4:
					panic(fmt.Sprint("boom ", i))
				}
				return nil
			})
		}()
	}
	start.Done()
	done.Wait()

	var want []string
	for i, o := range out {
		switch i % 6 {
		case 0:
			if o.err != nil || o.panicked != nil {
				t.Errorf("writer %d: %v, %v; want success", i, o.err, o.panicked)
			}
		case 1:
			var de *domainError
			if !errors.As(o.err, &de) || de.code != fmt.Sprint("refused ", i) {
				t.Errorf("writer %d: %v; want its own domain error", i, o.err)
			}
		case 2: // checked with its pair below
		case 3:
			a, b := out[i-1], o
			if (a.err == nil) == (b.err == nil) {
				t.Errorf("writers %d and %d raced for one key: %v and %v; want exactly one KeyConflict", i-1, i, a.err, b.err)
			}
			for j, e := range []error{a.err, b.err} {
				if e == nil {
					want = append(want, fmt.Sprint(i-1+j))
				} else if name, ok := store.IsKeyConflict(e); !ok || name != "email" {
					t.Errorf("writer %d: %v; want nil or a KeyConflict on email", i-1+j, e)
				}
			}
			continue
		case 4:
			if o.panicked != fmt.Sprint("boom ", i) {
				t.Errorf("writer %d: recovered %v (error %v); want its own panic", i, o.panicked, o.err)
			}
		case 5:
			if !errors.Is(o.err, context.Canceled) || o.ran {
				t.Errorf("writer %d with a canceled context: %v, fn ran: %v", i, o.err, o.ran)
			}
		}
		if i%6 == 0 {
			want = append(want, fmt.Sprint(i))
		}
	}
	got := map[string]bool{}
	for _, id := range list(t, s, store.Query{Kind: "k", Scope: "p"}) {
		got[id] = true
	}
	if len(got) != len(want) {
		t.Errorf("%d records stored, want %d", len(got), len(want))
	}
	for _, id := range want {
		if !got[id] {
			t.Errorf("record %s of a successful Write is missing", id)
		}
	}
	// The store still works after the panics.
	insert(t, s, &store.Record{Kind: "k", ID: "after", Scope: "p"})
}
