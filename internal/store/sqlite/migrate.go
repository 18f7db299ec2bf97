package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the missing migrations, each in its own write
// transaction together with its schema_migrations row. BEGIN IMMEDIATE
// holds the database's write lock from the first statement, so a second
// process starting at the same time waits, then finds the step done.
func (s *Store) migrate(ctx context.Context) error {
	migrations, err := sqlbase.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	for {
		finished := false
		err := s.withWriteTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    INTEGER PRIMARY KEY,
				name       TEXT NOT NULL,
				applied_at TEXT NOT NULL
			) STRICT`); err != nil {
				return err
			}
			var applied int
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&applied); err != nil {
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
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: migrate: %w", err)
		}
		if finished {
			return nil
		}
	}
}

// withWriteTx runs fn in a BEGIN IMMEDIATE transaction on the writer and
// commits if fn returns nil. Only migrate uses it, before the writer loop
// starts; afterwards the loop is the writer's only user.
func (s *Store) withWriteTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}
