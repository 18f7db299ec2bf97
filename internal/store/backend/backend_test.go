package backend_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/backend"
	"github.com/cirrohq/cirro/internal/store/postgres"
	"github.com/cirrohq/cirro/internal/store/postgres/pgtest"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// roundTrip checks that spec opens a working store of the wanted type.
func roundTrip(t *testing.T, spec string, want func(store.Store) bool) {
	t.Helper()
	s, err := backend.Open(t.Context(), spec)
	if err != nil {
		t.Fatalf("Open(%q): %v", spec, err)
	}
	defer s.Close()
	if !want(s) {
		t.Fatalf("Open(%q) returned a %T", spec, s)
	}
	ctx := t.Context()
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, &store.Record{Kind: "k", ID: "x"}) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Read(ctx, func(tx store.Tx) error { _, err := tx.Get(ctx, "k", "x"); return err }); err != nil {
		t.Fatal(err)
	}
}

func isSQLite(s store.Store) bool   { _, ok := s.(*sqlite.Store); return ok }
func isPostgres(s store.Store) bool { _, ok := s.(*postgres.Store); return ok }

func TestSQLiteSpecs(t *testing.T) {
	dir := t.TempDir()
	roundTrip(t, "memory", isSQLite)
	for _, c := range []struct{ spec, file string }{
		{"sqlite:" + filepath.Join(dir, "a.db"), "a.db"},
		{"sqlite://" + filepath.Join(dir, "b.db"), "b.db"},
		{filepath.Join(dir, "sub", "c.db"), filepath.Join("sub", "c.db")},
	} {
		roundTrip(t, c.spec, isSQLite)
		if _, err := os.Stat(filepath.Join(dir, c.file)); err != nil {
			t.Errorf("%q did not create %s: %v", c.spec, c.file, err)
		}
	}
	t.Chdir(dir)
	roundTrip(t, "relative.db", isSQLite)
	if _, err := os.Stat(filepath.Join(dir, "relative.db")); err != nil {
		t.Errorf("relative path: %v", err)
	}
}

func TestPostgresSpec(t *testing.T) {
	dsn := pgtest.DSN(t)
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		t.Skipf("specs are postgres:// URLs; %s holds another form", pgtest.Env)
	}
	roundTrip(t, dsn, isPostgres)
	other := pgtest.DSN(t)
	roundTrip(t, "postgresql://"+strings.TrimPrefix(strings.TrimPrefix(other, "postgres://"), "postgresql://"), isPostgres)
}

func TestBadSpecs(t *testing.T) {
	for _, spec := range []string{"", "  ", "sqlite:", "mysql://u:hunter2@db/cirro", "postgress://u:hunter2@db/x", "redis:6379"} {
		s, err := backend.Open(t.Context(), spec)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", spec)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) error leaks the password: %v", spec, err)
		}
	}
}
