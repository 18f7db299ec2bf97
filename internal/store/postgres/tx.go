package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

// pgTx is a store.Tx on a pgx transaction, read or write.
type pgTx struct {
	tx pgx.Tx
	// write is set in a Write transaction; PostgreSQL refuses row locks
	// in a read-only one.
	write bool
}

func scanRecord(row pgx.Row) (*store.Record, error) {
	var rec store.Record
	var expires *int64
	if err := row.Scan(&rec.Kind, &rec.ID, &rec.Scope, &rec.Data, &rec.Version, &expires); err != nil {
		return nil, err
	}
	rec.Expires = sqlbase.Expires(expires)
	return &rec, nil
}

func (t *pgTx) queryOne(ctx context.Context, op, query string, args ...any) (*store.Record, error) {
	rec, err := scanRecord(t.tx.QueryRow(ctx, query, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, mapErr(op, err)
	}
	return rec, nil
}

// Get and Lookup answer "not found" for strings no record can hold, which
// PostgreSQL would otherwise reject as parameters.

func (t *pgTx) Get(ctx context.Context, kind, id string) (*store.Record, error) {
	if !sqlbase.Storable(kind, id) {
		return nil, store.ErrNotFound
	}
	return t.queryOne(ctx, "get", "SELECT "+sqlbase.Columns+" FROM records r WHERE r.kind = $1 AND r.id = $2", kind, id)
}

func (t *pgTx) Lookup(ctx context.Context, kind, scope, name, value string) (*store.Record, error) {
	if !sqlbase.Storable(kind, scope, name, value) {
		return nil, store.ErrNotFound
	}
	query, args := sqlbase.LookupSQL(sqlbase.Dollar, kind, scope, name, value)
	return t.queryOne(ctx, "lookup", query, args...)
}

func (t *pgTx) GetMany(ctx context.Context, kind string, ids []string) ([]*store.Record, error) {
	var ok []string
	for _, id := range ids {
		if sqlbase.Storable(id) {
			ok = append(ok, id)
		}
	}
	if len(ok) == 0 || !sqlbase.Storable(kind) {
		return nil, nil
	}
	rows, err := t.tx.Query(ctx, "SELECT "+sqlbase.Columns+" FROM records r WHERE r.kind = $1 AND r.id = ANY($2)", kind, ok)
	if err != nil {
		return nil, mapErr("get many", err)
	}
	recs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*store.Record, error) { return scanRecord(row) })
	if err != nil {
		return nil, mapErr("get many", err)
	}
	return sqlbase.InOrder(ok, recs), nil
}

func (t *pgTx) List(ctx context.Context, q store.Query) ([]*store.Record, error) {
	query, args, err := sqlbase.ListSQL(q, sqlbase.Dollar, false)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, mapErr("list", err)
	}
	recs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*store.Record, error) { return scanRecord(row) })
	if err != nil {
		return nil, mapErr("list", err)
	}
	return recs, nil
}

func (t *pgTx) Count(ctx context.Context, q store.Query) (int, error) {
	query, args, err := sqlbase.ListSQL(q, sqlbase.Dollar, true)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := t.tx.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, mapErr("count", err)
	}
	return int(n), nil
}

func (t *pgTx) Insert(ctx context.Context, rec *store.Record) error {
	if err := sqlbase.Check(rec); err != nil {
		return err
	}
	keys := sqlbase.Keys(rec)
	stmts := []stmt{{`INSERT INTO records (kind, id, scope, data, version, expires_unix_ns) VALUES ($1, $2, $3, $4, 1, $5)`,
		[]any{rec.Kind, rec.ID, rec.Scope, sqlbase.Data(rec), sqlbase.ExpiresNanos(rec.Expires)}}}
	stmts = append(stmts, keyStmts(rec, keys)...)
	_, failed, err := t.atomically(ctx, stmts, true)
	switch {
	case err == nil:
		rec.Version = 1
		return nil
	case failed == 0 && violates(err, "records_pkey"):
		return fmt.Errorf("%w: %s/%s", store.ErrExists, rec.Kind, rec.ID)
	case failed > 0 && violates(err, "record_keys_unique"):
		k := keys[failed-1]
		return &store.KeyConflict{Kind: rec.Kind, Scope: rec.Scope, Name: k.Name, Value: k.Value}
	}
	return mapErr("insert", err)
}

// Update sends the compare-and-set and the new keys in one round trip,
// inside a savepoint that it releases (a second round trip) only once it
// has seen that the version matched: otherwise the key statements ran for
// nothing, or failed on the missing record, and are undone. Releasing in
// the same batch would make them permanent before that check.
func (t *pgTx) Update(ctx context.Context, rec *store.Record) error {
	if err := sqlbase.Check(rec); err != nil {
		return err
	}
	keys := sqlbase.Keys(rec)
	stmts := []stmt{
		{`UPDATE records SET scope = $1, data = $2, version = version + 1, expires_unix_ns = $3
			WHERE kind = $4 AND id = $5 AND version = $6`,
			[]any{rec.Scope, sqlbase.Data(rec), sqlbase.ExpiresNanos(rec.Expires), rec.Kind, rec.ID, rec.Version}},
		{"DELETE FROM record_keys WHERE kind = $1 AND id = $2", []any{rec.Kind, rec.ID}},
	}
	stmts = append(stmts, keyStmts(rec, keys)...)
	tags, failed, err := t.atomically(ctx, stmts, false)
	if len(tags) > 0 && tags[0].RowsAffected() == 0 {
		if err == nil {
			err = t.undo(ctx)
		}
		if err == nil || failed > 0 {
			return t.whyNotUpdated(ctx, rec)
		}
		return mapErr("update", err)
	}
	switch {
	case err == nil:
		if _, err := t.tx.Exec(ctx, "RELEASE SAVEPOINT cirro_record"); err != nil {
			return mapErr("update", err)
		}
		rec.Version++
		return nil
	case failed > 1 && violates(err, "record_keys_unique"):
		k := keys[failed-2]
		return &store.KeyConflict{Kind: rec.Kind, Scope: rec.Scope, Name: k.Name, Value: k.Value}
	}
	return mapErr("update", err)
}

// whyNotUpdated tells a missing record from a stale version.
func (t *pgTx) whyNotUpdated(ctx context.Context, rec *store.Record) error {
	var stored int64
	err := t.tx.QueryRow(ctx, "SELECT version FROM records WHERE kind = $1 AND id = $2", rec.Kind, rec.ID).Scan(&stored)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, rec.Kind, rec.ID)
	case err != nil:
		return mapErr("update", err)
	}
	return fmt.Errorf("%w: %s/%s is at version %d, not %d", store.ErrConflict, rec.Kind, rec.ID, stored, rec.Version)
}

// keyStmts inserts one key per statement, so that the position of a
// failed statement names the key that violated uniqueness.
func keyStmts(rec *store.Record, keys []store.Key) []stmt {
	out := make([]stmt, len(keys))
	for i, k := range keys {
		out[i] = stmt{`INSERT INTO record_keys (kind, scope, name, value, id, uniq) VALUES ($1, $2, $3, $4, $5, $6)`,
			[]any{rec.Kind, rec.Scope, k.Name, k.Value, rec.ID, k.Unique}}
	}
	return out
}

type stmt struct {
	sql  string
	args []any
}

// atomically runs stmts in one round trip inside a savepoint, and if one
// of them fails, undoes them all so that the transaction stays usable: in
// PostgreSQL a failed statement otherwise aborts the whole transaction,
// and a domain that handles a KeyConflict must be able to go on.
//
// It returns the command tags of the statements that succeeded and the
// index of the one that failed, if any. With release false the savepoint
// is left open on success, for the caller to release or undo.
func (t *pgTx) atomically(ctx context.Context, stmts []stmt, release bool) (tags []pgconn.CommandTag, failed int, err error) {
	b := &pgx.Batch{}
	b.Queue("SAVEPOINT cirro_record")
	for _, s := range stmts {
		b.Queue(s.sql, s.args...)
	}
	if release {
		b.Queue("RELEASE SAVEPOINT cirro_record")
	}
	br := t.tx.SendBatch(ctx, b)
	failed = -1
	for i := range b.Len() {
		tag, err := br.Exec()
		if err != nil {
			failed = i - 1
			if failed < 0 {
				br.Close()
				return nil, failed, err // no savepoint to return to
			}
			br.Close()
			return tags, failed, errors.Join(err, t.undo(ctx))
		}
		if i > 0 && i <= len(stmts) {
			tags = append(tags, tag)
		}
	}
	if err := br.Close(); err != nil { // every statement ran; blame none
		return tags, -1, errors.Join(err, t.undo(ctx))
	}
	return tags, -1, nil
}

// undo rolls back to the savepoint and drops it. It runs even when ctx is
// done, because the caller may still commit the rest of the transaction.
func (t *pgTx) undo(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if _, err := t.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT cirro_record; RELEASE SAVEPOINT cirro_record"); err != nil {
		return fmt.Errorf("undo failed: %w", err)
	}
	return nil
}

func (t *pgTx) Delete(ctx context.Context, kind, id string) error {
	if !sqlbase.Storable(kind, id) {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	}
	tag, err := t.tx.Exec(ctx, "DELETE FROM records WHERE kind = $1 AND id = $2", kind, id)
	if err != nil {
		return mapErr("delete", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	}
	return nil
}

func (t *pgTx) DeleteScope(ctx context.Context, scope string) (int, error) {
	if !sqlbase.Storable(scope) {
		return 0, nil
	}
	tag, err := t.tx.Exec(ctx, "DELETE FROM records WHERE scope = $1", scope)
	if err != nil {
		return 0, mapErr("delete scope", err)
	}
	return int(tag.RowsAffected()), nil
}

// Lock takes a row lock with SELECT … FOR SHARE or FOR UPDATE. At READ
// COMMITTED a lock that had to wait re-reads the row once the holder
// ends, so a parent deleted meanwhile answers no row: ErrNotFound.
func (t *pgTx) Lock(ctx context.Context, kind, id string, mode store.LockMode) error {
	if !sqlbase.Storable(kind, id) {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	}
	query := "SELECT 1 FROM records WHERE kind = $1 AND id = $2"
	switch {
	case mode != store.LockShared && mode != store.LockExclusive:
		return fmt.Errorf("postgres: lock: unknown mode %d", mode)
	case !t.write: // a snapshot needs no lock (see store.Tx.Lock)
	case mode == store.LockShared:
		query += " FOR SHARE"
	default:
		query += " FOR UPDATE"
	}
	var one int
	err := t.tx.QueryRow(ctx, query, kind, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	}
	if err != nil {
		return mapErr("lock", err)
	}
	return nil
}
