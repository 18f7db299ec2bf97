// Package sqlite is the single-node backend of store: one database file
// (or a private in-memory database for tests and development) accessed
// through the pure-Go modernc.org/sqlite driver, so cirro stays a static,
// cgo-free binary.
//
// SQLite allows one writer at a time. Rather than let concurrent writers
// discover that through SQLITE_BUSY, the Store queues Write transactions
// in-process on one connection and begins them with BEGIN IMMEDIATE, which
// also serialises against other processes that open the same file. Reads
// run on a separate pool of read-only connections and, in WAL mode, never
// wait for the writer. Commits are fsynced (synchronous=FULL): a Write that
// returned nil survives kill -9 and power loss.
package sqlite
