package api_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
)

func tmpEachBackend(t *testing.T, f func(t *testing.T, c *cirrotest.Server)) {
	key := func(dir string) cirrotest.Option {
		return cirrotest.WithConfig(func(c *config.Config) { c.MasterKeyFile = filepath.Join(dir, "key") })
	}
	t.Run("sqlite", func(t *testing.T) {
		d := t.TempDir()
		f(t, cirrotest.Start(t, cirrotest.WithDB("sqlite:"+filepath.Join(d, "cirro.db")), key(d)))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("CIRRO_TEST_POSTGRES")
		if dsn == "" {
			t.Skip()
		}
		f(t, cirrotest.Start(t, cirrotest.WithPostgres(dsn), key(t.TempDir())))
	})
}
