package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/conformance"
	"github.com/cirrohq/cirro/internal/store/postgres"
	"github.com/cirrohq/cirro/internal/store/postgres/pgtest"
)

func open(tb testing.TB, dsn string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	pgtest.DSN(t) // skip early, once, without CIRRO_TEST_POSTGRES
	conformance.Run(t, func(t *testing.T) store.Store { return open(t, pgtest.DSN(t)) })
}

// TestTwoNodes opens the same schema twice, as two cirro processes would:
// each sees the other's commits, and uniqueness and version checks hold
// across them because the database enforces them.
func TestTwoNodes(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := open(t, dsn), open(t, dsn)
	ctx := t.Context()

	rec := &store.Record{Kind: "user", ID: "u1", Scope: "p", Data: []byte("from a"), Keys: []store.Key{{Name: "email", Value: "e", Unique: true}}}
	if err := a.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, rec) }); err != nil {
		t.Fatal(err)
	}
	var got *store.Record
	err := b.Read(ctx, func(tx store.Tx) error {
		var err error
		got, err = tx.Lookup(ctx, "user", "p", "email", "e")
		return err
	})
	if err != nil || string(got.Data) != "from a" {
		t.Fatalf("node b reads node a's write: %+v, %v", got, err)
	}
	var dupErr error
	b.Write(ctx, func(tx store.Tx) error {
		dupErr = tx.Insert(ctx, &store.Record{Kind: "user", ID: "u2", Scope: "p", Keys: []store.Key{{Name: "email", Value: "e", Unique: true}}})
		return nil
	})
	if _, ok := store.IsKeyConflict(dupErr); !ok {
		t.Fatalf("node b took node a's unique key: %v", dupErr)
	}

	// The conformance races, with the writers spread over three nodes.
	nodes := func(t *testing.T) []store.Store {
		dsn := pgtest.DSN(t)
		return []store.Store{open(t, dsn), open(t, dsn), open(t, dsn)}
	}
	t.Run("UniqueKeyRace", func(t *testing.T) { conformance.RaceUniqueKey(t, nodes(t)) })
	t.Run("CounterRace", func(t *testing.T) { conformance.RaceCounter(t, nodes(t)) })
	t.Run("ParentDeleteRace", func(t *testing.T) { conformance.RaceParentDelete(t, nodes(t)) })
	t.Run("QuotaRace", func(t *testing.T) { conformance.RaceQuota(t, nodes(t)) })
}

// TestConcurrentOpens starts several nodes at once on an empty schema:
// the advisory lock lets exactly one apply each migration.
func TestConcurrentOpens(t *testing.T) {
	dsn := pgtest.DSN(t)
	const nodes = 6
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(t.Context(), dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n, distinct int
	if err := conn.QueryRow(t.Context(), "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n == 0 || n != distinct {
		t.Fatalf("schema_migrations has %d rows for %d versions", n, distinct)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	open(t, dsn).Close()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')"); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(t.Context(), dsn); err == nil || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("Open of a schema from a newer cirro: %v", err)
	}
}

func BenchmarkInsert(b *testing.B) { conformance.BenchInsert(b, open(b, pgtest.DSN(b))) }
func BenchmarkGet(b *testing.B)    { conformance.BenchGet(b, open(b, pgtest.DSN(b))) }
func BenchmarkLookup(b *testing.B) { conformance.BenchLookup(b, open(b, pgtest.DSN(b))) }
