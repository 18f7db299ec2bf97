package api_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
)

// eachBackend runs f against a server on SQLite, and on PostgreSQL when
// CIRRO_TEST_POSTGRES names a database (CI always sets it).
func eachBackend(t *testing.T, f func(t *testing.T, c *cirrotest.Server)) {
	t.Run("sqlite", func(t *testing.T) {
		f(t, cirrotest.Start(t, cirrotest.WithDB("sqlite:"+filepath.Join(t.TempDir(), "cirro.db"))))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("CIRRO_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("CIRRO_TEST_POSTGRES is not set")
		}
		f(t, cirrotest.Start(t, cirrotest.WithPostgres(dsn)))
	})
}
