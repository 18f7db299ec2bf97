package cirrotest

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cirrohq/cirro/internal/ids"
)

// WithPostgres runs the server on a fresh schema of the PostgreSQL
// database at dsn, dropped when the test ends, so that tests sharing one
// database never see each other's data.
func WithPostgres(dsn string) Option {
	return func(s *settings) { s.pgBase = dsn }
}

// freshSchema creates a uniquely named schema and returns a DSN whose
// connections use it.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("cirrotest: postgres: %v", err)
	}
	defer conn.Close(ctx)
	schema := "cirrotest_" + strings.ToLower(ids.FromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", 12))
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("cirrotest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("cirrotest: postgres DSN must be a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
