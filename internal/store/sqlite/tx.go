package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

// sqlTx is a store.Tx on a database/sql transaction, read or write.
type sqlTx struct {
	tx    *sql.Tx
	stmts *stmtCache // prepared statements of the tx's database
	// shared marks a Write's view of its group's transaction.
	shared bool
}

// stmtContext is the context a statement runs under. In a group's
// transaction a caller's context must not interrupt a statement: SQLite
// rolls the whole transaction back when a writing statement is
// interrupted, and with it the other members' work. So a caller whose
// context is done gets its error before a statement, never during one.
func (t *sqlTx) stmtContext(ctx context.Context) (context.Context, error) {
	if !t.shared {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return ctx, err
	}
	return context.WithoutCancel(ctx), nil
}

// query and queryRow run a query as a prepared statement when the cache
// has it ready.
func (t *sqlTx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *sqlTx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// exec runs a statement, prepared when the cache has it ready. Write
// statements are cached too: the writer's one connection runs the same
// few INSERT, UPDATE, DELETE and SAVEPOINT statements over and over, and
// compiling each anew was most of the cost of a small write.
func (t *sqlTx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

type scanner interface{ Scan(...any) error }

func scanRecord(row scanner) (*store.Record, error) {
	var rec store.Record
	var expires sql.NullInt64
	if err := row.Scan(&rec.Kind, &rec.ID, &rec.Scope, &rec.Data, &rec.Version, &expires); err != nil {
		return nil, err
	}
	if expires.Valid {
		rec.Expires = sqlbase.Expires(&expires.Int64)
	}
	return &rec, nil
}

func (t *sqlTx) queryOne(ctx context.Context, query string, args ...any) (*store.Record, error) {
	rec, err := scanRecord(t.queryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return rec, nil
}

func (t *sqlTx) Get(ctx context.Context, kind, id string) (*store.Record, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	return t.queryOne(ctx, "SELECT "+sqlbase.Columns+" FROM records r WHERE r.kind = ? AND r.id = ?", kind, id)
}

func (t *sqlTx) Lookup(ctx context.Context, kind, scope, name, value string) (*store.Record, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	query, args := sqlbase.LookupSQL(sqlbase.Question, kind, scope, name, value)
	return t.queryOne(ctx, query, args...)
}

// getManySQL passes the ids as one JSON array, so that every GetMany is
// the same statement (prepared once) whatever the number of ids; SQLite
// reads each id from the primary key.
const getManySQL = "SELECT " + sqlbase.Columns + " FROM records r WHERE r.kind = ? AND r.id IN (SELECT value FROM json_each(?))"

func (t *sqlTx) GetMany(ctx context.Context, kind string, ids []string) ([]*store.Record, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	recs, err := t.records(ctx, "get many", getManySQL, kind, string(list))
	if err != nil {
		return nil, err
	}
	return sqlbase.InOrder(ids, recs), nil
}

func (t *sqlTx) List(ctx context.Context, q store.Query) ([]*store.Record, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return nil, err
	}
	query, args, err := sqlbase.ListSQL(q, sqlbase.Question, false)
	if err != nil {
		return nil, err
	}
	return t.records(ctx, "list", query, args...)
}

// records runs a query selecting sqlbase.Columns and scans every row.
func (t *sqlTx) records(ctx context.Context, op, query string, args ...any) ([]*store.Record, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", op, err)
	}
	defer rows.Close()
	var out []*store.Record
	for rows.Next() {
		rec, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", op, err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", op, err)
	}
	return out, nil
}

func (t *sqlTx) Count(ctx context.Context, q store.Query) (int, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return 0, err
	}
	query, args, err := sqlbase.ListSQL(q, sqlbase.Question, true)
	if err != nil {
		return 0, err
	}
	var n int
	if err := t.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count: %w", err)
	}
	return n, nil
}

func (t *sqlTx) Insert(ctx context.Context, rec *store.Record) error {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return err
	}
	if err := sqlbase.Check(rec); err != nil {
		return err
	}
	err = t.atomically(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO records (kind, id, scope, data, version, expires_unix_ns)
			VALUES (?, ?, ?, ?, 1, ?)`, rec.Kind, rec.ID, rec.Scope, sqlbase.Data(rec), sqlbase.ExpiresNanos(rec.Expires))
		if isUniqueViolation(err) {
			return fmt.Errorf("%w: %s/%s", store.ErrExists, rec.Kind, rec.ID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: insert: %w", err)
		}
		return t.insertKeys(ctx, rec)
	})
	if err == nil {
		rec.Version = 1
	}
	return err
}

func (t *sqlTx) Update(ctx context.Context, rec *store.Record) error {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return err
	}
	if err := sqlbase.Check(rec); err != nil {
		return err
	}
	err = t.atomically(ctx, func() error {
		res, err := t.exec(ctx, `UPDATE records SET scope = ?, data = ?, version = version + 1, expires_unix_ns = ?
			WHERE kind = ? AND id = ? AND version = ?`,
			rec.Scope, sqlbase.Data(rec), sqlbase.ExpiresNanos(rec.Expires), rec.Kind, rec.ID, rec.Version)
		if err != nil {
			return fmt.Errorf("sqlite: update: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return t.whyNotUpdated(ctx, rec, err)
		}
		if _, err := t.exec(ctx, "DELETE FROM record_keys WHERE kind = ? AND id = ?", rec.Kind, rec.ID); err != nil {
			return fmt.Errorf("sqlite: update: %w", err)
		}
		return t.insertKeys(ctx, rec)
	})
	if err == nil {
		rec.Version++
	}
	return err
}

// whyNotUpdated tells a missing record from a stale version.
func (t *sqlTx) whyNotUpdated(ctx context.Context, rec *store.Record, err error) error {
	if err != nil {
		return fmt.Errorf("sqlite: update: %w", err)
	}
	var stored int64
	err = t.queryRow(ctx, "SELECT version FROM records WHERE kind = ? AND id = ?", rec.Kind, rec.ID).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, rec.Kind, rec.ID)
	case err != nil:
		return fmt.Errorf("sqlite: update: %w", err)
	}
	return fmt.Errorf("%w: %s/%s is at version %d, not %d", store.ErrConflict, rec.Kind, rec.ID, stored, rec.Version)
}

// insertKeys writes rec's keys one statement each, so that a unique
// violation names the key that caused it.
func (t *sqlTx) insertKeys(ctx context.Context, rec *store.Record) error {
	for _, k := range sqlbase.Keys(rec) {
		_, err := t.exec(ctx, `INSERT INTO record_keys (kind, scope, name, value, id, uniq)
			VALUES (?, ?, ?, ?, ?, ?)`, rec.Kind, rec.Scope, k.Name, k.Value, rec.ID, k.Unique)
		if isUniqueViolation(err) {
			return &store.KeyConflict{Kind: rec.Kind, Scope: rec.Scope, Name: k.Name, Value: k.Value}
		}
		if err != nil {
			return fmt.Errorf("sqlite: key %s: %w", k.Name, err)
		}
	}
	return nil
}

// atomically runs fn inside a savepoint and undoes all of it if fn fails.
// A failed statement in SQLite undoes only itself, so without this an
// Insert whose key clashed would leave its record row behind in a
// transaction the domain may still commit.
func (t *sqlTx) atomically(ctx context.Context, fn func() error) error {
	if _, err := t.exec(ctx, "SAVEPOINT cirro_record"); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err := fn(); err != nil {
		// Undo even if ctx is done: the transaction may still be
		// committed by a caller that ignores this error.
		bg := context.WithoutCancel(ctx)
		if _, rbErr := t.exec(bg, "ROLLBACK TO cirro_record"); rbErr != nil {
			return errors.Join(err, fmt.Errorf("sqlite: undo failed: %w", rbErr))
		}
		t.exec(bg, "RELEASE cirro_record")
		return err
	}
	if _, err := t.exec(ctx, "RELEASE cirro_record"); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

func (t *sqlTx) Delete(ctx context.Context, kind, id string) error {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, "DELETE FROM records WHERE kind = ? AND id = ?", kind, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: delete: %w", err)
	} else if n == 0 {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	}
	return nil
}

func (t *sqlTx) DeleteScope(ctx context.Context, scope string) (int, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return 0, err
	}
	res, err := t.exec(ctx, "DELETE FROM records WHERE scope = ?", scope)
	if err != nil {
		return 0, fmt.Errorf("sqlite: delete scope: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: delete scope: %w", err)
	}
	return int(n), nil
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
