package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

// The store uses its connections through the driver, not through
// database/sql: a Read takes a reader from the pool and the writer loop
// its one connection (sql.Conn.Raw), begins and ends the transaction
// itself and runs statements kept prepared on that connection.
//
// Why: a database/sql transaction costs a context and a goroutine that
// watches it, and each query in it another context and goroutine (even
// when the caller's context can never end), a statement handle rebound to
// the connection and reflective scanning. On the handful of point reads
// and inserts of a sign-in that was about half of the store's CPU time,
// and each of those goroutines had to be scheduled on a busy machine.
// Statements are kept prepared because modernc's driver compiles the SQL
// of every statement anew, and profiles of read operations (AdminGetUser,
// GetUser, ListUsers) showed the SQL parser and code generator at about a
// fifth of the server's CPU; for small writes compiling was most of their
// cost.
//
// The caller's context still interrupts a read statement (the driver
// watches it when it can end); a Read's transaction is begun without it,
// so that its ROLLBACK always runs.

// maxCachedStmts bounds the statements kept per connection. They come
// from a small set of templates (Get, Lookup, the shapes of List and
// Count, the writes), so the bound is not reached in practice; past it a
// statement is closed after use.
const maxCachedStmts = 256

// rawConn is a connection and its prepared statements. It is used by one
// Read or group at a time (inside Raw), so its map needs no lock.
type rawConn struct {
	conn  driver.Conn
	stmts map[string]driver.Stmt
}

// rawConns finds the rawConn of a driver connection.
type rawConns struct {
	mu     sync.Mutex
	conns  map[any]*rawConn
	closed bool
}

func (r *rawConns) of(dc any) (*rawConn, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errClosed
	}
	c, ok := r.conns[dc]
	if !ok {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return nil, fmt.Errorf("sqlite: driver connection is a %T", dc)
		}
		c = &rawConn{conn: conn, stmts: map[string]driver.Stmt{}}
		if r.conns == nil {
			r.conns = map[any]*rawConn{}
		}
		r.conns[dc] = c
	}
	return c, nil
}

// drop forgets a connection database/sql is about to discard.
func (r *rawConns) drop(dc any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.conns[dc]; ok {
		c.closeStmts()
		delete(r.conns, dc)
	}
}

// close closes every statement; later Reads fail.
func (r *rawConns) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for dc, c := range r.conns {
		c.closeStmts()
		delete(r.conns, dc)
	}
}

func (c *rawConn) closeStmts() {
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}

// read runs fn in a read-only transaction on a pooled connection.
func (s *Store) read(ctx context.Context, fn func(store.Tx) error) error {
	conn, err := s.readers.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer conn.Close()
	var fnErr error
	err = conn.Raw(func(dc any) (rawErr error) {
		c, err := s.readConns.of(dc)
		if err != nil {
			return err
		}
		// BEGIN and ROLLBACK run as prepared statements too, rather than
		// through the driver's BeginTx, which compiles them every time.
		r := rawRunner{c}
		bg := context.WithoutCancel(ctx)
		if _, err := r.exec(bg, "BEGIN"); err != nil {
			return err
		}
		finished := false
		defer func() {
			// After a panic (finished false) or a failed ROLLBACK,
			// database/sql must not reuse the connection.
			if _, err := r.exec(bg, "ROLLBACK"); err != nil || !finished {
				s.readConns.drop(dc)
				rawErr = driver.ErrBadConn
			}
		}()
		fnErr = fn(&sqlTx{db: r})
		finished = true
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil && !errors.Is(err, driver.ErrBadConn) {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	return nil
}

// rawRunner is a stmtRunner on a rawConn.
type rawRunner struct{ c *rawConn }

// stmt returns query prepared on the connection. Statements come from a
// small set of templates; past maxCachedStmts one is closed after use
// (release).
func (c *rawConn) stmt(ctx context.Context, query string) (st driver.Stmt, release func(), err error) {
	if st, ok := c.stmts[query]; ok {
		return st, func() {}, nil
	}
	prep, ok := c.conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, nil, fmt.Errorf("sqlite: driver connection %T cannot prepare", c.conn)
	}
	if st, err = prep.PrepareContext(ctx, query); err != nil {
		return nil, nil, err
	}
	if len(c.stmts) >= maxCachedStmts {
		return st, func() { st.Close() }, nil
	}
	c.stmts[query] = st
	return st, func() {}, nil
}

func namedValues(args []any) ([]driver.NamedValue, error) {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, err
		}
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv, nil
}

// query runs a query and returns its rows and what closes them.
func (r rawRunner) query(ctx context.Context, query string, args []any) (driver.Rows, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	nv, err := namedValues(args)
	if err != nil {
		return nil, nil, err
	}
	st, release, err := r.c.stmt(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	q, ok := st.(driver.StmtQueryContext)
	if !ok {
		release()
		return nil, nil, fmt.Errorf("sqlite: driver statement %T cannot query", st)
	}
	rows, err := q.QueryContext(ctx, nv)
	if err != nil {
		release()
		return nil, nil, err
	}
	return rows, func() { rows.Close(); release() }, nil
}

func (r rawRunner) records(ctx context.Context, query string, args ...any) ([]*store.Record, error) {
	rows, done, err := r.query(ctx, query, args)
	if err != nil {
		return nil, err
	}
	defer done()
	dest := make([]driver.Value, len(rows.Columns()))
	if len(dest) != 6 {
		return nil, fmt.Errorf("sqlite: %d columns, want 6", len(dest))
	}
	var out []*store.Record
	for {
		err := rows.Next(dest)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		rec, err := recordOf(dest)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
}

// recordOf converts a row of sqlbase.Columns. The driver hands over each
// row's blob in a slice of its own, kept as the record's data.
func recordOf(v []driver.Value) (*store.Record, error) {
	var rec store.Record
	var ok [5]bool
	rec.Kind, ok[0] = v[0].(string)
	rec.ID, ok[1] = v[1].(string)
	rec.Scope, ok[2] = v[2].(string)
	if err := (ownedBlob{&rec.Data}).Scan(v[3]); err != nil {
		return nil, err
	}
	rec.Version, ok[3] = v[4].(int64)
	switch e := v[5].(type) {
	case nil:
		ok[4] = true
	case int64:
		ok[4] = true
		rec.Expires = sqlbase.Expires(&e)
	}
	for i, good := range ok {
		if !good {
			return nil, fmt.Errorf("sqlite: unexpected column value %T in record row (column %d)", v[i], i)
		}
	}
	return &rec, nil
}

func (r rawRunner) scalar(ctx context.Context, query string, args ...any) (int64, error) {
	rows, done, err := r.query(ctx, query, args)
	if err != nil {
		return 0, err
	}
	defer done()
	dest := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(dest); err == io.EOF {
		return 0, sql.ErrNoRows
	} else if err != nil {
		return 0, err
	}
	n, ok := dest[0].(int64)
	if !ok {
		return 0, fmt.Errorf("sqlite: scalar is a %T", dest[0])
	}
	return n, nil
}

func (r rawRunner) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	nv, err := namedValues(args)
	if err != nil {
		return 0, err
	}
	st, release, err := r.c.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	defer release()
	e, ok := st.(driver.StmtExecContext)
	if !ok {
		return 0, fmt.Errorf("sqlite: driver statement %T cannot execute", st)
	}
	res, err := e.ExecContext(ctx, nv)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
