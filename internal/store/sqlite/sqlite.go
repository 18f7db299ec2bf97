package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/semaphore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/internal/sqlbase"
)

// busyTimeout is how long a connection waits for a lock held by another
// connection or process before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// sweepBatch bounds how many records one Sweep transaction deletes, so a
// large backlog does not hold the write lock for long.
const sweepBatch = 500

// Store is a store.Store on one SQLite database.
type Store struct {
	writer  *sql.DB // exactly one connection
	readers *sql.DB // query_only connections
	// keep holds one connection to an in-memory database for the life of
	// the Store: the database vanishes when its last connection closes,
	// and the pools above may close idle ones.
	keepDB *sql.DB
	keep   *sql.Conn
	// queue feeds the writer loop (group.go), the only user of writer
	// once the Store is open; nil until the loop runs.
	queue        *writeQueue
	maxGroup     int
	maxGroupTime time.Duration
	// groups and grouped count committed groups and the Writes in them.
	groups, grouped atomic.Int64
	// failCommit, set by tests, fails a group's commit with its error.
	failCommit func() error
	// turns, for an in-memory database only, lets Reads and Writes take
	// turns in process (see OpenMemory); nil for a file.
	turns     *semaphore.Weighted
	readSlots int64 // the weight of a Write turn: every Read's
	// readConns and writeConns keep the statements of the readers' and
	// the writer's connections prepared (rawconn.go).
	readConns, writeConns rawConns
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it and its directory if missing) the database file
// at path and brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The path goes into a file: URI, where '?', '#' and '%' would be
	// misread; EscapedPath encodes them and SQLite decodes them.
	name := "file:" + (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath()
	return open(ctx, name, url.Values{
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
	})
}

// OpenMemory opens a new, private, empty in-memory database. It is shared
// by the Store's connections (SQLite's memdb VFS, named uniquely) and
// disappears on Close. It has no WAL: a Read cannot start while a Write
// transaction is open and a commit waits for Reads in progress. SQLite
// would absorb that with busy_timeout, whose first retry sleeps a whole
// millisecond; since only this Store's connections use the database,
// Reads and Writes take turns on an in-process lock instead (several
// Reads at once, or one Write), and meet SQLite's lock only if a turn is
// not had within busy_timeout. That is fine for tests and development,
// its uses.
func OpenMemory(ctx context.Context) (*Store, error) {
	// A memdb name starting with '/' is shared by the process's
	// connections; the UUID keeps Stores apart.
	return open(ctx, "file:/cirro-"+uuid.NewString(), url.Values{"vfs": {"memdb"}})
}

func open(ctx context.Context, name string, params url.Values) (_ *Store, err error) {
	dsn := func(extra url.Values) string {
		v := url.Values{
			"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
			"_foreign_keys": {"1"},
		}
		for k, vs := range params {
			v[k] = vs
		}
		for k, vs := range extra {
			v[k] = vs
		}
		return name + "?" + v.Encode()
	}
	s := &Store{maxGroup: groupLimit(), maxGroupTime: maxGroupTime}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()

	if params.Get("vfs") == "memdb" {
		if s.keepDB, err = sql.Open("sqlite", dsn(nil)); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		if s.keep, err = s.keepDB.Conn(ctx); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}

	// temp_store=MEMORY keeps the statement journal, where SQLite saves
	// what a SAVEPOINT may have to restore, in memory: in a group of
	// Writes (group.go) that is every page an earlier member changed, and
	// spilled to a temporary file it halved write throughput (doc.go).
	if s.writer, err = sql.Open("sqlite", dsn(url.Values{"_txlock": {"immediate"}, "_pragma": {"temp_store(MEMORY)"}})); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	s.writer.SetConnMaxIdleTime(0)
	// Migrating first means the file exists and is in WAL mode before a
	// reader opens it.
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	s.queue = newWriteQueue()
	go s.writeLoop()

	// Readers never write; query_only makes an accidental write inside
	// Read fail instead of racing the single writer.
	if s.readers, err = sql.Open("sqlite", dsn(url.Values{"_query_only": {"1"}})); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	if params.Get("vfs") == "memdb" {
		s.turns = semaphore.NewWeighted(int64(n))
		s.readSlots = int64(n)
	}
	s.readers.SetMaxOpenConns(n)
	s.readers.SetMaxIdleConns(n)
	if err := s.Ping(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// takeTurn waits for a turn of weight n (1 for a Read, readSlots for a
// Write) and returns its release. Past busy_timeout it gives up and lets
// SQLite's own lock decide, as without turns; a Read nested in a Write
// then fails as it always did instead of waiting forever.
func (s *Store) takeTurn(ctx context.Context, n int64) func() {
	if s.turns == nil {
		return func() {}
	}
	if s.turns.TryAcquire(n) {
		return func() { s.turns.Release(n) }
	}
	wait, cancel := context.WithTimeout(ctx, busyTimeout)
	defer cancel()
	if s.turns.Acquire(wait, n) != nil {
		return func() {}
	}
	return func() { s.turns.Release(n) }
}

// Read runs fn in a read-only transaction; in WAL mode it sees the
// snapshot of its first read.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	defer s.takeTurn(ctx, 1)()
	return s.read(ctx, fn) // rawconn.go
}

// Write runs fn in the writer's transaction, retrying on
// store.ErrConflict. fn shares that transaction with the other Writes of
// its group, inside a savepoint of its own (group.go, doc.go).
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	run := func(r stmtRunner) error { return fn(&sqlTx{db: r, shared: true}) }
	return sqlbase.Retry(ctx, func() error { return s.submit(ctx, run) })
}

// Sweep deletes expired records in batches of separate transactions so
// that writers queue behind a short transaction, not the whole backlog.
func (s *Store) Sweep(ctx context.Context, t time.Time) (int, error) {
	cutoff := sqlbase.Nanos(t)
	total := 0
	for {
		var n int64
		err := s.submit(ctx, func(tx stmtRunner) error {
			// Not interruptible mid-statement: see sqlTx.stmtContext.
			var err error
			n, err = tx.exec(context.WithoutCancel(ctx), `DELETE FROM records WHERE rowid IN
				(SELECT rowid FROM records WHERE expires_unix_ns < ? LIMIT ?)`, cutoff, sweepBatch)
			if err != nil {
				return fmt.Errorf("sqlite: sweep: %w", err)
			}
			return nil
		})
		total += int(n)
		if err != nil || n < sweepBatch {
			return total, err
		}
	}
}

// Ping checks that a reader can query the database.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.readers.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// IntegrityCheck runs SQLite's own consistency checks on the file and the
// foreign keys (a key row without its record would be one).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var problems []string
	rows, err := s.readers.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	var orphans int
	if err := s.readers.QueryRowContext(ctx, "SELECT count(*) FROM pragma_foreign_key_check").Scan(&orphans); err != nil {
		return fmt.Errorf("sqlite: foreign key check: %w", err)
	}
	if orphans > 0 {
		problems = append(problems, fmt.Sprintf("%d rows violate foreign keys", orphans))
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: database is damaged: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Close closes the connections; an in-memory database is discarded.
func (s *Store) Close() error {
	var errs []error
	if s.queue != nil {
		s.queue.close()
	}
	s.readConns.close()
	s.writeConns.close()
	if s.readers != nil {
		errs = append(errs, s.readers.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if s.keep != nil {
		errs = append(errs, s.keep.Close())
	}
	if s.keepDB != nil {
		errs = append(errs, s.keepDB.Close())
	}
	return errors.Join(errs...)
}
