package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Record is one stored object. Identity is (Kind, ID), unique across the
// whole store; Scope groups records for listing and cascading deletes
// (for pool-owned objects it is the user pool id, "" for global objects).
type Record struct {
	Kind  string
	ID    string
	Scope string
	// Data is the domain's document (JSON). The store never looks inside.
	Data []byte
	// Version is assigned by the store: 1 on insert, +1 on every update.
	// Update succeeds only when it equals the stored version.
	Version int64
	// Expires, when not zero, lets Sweep delete the record once passed.
	// The store does not hide expired records: expiry rules belong to the
	// domain, which reads its own injected clock.
	Expires time.Time
	// Keys are secondary keys, replaced as a whole on every update. Reads
	// do not fill Keys in: the domain derives them from Data.
	Keys []Key
}

// Key is a secondary key of a record, indexed for lookups and prefix
// queries. A unique key is unique within (Kind, Scope, Name, Value); the
// database enforces it, so concurrent writers cannot both win.
type Key struct {
	Name   string
	Value  string
	Unique bool
}

// Query selects records of one kind within one scope, ordered by ID.
type Query struct {
	Kind  string
	Scope string
	// AnyScope ignores Scope and searches every scope.
	AnyScope bool
	// KeyName, when set, restricts to records having that key with a value
	// equal to KeyValue, or starting with it when Prefix is true.
	KeyName  string
	KeyValue string
	Prefix   bool
	// After is an exclusive lower bound on ID (a pagination cursor).
	After string
	// Limit caps the number of records returned; 0 means no limit.
	Limit int
}

// Tx is a transaction. A Read transaction sees one snapshot. A Write
// transaction's writes commit together or not at all; its reads may see
// other transactions' commits between statements (PostgreSQL runs writes
// at READ COMMITTED), which is safe because every Update is checked
// against the version that was read, and uniqueness is enforced by the
// database. What neither check covers, a decision about records a
// transaction reads but does not update (a count under a quota, a parent
// that must still exist when a child is inserted), takes a Lock.
type Tx interface {
	Get(ctx context.Context, kind, id string) (*Record, error)
	// GetMany reads the records of kind with the given ids in one query,
	// so that following a page of references (a user's groups, a group's
	// members) costs one round trip, not one per item. It returns the
	// records found in the order of ids; absent ids are left out.
	GetMany(ctx context.Context, kind string, ids []string) ([]*Record, error)
	// Lookup finds the record of kind in scope holding key name=value
	// (the one with the smallest ID if several do).
	Lookup(ctx context.Context, kind, scope, name, value string) (*Record, error)
	List(ctx context.Context, q Query) ([]*Record, error)
	Count(ctx context.Context, q Query) (int, error)
	// Insert stores a new record and sets rec.Version to 1.
	// It fails with ErrExists when (Kind, ID) is taken and with a
	// *KeyConflict when a unique key is taken.
	Insert(ctx context.Context, rec *Record) error
	// Update replaces a record whose stored version equals rec.Version and
	// increments rec.Version. ErrNotFound, ErrConflict or *KeyConflict.
	Update(ctx context.Context, rec *Record) error
	// Delete removes one record and its keys. ErrNotFound if absent.
	Delete(ctx context.Context, kind, id string) error
	// DeleteScope removes every record (of every kind) in scope.
	DeleteScope(ctx context.Context, scope string) (int, error)
	// Lock locks the record (kind, id) until the transaction ends, or
	// fails with ErrNotFound if it does not exist (or was deleted by a
	// transaction Lock waited for). Writers at READ COMMITTED re-check
	// only the rows they update, so a transaction whose writes depend on
	// a record it merely read locks that record first: children inserted
	// under a shared lock on their parent cannot commit into a parent
	// deleted meanwhile (the deleter locks it exclusively first), and
	// checks made under an exclusive lock (count, then insert) cannot
	// interleave. Every transaction must take such locks before its other
	// writes, parent before child, so that none waits in a cycle.
	//
	// In a Read transaction Lock only checks that the record exists: a
	// snapshot needs no lock, and nothing it reads can be acted upon.
	Lock(ctx context.Context, kind, id string, mode LockMode) error
}

// LockMode is how Tx.Lock locks a record.
type LockMode int

const (
	// LockShared blocks other transactions' Update and Delete of the
	// record and their exclusive locks, not their shared locks: many
	// writers may insert children of one parent at once.
	LockShared LockMode = iota + 1
	// LockExclusive also blocks other transactions' shared and exclusive
	// locks: one holder at a time, for check-then-act on the record's
	// children or deleting the record with them.
	LockExclusive
)

// Store is implemented by every backend.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction and commits if fn returns
	// nil. When fn (or the commit) fails with an error wrapping
	// ErrConflict, Write rolls back and runs fn again, a bounded number of
	// times, so fn must be safe to re-run: it re-reads what it changes.
	Write(ctx context.Context, fn func(Tx) error) error
	// Sweep deletes records whose Expires is before t.
	Sweep(ctx context.Context, t time.Time) (int, error)
	// Ping checks that the database answers (readiness).
	Ping(ctx context.Context) error
	Close() error
}

var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: record exists")
	ErrConflict = errors.New("store: concurrent modification")
)

// KeyConflict reports a unique key already held by another record.
type KeyConflict struct {
	Kind, Scope, Name, Value string
}

func (e *KeyConflict) Error() string {
	return fmt.Sprintf("store: unique key %s %q already taken in %s/%s", e.Name, e.Value, e.Kind, e.Scope)
}

// IsKeyConflict reports whether err is a unique-key conflict, and on which key name.
func IsKeyConflict(err error) (name string, ok bool) {
	var kc *KeyConflict
	if errors.As(err, &kc) {
		return kc.Name, true
	}
	return "", false
}
