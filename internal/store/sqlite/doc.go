// Package sqlite is the single-node backend of store: one database file
// (or a private in-memory database for tests and development) accessed
// through the pure-Go modernc.org/sqlite driver, so cirro stays a static,
// cgo-free binary. database/sql only pools the connections: transactions
// and statements run on them through the driver, each statement prepared
// once per connection (rawconn.go says why).
//
// SQLite allows one writer at a time. Rather than let concurrent writers
// discover that through SQLITE_BUSY, the Store queues Writes in-process
// for one connection, whose transactions begin with BEGIN IMMEDIATE, which
// also serialises against other processes that open the same file. Reads
// run on a separate pool of read-only connections and, in WAL mode, never
// wait for the writer. Commits are fsynced (synchronous=FULL): a Write that
// returned nil survives kill -9 and power loss.
//
// # Group commit
//
// Why: with one transaction per Write, every write-heavy request paid a
// whole fsync behind the single writer, so writes per second could not
// exceed fsyncs per second however light each transaction was (sign-in,
// AdminCreateUser, AdminUpdateUserAttributes). Instead one goroutine, the
// writer loop (group.go), takes a Write from the queue, begins a
// transaction, runs it, then takes whatever else queued meanwhile — up to
// 64 Writes or 5 ms of work — and commits them all with one COMMIT, one
// fsync. Nothing waits for company: a Write alone in the queue commits at
// once; Writes group only when they queued while an earlier one ran or
// committed. No caller hears success before the COMMIT that holds its
// work has returned; if that COMMIT fails (a full disk), every Write of
// the group gets the error.
//
// How members stay apart: each Write's closure runs inside its own
// SAVEPOINT. A closure that returns an error (a domain refusal, a
// *store.KeyConflict, store.ErrConflict) or panics is rolled back to its
// savepoint alone and its caller gets its own error; the others go on.
// Closures run one after another on the loop's goroutine, so each sees the
// writes of the members before it, exactly as if the Writes had run in
// sequence; a later member's work depends on an earlier one's only within
// a group that commits or fails as a whole. A panic is recovered there,
// its work undone, and raised again on its caller's goroutine with the
// same value (the stack printed is then the caller's, not the closure's);
// a closure that calls runtime.Goexit (t.FailNow) fails its group and a
// new loop takes over. A Write whose context ends while it is queued
// returns ctx.Err() and its closure never runs; once it has run, the
// caller waits for the commit. A caller's context never interrupts a
// statement in progress (SQLite would roll back the whole group's
// transaction): it is checked before each statement instead. ErrConflict
// is retried by Write as before, in a later group after the usual pause.
// A member that leaves the transaction unusable (a savepoint that cannot
// be released or undone, as after an I/O error that made SQLite roll back
// on its own) fails the whole group. The writer connection keeps its
// statement journal (the pages a savepoint may have to restore: in a
// group, every page an earlier member changed) in memory
// (temp_store=MEMORY); spilled to a temporary file past 64 KiB, it cost a
// write per page and, as measured, more than grouping saved.
//
// What it costs: two more statements per Write (SAVEPOINT and RELEASE,
// prepared, no I/O); two goroutine hand-offs per Write (to the loop and
// back); the statement journal's memory, at most the pages one group
// changes; a group member's latency includes the closures before it
// (bounded as above); and a Write that fails because a member broke the
// transaction or the COMMIT failed fails for a reason that may not be its
// own. Setting CIRRO_SQLITE_GROUP_COMMIT=off makes every group a single
// Write, as before (for measurements; see docs/performance.md).
// PostgreSQL needs none of this: its server already commits concurrent
// transactions with shared WAL flushes.
package sqlite
