package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
	"github.com/cirrohq/cirro/internal/store/storetest"
)

// A memoized read transaction reads each record once, hands out copies
// (a caller changing its Record does not change the next caller's), and
// remembers "not found" too, but not a failure.
func TestMemoReadsEachRecordOnce(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: "k", ID: "a", Scope: "s", Data: []byte(`{}`)})
	}); err != nil {
		t.Fatal(err)
	}
	counting := storetest.NewCounting(st)
	counts := counting.Measure(func() {
		err := counting.Read(ctx, func(tx store.Tx) error {
			m := store.Memo(store.Memo(tx))
			first, err := m.Get(ctx, "k", "a")
			if err != nil {
				return err
			}
			first.Version = 99
			again, err := m.Get(ctx, "k", "a")
			if err != nil || again.Version != 1 || string(again.Data) != `{}` {
				t.Errorf("second Get: %+v, %v; want the stored record at version 1", again, err)
			}
			for range 2 {
				if _, err := m.Get(ctx, "k", "missing"); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("missing record: %v, want ErrNotFound", err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if got := counts.Calls["Get"]; got != 2 {
		t.Errorf("%d Gets reached the store, want 2 (one per record)", got)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	counts = counting.Measure(func() {
		counting.Read(ctx, func(tx store.Tx) error {
			m := store.Memo(tx)
			m.Get(cancelled, "k", "a") // fails: not remembered
			if _, err := m.Get(ctx, "k", "a"); err != nil {
				t.Errorf("Get after a failed Get: %v", err)
			}
			return nil
		})
	})
	if got := counts.Calls["Get"]; got != 2 {
		t.Errorf("%d Gets reached the store after a failure, want 2", got)
	}
}
