package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

// sweepBatch bounds how many records one Sweep statement deletes, so that
// a large backlog is removed in short transactions.
const sweepBatch = 500

// cleanupTimeout bounds a rollback issued after the caller's context may
// already be done: the rollback must still reach the server.
const cleanupTimeout = 5 * time.Second

// Store is a store.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// keyword/value string, as pgx accepts; search_path selects the schema,
// pool_max_conns the pool size) and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "cirro"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Read runs fn in a REPEATABLE READ, READ ONLY transaction: one snapshot,
// and never a serialization failure, since it writes nothing.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return mapErr("begin read", err)
	}
	defer rollback(ctx, tx) // nothing to commit; also runs on panic
	return fn(&pgTx{tx: tx})
}

// Write runs fn in a READ COMMITTED transaction, retrying on
// store.ErrConflict.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	return sqlbase.Retry(ctx, func() error { return s.writeOnce(ctx, fn) })
}

func (s *Store) writeOnce(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return mapErr("begin", err)
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked
			rollback(ctx, tx)
		}
	}()
	if err := fn(&pgTx{tx: tx, write: true}); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(ctx); err != nil {
		return mapErr("commit", err)
	}
	return nil
}

func rollback(ctx context.Context, tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	tx.Rollback(ctx) // on failure pgx closes the connection, which rolls back too
}

// Sweep deletes expired records a batch at a time. SKIP LOCKED leaves
// rows that a transaction is working on to a later sweep instead of
// waiting for them, and lets several processes sweep at once.
func (s *Store) Sweep(ctx context.Context, t time.Time) (int, error) {
	cutoff := sqlbase.Nanos(t)
	total := 0
	for {
		tag, err := s.pool.Exec(ctx, `DELETE FROM records WHERE (kind, id) IN (
			SELECT kind, id FROM records WHERE expires_unix_ns < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
			cutoff, sweepBatch)
		if err != nil {
			return total, mapErr("sweep", err)
		}
		n := int(tag.RowsAffected())
		total += n
		if n < sweepBatch {
			return total, nil
		}
	}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close closes the connection pool, waiting for connections in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// SQLSTATEs the store interprets.
const (
	uniqueViolation      = "23505"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// mapErr turns a failed race into store.ErrConflict, so that Write runs fn
// again, and labels everything else.
func mapErr(op string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == serializationFailure || pgErr.Code == deadlockDetected) {
		return fmt.Errorf("%w: postgres %s: %w", store.ErrConflict, op, err)
	}
	return fmt.Errorf("postgres %s: %w", op, err)
}

// violates reports whether err is a unique violation of the named
// constraint (or unique index).
func violates(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName == constraint
}
