package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit (see doc.go): Writes queue here; one goroutine, the writer
// loop, runs the queued ones in one transaction, each in a savepoint, and
// commits them together.

const (
	// maxGroup and maxGroupTime bound a group: past either, the loop
	// commits and leaves the rest of the queue to the next group, so that
	// the first member of a group does not wait long for the last (the
	// Store's fields of the same names hold them; tests change them).
	maxGroup     = 64
	maxGroupTime = 5 * time.Millisecond
	// GroupCommitEnv set to "off" makes every Write a transaction of its
	// own, as before group commit (for comparisons; see docs/performance.md).
	GroupCommitEnv = "CIRRO_SQLITE_GROUP_COMMIT"
)

var (
	errClosed = errors.New("sqlite: store closed")
	errGoexit = errors.New("sqlite: a write closure called runtime.Goexit")
)

// The states of a writeReq: a queued request is taken by the loop or
// given up by its caller, whichever comes first.
const (
	reqQueued int32 = iota
	reqTaken
	reqGivenUp
)

// writeReq is one Write, or one Sweep batch, from its caller to the loop.
type writeReq struct {
	ctx   context.Context
	fn    func(stmtRunner) error
	state atomic.Int32
	done  chan outcome // capacity 1
}

// outcome is what a caller hears: its error, or its closure's panic,
// which the caller raises again.
type outcome struct {
	err      error
	panicked any
}

// writeQueue is the FIFO of requests waiting for the loop.
type writeQueue struct {
	mu     sync.Mutex
	reqs   []*writeReq
	closed bool
	wake   chan struct{} // capacity 1: something was queued
	quit   chan struct{} // closed by Close
	done   chan struct{} // closed when the loop has ended
}

func newWriteQueue() *writeQueue {
	return &writeQueue{wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

func (q *writeQueue) push(r *writeReq) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.reqs = append(q.reqs, r)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// pop takes the oldest request whose caller still waits and whose
// context is not done (those get ctx.Err() and are skipped), or nil.
func (q *writeQueue) pop() *writeReq {
	for {
		q.mu.Lock()
		if len(q.reqs) == 0 {
			q.reqs = nil // let go of the drifted backing array
			q.mu.Unlock()
			return nil
		}
		r := q.reqs[0]
		q.reqs[0] = nil
		q.reqs = q.reqs[1:]
		q.mu.Unlock()
		if !r.state.CompareAndSwap(reqQueued, reqTaken) {
			continue // its caller has returned ctx.Err()
		}
		if err := r.ctx.Err(); err != nil {
			r.done <- outcome{err: err}
			continue
		}
		return r
	}
}

// wait blocks until something is queued (true) or the store closes.
func (q *writeQueue) wait() bool {
	select {
	case <-q.wake:
		return true
	case <-q.quit:
		return false
	}
}

// close stops the loop after its current group and fails what is queued.
func (q *writeQueue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	q.mu.Unlock()
	close(q.quit)
	<-q.done
	for r := q.pop(); r != nil; r = q.pop() {
		r.done <- outcome{err: errClosed}
	}
}

// groupLimit is the largest group this process makes.
func groupLimit() int {
	switch os.Getenv(GroupCommitEnv) {
	case "off", "0", "false":
		return 1
	}
	return maxGroup
}

// submit runs fn in the writer's transaction and returns once fn failed
// or the transaction that holds its work committed (or failed to).
func (s *Store) submit(ctx context.Context, fn func(stmtRunner) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan outcome, 1)}
	if !s.queue.push(r) {
		return errClosed
	}
	var o outcome
	select {
	case o = <-r.done:
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqQueued, reqGivenUp) {
			return ctx.Err() // fn never runs
		}
		o = <-r.done // the loop took it first: it runs (or is refused) now
	}
	if o.panicked != nil {
		panic(o.panicked) // fn's own panic, its work undone
	}
	return o.err
}

// writeLoop is the only user of the writer connection once the Store is
// open: it runs groups until Close.
func (s *Store) writeLoop() {
	stopped := false
	defer func() {
		if stopped {
			close(s.queue.done)
		} else {
			// A closure ended this goroutine with runtime.Goexit (a test's
			// t.FailNow); runGroup has failed its group. Carry on.
			go s.writeLoop()
		}
	}()
	for {
		if r := s.queue.pop(); r != nil {
			s.runGroup(r)
			continue
		}
		if !s.queue.wait() {
			stopped = true
			return
		}
	}
}

// runGroup runs first and whatever else is queued, up to the group's
// bounds, in one transaction, and commits it once. Nothing queued means
// a group of one, committed at once: no one waits for company.
func (s *Store) runGroup(first *writeReq) {
	ctx := context.Background() // the transaction outlives any one caller
	defer s.takeTurn(ctx, s.readSlots)()
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		first.done <- outcome{err: fmt.Errorf("sqlite: begin: %w", err)}
		return
	}
	defer conn.Close()
	// The group runs on the connection through the driver (rawconn.go).
	// If a closure ends the goroutine (runtime.Goexit), Raw discards the
	// connection and database/sql opens another for the next group.
	conn.Raw(func(dc any) error {
		c, err := s.writeConns.of(dc)
		if err != nil {
			first.done <- outcome{err: fmt.Errorf("sqlite: begin: %w", err)}
			return nil
		}
		s.runGroupOn(dc, c, first)
		return nil
	})
}

func (s *Store) runGroupOn(dc any, c *rawConn, first *writeReq) {
	// BEGIN, COMMIT and ROLLBACK run as statements kept prepared on the
	// connection, as a Read's do: the driver's BeginTx and Commit compile
	// them anew for every group.
	ctl := rawRunner{c}
	bg := context.Background()
	if _, err := ctl.exec(bg, "BEGIN IMMEDIATE"); err != nil {
		first.done <- outcome{err: fmt.Errorf("sqlite: begin: %w", err)}
		return
	}
	rollback := func() { ctl.exec(bg, "ROLLBACK") }
	var members []*writeReq // fn returned nil; they wait for the commit
	var current *writeReq
	finished := false
	defer func() {
		if !finished { // runtime.Goexit in current's closure
			rollback()
			s.writeConns.drop(dc)
			current.done <- outcome{err: errGoexit}
			answer(members, errGoexit)
		}
	}()
	start, n := time.Now(), 0
	for r := first; r != nil; r = s.queue.pop() {
		n++
		current = r
		ok, broken := s.runMember(ctl, r)
		if broken != nil {
			// The transaction is in an unknown state: none of it may commit.
			finished = true
			rollback()
			answer(members, fmt.Errorf("sqlite: group transaction: %w", broken))
			return
		}
		if ok {
			members = append(members, r)
		}
		if n >= s.maxGroup || time.Since(start) >= s.maxGroupTime {
			break
		}
	}
	finished = true
	if len(members) == 0 {
		rollback()
		return
	}
	var err error
	if s.failCommit != nil {
		err = s.failCommit()
	}
	if err == nil {
		_, err = ctl.exec(bg, "COMMIT")
	}
	if err != nil {
		// A failed COMMIT may leave the transaction open (SQLITE_BUSY);
		// after an I/O error SQLite has already rolled it back, and this
		// ROLLBACK fails harmlessly.
		rollback()
		err = fmt.Errorf("sqlite: commit: %w", err)
	} else {
		s.groups.Add(1)
		s.grouped.Add(int64(len(members)))
	}
	answer(members, err)
}

func answer(members []*writeReq, err error) {
	for _, r := range members {
		r.done <- outcome{err: err}
	}
}

// runMember runs r's closure inside a savepoint. It reports whether r's
// work awaits the commit, and, as broken, an error that leaves the
// transaction unusable (a savepoint that cannot be made, kept or undone,
// e.g. because SQLite rolled the whole transaction back after an I/O
// error).
func (s *Store) runMember(ctl rawRunner, r *writeReq) (ok bool, broken error) {
	bg := context.Background()
	if _, err := ctl.exec(bg, "SAVEPOINT cirro_write"); err != nil {
		r.done <- outcome{err: fmt.Errorf("sqlite: savepoint: %w", err)}
		return false, err
	}
	o := call(r.fn, ctl)
	if o.err == nil && o.panicked == nil {
		if _, err := ctl.exec(bg, "RELEASE cirro_write"); err != nil {
			r.done <- outcome{err: fmt.Errorf("sqlite: release savepoint: %w", err)}
			return false, err
		}
		return true, nil
	}
	_, undo := ctl.exec(bg, "ROLLBACK TO cirro_write")
	if undo == nil {
		_, undo = ctl.exec(bg, "RELEASE cirro_write")
	}
	if undo != nil {
		o.err = errors.Join(o.err, fmt.Errorf("sqlite: undo failed: %w", undo))
	}
	r.done <- o
	return false, undo
}

// call runs fn, turning a panic into an outcome for its caller. (A
// runtime.Goexit cannot be stopped; runGroup and writeLoop clean up.)
func call(fn func(stmtRunner) error, tx stmtRunner) (o outcome) {
	defer func() {
		if p := recover(); p != nil {
			o = outcome{panicked: p}
		}
	}()
	return outcome{err: fn(tx)}
}
