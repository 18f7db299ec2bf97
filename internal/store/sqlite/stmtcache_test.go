package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// TestReadStatementsPrepared: a read query runs unprepared the first time
// and from the cache once its background preparation is done, with the
// same answers, and concurrent readers cannot deadlock on it.
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
	s.readStmts.waitIdle(5 * time.Second)
	s.readStmts.mu.Lock()
	n := len(s.readStmts.stmts)
	s.readStmts.mu.Unlock()
	if n < 2 {
		t.Fatalf("%d statements prepared, want Get and List", n)
	}
	read()
}
