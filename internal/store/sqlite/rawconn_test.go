package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// TestReadStatementsPrepared: read statements stay prepared on their
// connection, give the same answers the second time, and concurrent
// first reads cannot deadlock on their preparation.
func TestReadStatementsPrepared(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: "k", ID: "a", Scope: "p", Data: []byte("{}"), Keys: []store.Key{{Name: "n", Value: "v"}}})
	}); err != nil {
		t.Fatal(err)
	}
	read := func() {
		t.Helper()
		err := s.Read(ctx, func(tx store.Tx) error {
			if _, err := tx.Get(ctx, "k", "a"); err != nil {
				return err
			}
			if _, err := tx.Get(ctx, "k", "missing"); !errors.Is(err, store.ErrNotFound) {
				return errors.New("missing record found")
			}
			recs, err := tx.List(ctx, store.Query{Kind: "k", Scope: "p", KeyName: "n", KeyValue: "v", Limit: 5})
			if err != nil || len(recs) != 1 {
				return errors.New("list")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	for range 16 {
		go func() {
			defer func() { done <- struct{}{} }()
			read()
		}()
	}
	for range 16 {
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("concurrent first reads did not finish")
		}
	}
	s.readConns.mu.Lock()
	n := 0
	for _, c := range s.readConns.conns {
		n = max(n, len(c.stmts))
	}
	s.readConns.mu.Unlock()
	if n < 4 {
		t.Fatalf("%d statements prepared on a reader, want BEGIN, ROLLBACK, Get and List", n)
	}
	read()
}

// TestScannedDataIsOwned: records keep the blob slices the driver hands
// over without copying them (ownedBlob, recordOf), which is safe only if
// the driver gives every row's blob a slice of its own. Reading several
// rows, in a Read and in a Write, must leave each record its own data.
func TestScannedDataIsOwned(t *testing.T) {
	ctx := context.Background()
	s, err := OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := []string{"a", "b", "c", "d"}
	if err := s.Write(ctx, func(tx store.Tx) error {
		for _, id := range ids {
			data := []byte(strings.Repeat(id, 3000))
			if err := tx.Insert(ctx, &store.Record{Kind: "k", ID: id, Scope: "p", Data: data}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check := func(tx store.Tx) error {
		recs, err := tx.List(ctx, store.Query{Kind: "k", Scope: "p"})
		if err != nil {
			return err
		}
		more, err := tx.GetMany(ctx, "k", ids)
		if err != nil {
			return err
		}
		if len(recs) != len(ids) || len(more) != len(ids) {
			return errors.New("wrong number of records")
		}
		for i, rec := range append(recs, more...) {
			if want := strings.Repeat(ids[i%len(ids)], 3000); string(rec.Data) != want {
				return errors.New("record " + rec.ID + " lost its data to a later row")
			}
		}
		return nil
	}
	if err := s.Read(ctx, check); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, check); err != nil {
		t.Fatal(err)
	}
}
