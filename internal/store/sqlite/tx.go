package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

// sqlTx is a store.Tx on a transaction, read or write.
type sqlTx struct {
	db stmtRunner
	// shared marks a Write's view of its group's transaction.
	shared bool
}

// stmtRunner runs the statements of one transaction; rawRunner
// (rawconn.go) is the one in use, on a connection used through the driver.
type stmtRunner interface {
	// records runs a query selecting sqlbase.Columns.
	records(ctx context.Context, query string, args ...any) ([]*store.Record, error)
	// scalar runs a query of one integer; sql.ErrNoRows if no row.
	scalar(ctx context.Context, query string, args ...any) (int64, error)
	// exec runs a statement and returns the number of rows it changed.
	exec(ctx context.Context, query string, args ...any) (int64, error)
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

// ownedBlob takes a BLOB column value as a record's data without copying
// it: modernc's driver already copies each row's blob out of SQLite's
// memory into a slice of its own, which the next row does not reuse
// (TestScannedDataIsOwned).
type ownedBlob struct{ dst *[]byte }

func (o ownedBlob) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*o.dst = v
	case string:
		*o.dst = []byte(v)
	case nil:
		*o.dst = nil
	default:
		return fmt.Errorf("sqlite: data column holds %T", src)
	}
	return nil
}

func (t *sqlTx) queryOne(ctx context.Context, query string, args ...any) (*store.Record, error) {
	recs, err := t.db.records(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return recs[0], nil
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
	return t.queryOne(ctx, lookupSQL, kind, kind, scope, name, value)
}

// lookupSQL is Lookup's statement, built once; its arguments are kind,
// kind, scope, name, value (sqlbase.LookupSQL).
var lookupSQL, _ = sqlbase.LookupSQL(sqlbase.Question, "", "", "", "")

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
	out, err := t.db.records(ctx, query, args...)
	if err != nil {
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
	n, err := t.db.scalar(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("sqlite: count: %w", err)
	}
	return int(n), nil
}

// Insert adds the record row and then its key rows, without a savepoint
// of its own: both only add rows, so if a key clashes, deleting the new
// record (whose keys go with it, ON DELETE CASCADE) restores what was
// there, and a successful Insert runs two statements instead of four.
func (t *sqlTx) Insert(ctx context.Context, rec *store.Record) error {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return err
	}
	if err := sqlbase.Check(rec); err != nil {
		return err
	}
	_, err = t.db.exec(ctx, `INSERT INTO records (kind, id, scope, data, version, expires_unix_ns)
			VALUES (?, ?, ?, ?, 1, ?)`, rec.Kind, rec.ID, rec.Scope, sqlbase.Data(rec), sqlbase.ExpiresNanos(rec.Expires))
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %s/%s", store.ErrExists, rec.Kind, rec.ID)
	}
	if err != nil {
		return fmt.Errorf("sqlite: insert: %w", err)
	}
	if err := t.insertKeys(ctx, rec); err != nil {
		// Undo even if ctx is done: the transaction may still be
		// committed by a caller that ignores this error.
		bg := context.WithoutCancel(ctx)
		if _, undo := t.db.exec(bg, "DELETE FROM records WHERE kind = ? AND id = ?", rec.Kind, rec.ID); undo != nil {
			return errors.Join(err, fmt.Errorf("sqlite: undo failed: %w", undo))
		}
		return err
	}
	rec.Version = 1
	return nil
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
		n, err := t.db.exec(ctx, `UPDATE records SET scope = ?, data = ?, version = version + 1, expires_unix_ns = ?
			WHERE kind = ? AND id = ? AND version = ?`,
			rec.Scope, sqlbase.Data(rec), sqlbase.ExpiresNanos(rec.Expires), rec.Kind, rec.ID, rec.Version)
		if err != nil {
			return fmt.Errorf("sqlite: update: %w", err)
		}
		if n == 0 {
			return t.whyNotUpdated(ctx, rec, nil)
		}
		if _, err := t.db.exec(ctx, "DELETE FROM record_keys WHERE kind = ? AND id = ?", rec.Kind, rec.ID); err != nil {
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
	stored, err := t.db.scalar(ctx, "SELECT version FROM records WHERE kind = ? AND id = ?", rec.Kind, rec.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, rec.Kind, rec.ID)
	case err != nil:
		return fmt.Errorf("sqlite: update: %w", err)
	}
	return fmt.Errorf("%w: %s/%s is at version %d, not %d", store.ErrConflict, rec.Kind, rec.ID, stored, rec.Version)
}

// keyBatch is the most key rows one INSERT writes; a record with more
// keys takes several statements.
const keyBatch = 8

// insertKeysSQL[n] inserts n key rows.
var insertKeysSQL = func() (out [keyBatch + 1]string) {
	for n := 1; n <= keyBatch; n++ {
		out[n] = "INSERT INTO record_keys (kind, scope, name, value, id, uniq) VALUES (?, ?, ?, ?, ?, ?)" +
			strings.Repeat(", (?, ?, ?, ?, ?, ?)", n-1)
	}
	return out
}()

// insertKeys writes rec's keys, up to keyBatch rows per statement. If a
// statement hits a unique key, SQLite undoes that statement alone, and
// its keys are written again one at a time, so that the conflict names
// the key that caused it.
func (t *sqlTx) insertKeys(ctx context.Context, rec *store.Record) error {
	keys := sqlbase.Keys(rec)
	for len(keys) > 0 {
		batch := keys[:min(len(keys), keyBatch)]
		keys = keys[len(batch):]
		args := make([]any, 0, 6*len(batch))
		for _, k := range batch {
			args = append(args, rec.Kind, rec.Scope, k.Name, k.Value, rec.ID, k.Unique)
		}
		_, err := t.db.exec(ctx, insertKeysSQL[len(batch)], args...)
		switch {
		case isUniqueViolation(err):
			if err := t.insertKeysOneByOne(ctx, rec, batch); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("sqlite: keys: %w", err)
		}
	}
	return nil
}

func (t *sqlTx) insertKeysOneByOne(ctx context.Context, rec *store.Record, keys []store.Key) error {
	for _, k := range keys {
		_, err := t.db.exec(ctx, insertKeysSQL[1], rec.Kind, rec.Scope, k.Name, k.Value, rec.ID, k.Unique)
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
	if _, err := t.db.exec(ctx, "SAVEPOINT cirro_record"); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err := fn(); err != nil {
		// Undo even if ctx is done: the transaction may still be
		// committed by a caller that ignores this error.
		bg := context.WithoutCancel(ctx)
		if _, rbErr := t.db.exec(bg, "ROLLBACK TO cirro_record"); rbErr != nil {
			return errors.Join(err, fmt.Errorf("sqlite: undo failed: %w", rbErr))
		}
		t.db.exec(bg, "RELEASE cirro_record")
		return err
	}
	if _, err := t.db.exec(ctx, "RELEASE cirro_record"); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

func (t *sqlTx) Delete(ctx context.Context, kind, id string) error {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return err
	}
	n, err := t.db.exec(ctx, "DELETE FROM records WHERE kind = ? AND id = ?", kind, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	}
	return nil
}

func (t *sqlTx) DeleteScope(ctx context.Context, scope string) (int, error) {
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return 0, err
	}
	n, err := t.db.exec(ctx, "DELETE FROM records WHERE scope = ?", scope)
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

// Lock only checks that the record exists: Writes run one at a time (in
// a group they run one after the other in one transaction), so no other
// writer can act between this check and the commit, and a Read's
// snapshot needs no lock.
func (t *sqlTx) Lock(ctx context.Context, kind, id string, mode store.LockMode) error {
	if mode != store.LockShared && mode != store.LockExclusive {
		return fmt.Errorf("sqlite: lock: unknown mode %d", mode)
	}
	ctx, err := t.stmtContext(ctx)
	if err != nil {
		return err
	}
	_, err = t.db.scalar(ctx, "SELECT 1 FROM records WHERE kind = ? AND id = ?", kind, id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, kind, id)
	case err != nil:
		return fmt.Errorf("sqlite: lock: %w", err)
	}
	return nil
}
