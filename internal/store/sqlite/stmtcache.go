package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// maxCachedStmts bounds the statement cache. Statements come from a small
// set of templates (Get, Lookup, the shapes of List and Count), so the
// bound is never reached in practice; past it queries simply run
// unprepared.
const maxCachedStmts = 256

// stmtCache keeps statements prepared. modernc's driver compiles the SQL
// of every query anew, and profiles of read operations (AdminGetUser,
// GetUser, ListUsers) showed the SQL parser and code generator at about a
// fifth of the server's CPU. A statement prepared on the pool is reused by
// database/sql on each connection it has already been prepared on.
//
// A statement is prepared in the background after its first use, never
// while the caller holds a connection in a transaction: preparing on the
// pool then could wait for a connection that only the waiting transactions
// hold (the writer has exactly one).
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement for query, or nil (run it
// unprepared) when it is not prepared yet, and then starts preparing it.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if c.closed || c.pending[query] || len(c.stmts)+len(c.pending) >= maxCachedStmts {
		return nil
	}
	c.pending[query] = true
	go c.prepare(query)
	return nil
}

func (c *stmtCache) prepare(query string) {
	ctx, cancel := context.WithTimeout(context.Background(), busyTimeout)
	defer cancel()
	st, err := c.db.PrepareContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, query)
	if err != nil {
		return // it runs unprepared; a later use tries again
	}
	if c.closed {
		st.Close()
		return
	}
	c.stmts[query] = st
}

// close closes the statements; later gets return nil.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}

// waitIdle waits (briefly) for background preparations to finish, so that
// Close does not race a PrepareContext on a database being closed.
func (c *stmtCache) waitIdle(limit time.Duration) {
	if c == nil {
		return
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		n := len(c.pending)
		c.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
