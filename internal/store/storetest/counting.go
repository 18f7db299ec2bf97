package storetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// Counts is what a Counting store saw. Every Tx method is one call to the
// database (a statement or a few, issued together) whatever it returns, so
// Calls is a fair proxy for statements.
type Counts struct {
	// Reads and Writes count transactions. A Write whose function is re-run
	// after a conflict counts once per run: each run is a transaction.
	Reads, Writes int
	// Calls counts Tx method calls by name ("Get", "Lookup", "List" …).
	Calls map[string]int
}

// Statements is the number of Tx calls of every kind.
func (c Counts) Statements() int {
	n := 0
	for _, v := range c.Calls {
		n += v
	}
	return n
}

// String is a compact summary: "2 read + 1 write tx, 5 calls (Get 3, Insert 2)".
func (c Counts) String() string {
	names := make([]string, 0, len(c.Calls))
	for k := range c.Calls {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, c.Calls[k])
	}
	return fmt.Sprintf("%d read + %d write tx, %d calls (%s)", c.Reads, c.Writes, c.Statements(), strings.Join(parts, ", "))
}

// Equal reports whether two counts are the same in every respect.
func (c Counts) Equal(d Counts) bool {
	if c.Reads != d.Reads || c.Writes != d.Writes || c.Statements() != d.Statements() {
		return false
	}
	for k, v := range c.Calls {
		if d.Calls[k] != v {
			return false
		}
	}
	return true
}

// Counting is a store.Store that forwards to another and counts. Sweep and
// Ping, which the server runs on its own (a timer, readiness probes), are
// not counted, so background work does not disturb a measurement.
type Counting struct {
	store.Store

	mu sync.Mutex
	c  Counts
}

// NewCounting wraps s.
func NewCounting(s store.Store) *Counting {
	return &Counting{Store: s, c: Counts{Calls: map[string]int{}}}
}

// Reset sets every count to zero.
func (s *Counting) Reset() {
	s.mu.Lock()
	s.c = Counts{Calls: map[string]int{}}
	s.mu.Unlock()
}

// Snapshot returns a copy of the counts so far.
func (s *Counting) Snapshot() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.c
	c.Calls = make(map[string]int, len(s.c.Calls))
	for k, v := range s.c.Calls {
		c.Calls[k] = v
	}
	return c
}

// Measure resets the counts, runs f and returns what f caused.
func (s *Counting) Measure(f func()) Counts {
	s.Reset()
	f()
	return s.Snapshot()
}

func (s *Counting) add(read bool, call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case call != "":
		s.c.Calls[call]++
	case read:
		s.c.Reads++
	default:
		s.c.Writes++
	}
}

func (s *Counting) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Read(ctx, func(tx store.Tx) error {
		s.add(true, "")
		return fn(countingTx{tx, s})
	})
}

func (s *Counting) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		s.add(false, "")
		return fn(countingTx{tx, s})
	})
}

// Sweep is forwarded uncounted (see Counting).
func (s *Counting) Sweep(ctx context.Context, t time.Time) (int, error) { return s.Store.Sweep(ctx, t) }

// Unwrap returns the wrapped store (for tests that need a backend's extras).
func (s *Counting) Unwrap() store.Store { return s.Store }

type countingTx struct {
	tx store.Tx
	s  *Counting
}

func (t countingTx) Get(ctx context.Context, kind, id string) (*store.Record, error) {
	t.s.add(false, "Get")
	return t.tx.Get(ctx, kind, id)
}

func (t countingTx) GetMany(ctx context.Context, kind string, ids []string) ([]*store.Record, error) {
	t.s.add(false, "GetMany")
	return t.tx.GetMany(ctx, kind, ids)
}

func (t countingTx) Lookup(ctx context.Context, kind, scope, name, value string) (*store.Record, error) {
	t.s.add(false, "Lookup")
	return t.tx.Lookup(ctx, kind, scope, name, value)
}

func (t countingTx) List(ctx context.Context, q store.Query) ([]*store.Record, error) {
	t.s.add(false, "List")
	return t.tx.List(ctx, q)
}

func (t countingTx) Count(ctx context.Context, q store.Query) (int, error) {
	t.s.add(false, "Count")
	return t.tx.Count(ctx, q)
}

func (t countingTx) Insert(ctx context.Context, rec *store.Record) error {
	t.s.add(false, "Insert")
	return t.tx.Insert(ctx, rec)
}

func (t countingTx) Update(ctx context.Context, rec *store.Record) error {
	t.s.add(false, "Update")
	return t.tx.Update(ctx, rec)
}

func (t countingTx) Delete(ctx context.Context, kind, id string) error {
	t.s.add(false, "Delete")
	return t.tx.Delete(ctx, kind, id)
}

func (t countingTx) DeleteScope(ctx context.Context, scope string) (int, error) {
	t.s.add(false, "DeleteScope")
	return t.tx.DeleteScope(ctx, scope)
}

func (t countingTx) Lock(ctx context.Context, kind, id string, mode store.LockMode) error {
	t.s.add(false, "Lock")
	return t.tx.Lock(ctx, kind, id, mode)
}
