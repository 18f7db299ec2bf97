package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// These tests build groups deterministically: hold makes a Write whose
// closure waits, so the writer loop is busy; the Writes queued meanwhile
// (enqueue waits until each is in the queue, so their order is known)
// join the held one's group once it is released.

func openGroupStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "group.db"))
	if err != nil {
		t.Fatal(err)
	}
	// No time bound: under -race on a busy machine a group of a few
	// closures can take longer than the production bound.
	s.maxGroupTime = time.Minute
	t.Cleanup(func() { s.Close() })
	return s
}

func (s *Store) queued() int {
	s.queue.mu.Lock()
	defer s.queue.mu.Unlock()
	n := 0
	for _, r := range s.queue.reqs {
		if r.state.Load() == reqQueued {
			n++
		}
	}
	return n
}

type pending struct {
	err      error
	panicked any
	done     chan struct{}
}

func (p *pending) wait() *pending { <-p.done; return p }

// enqueueRaw starts submitting fn and returns once it is queued.
func enqueueRaw(t *testing.T, s *Store, ctx context.Context, fn func(stmtRunner) error) *pending {
	t.Helper()
	return enqueueCall(t, s, func() error { return s.submit(ctx, fn) })
}

// enqueue is enqueueRaw for a Write (with its retries on ErrConflict).
func enqueue(t *testing.T, s *Store, ctx context.Context, fn func(store.Tx) error) *pending {
	t.Helper()
	return enqueueCall(t, s, func() error { return s.Write(ctx, fn) })
}

// enqueueCall starts call, which queues one Write, and returns once the
// Write is queued.
func enqueueCall(t *testing.T, s *Store, call func() error) *pending {
	t.Helper()
	want := s.queued() + 1
	p := &pending{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer func() { p.panicked = recover() }()
		p.err = call()
	}()
	for deadline := time.Now().Add(10 * time.Second); s.queued() < want; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a Write was not queued within 10 s")
		}
	}
	return p
}

// hold starts a Write that runs fn and then waits; it returns once fn ran,
// with a function that lets the Write finish and returns its result.
func hold(t *testing.T, s *Store, fn func(store.Tx) error) (release func() error) {
	t.Helper()
	running, proceed, result := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		result <- s.Write(t.Context(), func(tx store.Tx) error {
			err := fn(tx)
			close(running)
			<-proceed
			return err
		})
	}()
	select {
	case <-running:
	case <-time.After(10 * time.Second):
		t.Fatal("the held Write did not start within 10 s")
	}
	return func() error { close(proceed); return <-result }
}

func insertFn(ctx context.Context, id string, keys ...store.Key) func(store.Tx) error {
	return func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: "k", ID: id, Scope: "p", Keys: keys})
	}
}

func stored(t *testing.T, s *Store, id string) bool {
	t.Helper()
	err := s.Read(t.Context(), func(tx store.Tx) error { _, err := tx.Get(t.Context(), "k", id); return err })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

type refused struct{}

func (refused) Error() string { return "refused" }

func TestGroupMembersKeepTheirOwnOutcomes(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	email := store.Key{Name: "email", Value: "same@x", Unique: true}
	groups, grouped := s.groups.Load(), s.grouped.Load()
	release := hold(t, s, insertFn(ctx, "held"))

	a := enqueue(t, s, ctx, insertFn(ctx, "a", email))
	b := enqueue(t, s, ctx, insertFn(ctx, "b", email))
	c := enqueue(t, s, ctx, func(tx store.Tx) error {
		if err := insertFn(ctx, "c")(tx); err != nil {
			return err
		}
		return refused{}
	})
	d := enqueue(t, s, ctx, func(tx store.Tx) error {
		if err := insertFn(ctx, "d")(tx); err != nil {
			return err
		}
		panic("boom")
	})
	canceled, cancel := context.WithCancel(ctx)
	eRan := false
	e := enqueue(t, s, canceled, func(tx store.Tx) error { eRan = true; return nil })
	cancel()
	e.wait() // returns at once, while the group is still held
	var fSaw error
	f := enqueue(t, s, ctx, func(tx store.Tx) error {
		_, fSaw = tx.Get(ctx, "k", "a") // an earlier member's write, not committed yet
		return insertFn(ctx, "f")(tx)
	})
	gCalls := 0
	g := enqueue(t, s, ctx, func(tx store.Tx) error {
		gCalls++
		if err := insertFn(ctx, "g"+string(rune('0'+gCalls)))(tx); err != nil {
			return err
		}
		if gCalls == 1 {
			return store.ErrConflict
		}
		return nil
	})

	if err := release(); err != nil {
		t.Fatalf("held Write: %v", err)
	}
	for _, p := range []*pending{a, b, c, d, f, g} {
		p.wait()
	}
	if a.err != nil || f.err != nil || g.err != nil {
		t.Fatalf("successful members: a %v, f %v, g %v", a.err, f.err, g.err)
	}
	var kc *store.KeyConflict
	if !errors.As(b.err, &kc) || kc.Name != "email" {
		t.Errorf("second holder of a unique key in the group: %v, want a KeyConflict on email", b.err)
	}
	if _, ok := c.err.(refused); !ok {
		t.Errorf("failing member: %v (%T), want its own error unchanged", c.err, c.err)
	}
	if d.panicked != "boom" {
		t.Errorf("panicking member: recovered %v, error %v; want its panic", d.panicked, d.err)
	}
	if !errors.Is(e.err, context.Canceled) || eRan {
		t.Errorf("member canceled while queued: %v, closure ran: %v", e.err, eRan)
	}
	if fSaw != nil {
		t.Errorf("a later member did not see an earlier member's write: %v", fSaw)
	}
	if gCalls != 2 {
		t.Errorf("member that hit ErrConflict ran %d times, want 2", gCalls)
	}
	for id, want := range map[string]bool{"held": true, "a": true, "b": false, "c": false, "d": false, "f": true, "g1": false, "g2": true} {
		if got := stored(t, s, id); got != want {
			t.Errorf("record %s stored: %v, want %v", id, got, want)
		}
	}
	// held, a and f committed together; g's second attempt on its own.
	if n, m := s.groups.Load()-groups, s.grouped.Load()-grouped; n != 2 || m != 4 {
		t.Errorf("%d groups committed %d Writes, want 2 groups of 4", n, m)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestGroupCommitFailureFailsEveryMember(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	release := hold(t, s, insertFn(ctx, "held"))
	injected := errors.New("injected: database or disk is full")
	s.failCommit = func() error { return injected } // read by the loop after release
	a := enqueue(t, s, ctx, insertFn(ctx, "a"))
	b := enqueue(t, s, ctx, func(tx store.Tx) error { insertFn(ctx, "b")(tx); return refused{} })
	c := enqueue(t, s, ctx, insertFn(ctx, "c"))
	if err := release(); !errors.Is(err, injected) {
		t.Errorf("held Write: %v, want the commit's error", err)
	}
	for _, p := range []*pending{a, c} {
		if err := p.wait().err; !errors.Is(err, injected) {
			t.Errorf("member of the failed group: %v, want the commit's error", err)
		}
	}
	if _, ok := b.wait().err.(refused); !ok {
		t.Errorf("member that failed on its own: %v, want its own error", b.err)
	}
	for _, id := range []string{"held", "a", "b", "c"} {
		if stored(t, s, id) {
			t.Errorf("record %s of a group whose commit failed is stored", id)
		}
	}
	s.failCommit = nil // every member has its answer: the loop is idle
	if err := s.Write(ctx, insertFn(ctx, "after")); err != nil {
		t.Fatalf("Write after a failed commit: %v", err)
	}
}

// A member that leaves the transaction unusable (here by rolling it back
// under the loop; in production SQLite does so after some I/O errors)
// fails its whole group, whose other members are not acknowledged; the
// next group starts clean.
func TestGroupBrokenTransaction(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	release := hold(t, s, insertFn(ctx, "held"))
	rogue := enqueueRaw(t, s, ctx, func(tx stmtRunner) error { _, err := tx.exec(ctx, "ROLLBACK"); return err })
	next := enqueue(t, s, ctx, insertFn(ctx, "next"))
	if err := release(); err == nil || !strings.Contains(err.Error(), "group transaction") {
		t.Errorf("member of a broken group: %v, want a group transaction error", err)
	}
	if err := rogue.wait().err; err == nil {
		t.Error("the member that broke the transaction got no error")
	}
	if err := next.wait().err; err != nil {
		t.Errorf("Write queued behind a broken group: %v", err)
	}
	if stored(t, s, "held") || !stored(t, s, "next") {
		t.Error("held stored or next missing")
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestGroupBounds(t *testing.T) {
	t.Run("MaxGroup", func(t *testing.T) {
		s := openGroupStore(t)
		s.maxGroup = 2
		testGroupSizes(t, s, 3, 6) // held+1, 2, 2
	})
	t.Run("Off", func(t *testing.T) {
		t.Setenv(GroupCommitEnv, "off")
		testGroupSizes(t, openGroupStore(t), 6, 6)
	})
	t.Run("LoneWritesCommitAlone", func(t *testing.T) {
		s := openGroupStore(t)
		for i := range 5 {
			if err := s.Write(t.Context(), insertFn(t.Context(), string(rune('a'+i)))); err != nil {
				t.Fatal(err)
			}
		}
		if n, m := s.groups.Load(), s.grouped.Load(); n != 5 || m != 5 {
			t.Fatalf("5 sequential Writes made %d groups of %d Writes", n, m)
		}
	})
}

// testGroupSizes holds a Write, queues five more and checks how many
// groups the six made.
func testGroupSizes(t *testing.T, s *Store, wantGroups, wantWrites int64) {
	ctx := t.Context()
	release := hold(t, s, insertFn(ctx, "held"))
	var ps []*pending
	for i := range 5 {
		ps = append(ps, enqueue(t, s, ctx, insertFn(ctx, string(rune('a'+i)))))
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if err := p.wait().err; err != nil {
			t.Fatal(err)
		}
	}
	if n, m := s.groups.Load(), s.grouped.Load(); n != wantGroups || m != wantWrites {
		t.Fatalf("%d groups of %d Writes, want %d of %d", n, m, wantGroups, wantWrites)
	}
}

// Close lets the group in progress finish and refuses later Writes.
func TestGroupClose(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	release := hold(t, s, insertFn(ctx, "held"))
	queued := enqueue(t, s, ctx, insertFn(ctx, "queued"))
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		s.queue.mu.Lock()
		c := s.queue.closed
		s.queue.mu.Unlock()
		if c {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Close did not start")
		}
	}
	if err := s.Write(ctx, insertFn(ctx, "late")); !errors.Is(err, errClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := release(); err != nil {
		t.Errorf("held Write during Close: %v", err)
	}
	if err := queued.wait().err; err != nil {
		t.Errorf("Write queued before Close: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// A closure that ends the writer loop's goroutine (t.FailNow in a test
// calls runtime.Goexit) fails its group, not the Store: a new loop
// serves the Writes still queued.
func TestGroupGoexit(t *testing.T) {
	s := openGroupStore(t)
	ctx := t.Context()
	release := hold(t, s, insertFn(ctx, "held"))
	a := enqueue(t, s, ctx, insertFn(ctx, "a"))
	b := enqueue(t, s, ctx, func(tx store.Tx) error {
		insertFn(ctx, "b")(tx)
		runtime.Goexit()
		return nil
	})
	c := enqueue(t, s, ctx, insertFn(ctx, "c"))
	if err := release(); !errors.Is(err, errGoexit) {
		t.Errorf("held Write: %v, want errGoexit", err)
	}
	for _, p := range []*pending{a, b} {
		if err := p.wait().err; !errors.Is(err, errGoexit) {
			t.Errorf("member of the group: %v, want errGoexit", err)
		}
	}
	if err := c.wait().err; err != nil {
		t.Errorf("Write queued behind the group: %v", err)
	}
	for id, want := range map[string]bool{"held": false, "a": false, "b": false, "c": true} {
		if got := stored(t, s, id); got != want {
			t.Errorf("record %s stored: %v, want %v", id, got, want)
		}
	}
}
