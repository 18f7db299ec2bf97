package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/conformance"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

func openFile(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "cirro.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func openMemory(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformanceFile(t *testing.T) {
	conformance.Run(t, func(t *testing.T) store.Store {
		s := openFile(t)
		t.Cleanup(func() {
			if err := s.IntegrityCheck(context.Background()); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}

func TestConformanceMemory(t *testing.T) {
	conformance.Run(t, func(t *testing.T) store.Store { return openMemory(t) })
}

// Two Stores on one file stand in for two processes: their writers are
// serialised by SQLite's lock, not by the in-process queue.
func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores []store.Store
	for range 2 {
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	t.Run("UniqueKey", func(t *testing.T) { conformance.RaceUniqueKey(t, stores) })
	t.Run("Counter", func(t *testing.T) { conformance.RaceCounter(t, stores) })
}

func TestMemoryStoresArePrivate(t *testing.T) {
	a, b := openMemory(t), openMemory(t)
	ctx := t.Context()
	if err := a.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, &store.Record{Kind: "k", ID: "x"}) }); err != nil {
		t.Fatal(err)
	}
	err := b.Read(ctx, func(tx store.Tx) error { _, err := tx.Get(ctx, "k", "x"); return err })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second memory store sees the first's record: %v", err)
	}
}

func TestOpenCreatesDirectoryAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "cirro.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, &store.Record{Kind: "k", ID: "x"}) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if err := s.Read(ctx, func(tx store.Tx) error { _, err := tx.Get(ctx, "k", "x"); return err }); err != nil {
		t.Fatalf("record lost across reopen: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestWALAndMigrationsRecorded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cirro.db")
	openFileAt(t, path)
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var n, top int
	if err := db.QueryRow("SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &top); err != nil || n == 0 || n != top {
		t.Fatalf("schema_migrations: %d rows, top version %d (%v)", n, top, err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cirro.db")
	openFileAt(t, path).Close()
	db := rawDB(t, path)
	if _, err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 'x')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := sqlite.Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("Open of a database from a newer cirro: %v", err)
	}
}

func TestConcurrentOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cirro.db")
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			s, err := sqlite.Open(t.Context(), path)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	db := rawDB(t, path)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM schema_migrations WHERE version = 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("migration 1 recorded %d times (%v)", n, err)
	}
}

func openFileAt(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", fmt.Sprintf("file:%s?_busy_timeout=5000", path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkInsert(b *testing.B) { conformance.BenchInsert(b, openFile(b)) }
func BenchmarkGet(b *testing.B)    { conformance.BenchGet(b, openFile(b)) }
func BenchmarkLookup(b *testing.B) { conformance.BenchLookup(b, openFile(b)) }

// The same on the in-memory database, where no fsync hides the cost of
// statements and transactions (docs/performance.md, Sign-in).
func BenchmarkMemoryInsert(b *testing.B) { conformance.BenchInsert(b, openMemory(b)) }
func BenchmarkMemoryGet(b *testing.B)    { conformance.BenchGet(b, openMemory(b)) }
func BenchmarkMemoryLookup(b *testing.B) { conformance.BenchLookup(b, openMemory(b)) }
