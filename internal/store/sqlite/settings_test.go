package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestConnectionSettings checks that the DSN parameters reach every
// connection: the durability and locking promises depend on them, and a
// driver that silently ignored one would pass every functional test.
func TestConnectionSettings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cirro.db")
	file, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	mem, err := OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()

	pragma := func(db *sql.DB, name string) string {
		t.Helper()
		var v string
		if err := db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		return v
	}
	want := map[string]string{"synchronous": "2", "journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000", "query_only": "0", "temp_store": "2"}
	for name, v := range want {
		if got := pragma(file.writer, name); got != v {
			t.Errorf("file writer: %s = %s, want %s", name, got, v)
		}
	}
	for _, name := range []string{"foreign_keys", "busy_timeout"} {
		if got := pragma(mem.writer, name); got != want[name] {
			t.Errorf("memory writer: %s = %s, want %s", name, got, want[name])
		}
	}
	for _, s := range []*Store{file, mem} {
		if got := pragma(s.readers, "query_only"); got != "1" {
			t.Errorf("reader: query_only = %s, want 1", got)
		}
		if got := pragma(s.readers, "busy_timeout"); got != "10000" {
			t.Errorf("reader: busy_timeout = %s", got)
		}
	}
	// BEGIN IMMEDIATE: a write transaction holds the write lock from its
	// start, so that another process cannot begin one meanwhile (and no
	// transaction has to be abandoned half-way with SQLITE_BUSY).
	tx, err := file.writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "BEGIN IMMEDIATE"); err == nil {
		t.Fatal("a second writer began while a Write transaction was open")
	}
}
