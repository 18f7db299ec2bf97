package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the first half of the advisory lock key; the second is
// a hash of the schema, so that processes migrating different schemas of
// one database do not wait for each other.
const migrationLock = 0x0c1770

// migrate applies the missing migrations, each in its own transaction
// together with its schema_migrations row. The transaction first takes an
// advisory lock, so when several processes start at once, one migrates
// and the others wait, then see the step recorded and skip it.
func (s *Store) migrate(ctx context.Context) error {
	migrations, err := sqlbase.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	for {
		finished := false
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))", migrationLock); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    integer PRIMARY KEY,
				name       text NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`); err != nil {
				return err
			}
			var applied int
			if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&applied); err != nil {
				return err
			}
			if applied > len(migrations) {
				return sqlbase.TooNew(applied, len(migrations))
			}
			if applied == len(migrations) {
				finished = true
				return nil
			}
			m := migrations[applied]
			// Without arguments pgx uses the simple protocol, which
			// accepts a file of several statements.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
		if finished {
			return nil
		}
	}
}
