package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

var basicTests = []test{
	{"InsertGetUpdateDelete", testCRUD},
	{"Versions", testVersions},
	{"Exists", testExists},
	{"ExpiresRoundTrip", testExpiresRoundTrip},
	{"LargeData", testLargeData},
	{"EmptyData", testEmptyData},
	{"RejectsUnstorable", testRejectsUnstorable},
	{"GetMany", testGetMany},
}

// GetMany returns the records of one kind found among the ids, in the
// order asked, each once; in a write transaction it sees the
// transaction's own writes.
func testGetMany(t *testing.T, s store.Store) {
	insert(t, s,
		&store.Record{Kind: "user", ID: "u1", Scope: "p", Data: []byte("1")},
		&store.Record{Kind: "user", ID: "u2", Scope: "q", Data: []byte("2")},
		&store.Record{Kind: "user", ID: "u3", Scope: "p", Data: []byte("3"), Expires: time.Unix(1700000000, 5)},
		&store.Record{Kind: "group", ID: "g1", Scope: "p", Data: []byte("g")})
	ids := func(recs []*store.Record) string {
		var out []string
		for _, r := range recs {
			out = append(out, r.ID+"="+string(r.Data))
		}
		return fmt.Sprint(out)
	}
	mustRead(t, s, func(ctx context.Context, tx store.Tx) error {
		recs, err := tx.GetMany(ctx, "user", []string{"u3", "nobody", "g1", "u1", "u3", "bad\x00id"})
		if err != nil {
			return err
		}
		if got := ids(recs); got != "[u3=3 u1=1]" {
			t.Errorf("GetMany = %s, want [u3=3 u1=1]", got)
		}
		if len(recs) == 2 && (recs[0].Version != 1 || recs[0].Scope != "p" || !recs[0].Expires.Equal(time.Unix(1700000000, 5))) {
			t.Errorf("GetMany u3 = %+v", recs[0])
		}
		if recs, err := tx.GetMany(ctx, "user", nil); err != nil || len(recs) != 0 {
			t.Errorf("GetMany of no ids = %v, %v", recs, err)
		}
		return nil
	})
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Insert(ctx, &store.Record{Kind: "user", ID: "u4", Scope: "p", Data: []byte("4")}); err != nil {
			return err
		}
		if err := tx.Delete(ctx, "user", "u1"); err != nil {
			return err
		}
		recs, err := tx.GetMany(ctx, "user", []string{"u1", "u2", "u4"})
		if err != nil {
			return err
		}
		if got := ids(recs); got != "[u2=2 u4=4]" {
			t.Errorf("GetMany in a write = %s, want [u2=2 u4=4]", got)
		}
		return nil
	})
}

func testCRUD(t *testing.T, s store.Store) {
	rec := &store.Record{Kind: "user", ID: "u1", Scope: "pool1", Data: []byte(`{"n":1}`),
		Keys: []store.Key{uniq("username", "alice")}}
	insert(t, s, rec)
	if rec.Version != 1 {
		t.Fatalf("Insert set Version %d, want 1", rec.Version)
	}
	got := mustGet(t, s, "user", "u1")
	if got.Kind != "user" || got.ID != "u1" || got.Scope != "pool1" || string(got.Data) != `{"n":1}` ||
		got.Version != 1 || !got.Expires.IsZero() {
		t.Fatalf("Get = %+v", got)
	}
	if got.Keys != nil {
		t.Fatalf("Get filled Keys: %v", got.Keys)
	}

	rec.Data = []byte(`{"n":2}`)
	if err := tryUpdate(t, s, rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != 2 {
		t.Fatalf("Update set Version %d, want 2", rec.Version)
	}
	if got := mustGet(t, s, "user", "u1"); string(got.Data) != `{"n":2}` || got.Version != 2 {
		t.Fatalf("after Update: %+v", got)
	}

	absent(t, s, "user", "nobody")
	absent(t, s, "group", "u1") // identity is (kind, id)

	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, "user", "u1") })
	absent(t, s, "user", "u1")
	if _, err := lookup(t, s, "user", "pool1", "username", "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Lookup after Delete: %v", err)
	}
	var err error
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		err = tx.Delete(ctx, "user", "u1")
		return nil
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
}

func testVersions(t *testing.T, s store.Store) {
	rec := &store.Record{Kind: "k", ID: "a", Scope: "p", Data: []byte("1"), Keys: []store.Key{uniq("u", "1")}}
	insert(t, s, rec)
	stale := *rec
	rec.Data = []byte("2")
	if err := tryUpdate(t, s, rec); err != nil {
		t.Fatal(err)
	}
	// tryUpdate commits the transaction in which the stale Update failed:
	// nothing of that Update may survive, its keys included.
	stale.Data = []byte("stale")
	stale.Keys = []store.Key{uniq("u", "stale")}
	if err := tryUpdate(t, s, &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale Update: %v, want ErrConflict", err)
	}
	if stale.Version != 1 {
		t.Fatalf("failed Update changed Version to %d", stale.Version)
	}
	if got := mustGet(t, s, "k", "a"); string(got.Data) != "2" || got.Version != 2 {
		t.Fatalf("stale Update changed the record: %+v", got)
	}
	if _, err := lookup(t, s, "k", "p", "u", "1"); err != nil {
		t.Fatalf("stale Update removed the record's keys: %v", err)
	}
	if _, err := lookup(t, s, "k", "p", "u", "stale"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stale Update added its keys: %v", err)
	}
	// A version from the future is as wrong as one from the past.
	future := &store.Record{Kind: "k", ID: "a", Scope: "p", Data: []byte("f"), Version: 7}
	if err := tryUpdate(t, s, future); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Update with a future version: %v, want ErrConflict", err)
	}
	missing := &store.Record{Kind: "k", ID: "missing", Version: 1}
	if err := tryUpdate(t, s, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Update of a missing record: %v, want ErrNotFound", err)
	}
	for range 3 {
		if err := tryUpdate(t, s, rec); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, s, "k", "a"); got.Version != 5 || rec.Version != 5 {
		t.Fatalf("after 4 updates: stored %d, rec %d, want 5", got.Version, rec.Version)
	}
}

func testExists(t *testing.T, s store.Store) {
	insert(t, s, &store.Record{Kind: "user", ID: "x", Scope: "p1", Data: []byte("first")})
	for _, scope := range []string{"p1", "p2", ""} {
		dup := &store.Record{Kind: "user", ID: "x", Scope: scope, Data: []byte("second")}
		if err := tryInsert(t, s, dup); !errors.Is(err, store.ErrExists) {
			t.Fatalf("duplicate (kind, id) in scope %q: %v, want ErrExists", scope, err)
		}
	}
	if got := mustGet(t, s, "user", "x"); string(got.Data) != "first" {
		t.Fatalf("record overwritten: %q", got.Data)
	}
	insert(t, s, &store.Record{Kind: "group", ID: "x", Scope: "p1"}) // another kind, same id
}

func testExpiresRoundTrip(t *testing.T, s store.Store) {
	paris := time.FixedZone("CEST", 2*3600)
	exp := time.Date(2031, 5, 17, 13, 4, 5, 123456789, paris)
	insert(t, s,
		&store.Record{Kind: "k", ID: "expiring", Expires: exp},
		&store.Record{Kind: "k", ID: "forever"})
	if got := mustGet(t, s, "k", "expiring").Expires; !got.Equal(exp) {
		t.Fatalf("Expires %v, want %v (to the nanosecond)", got, exp)
	}
	if got := mustGet(t, s, "k", "forever").Expires; !got.IsZero() {
		t.Fatalf("zero Expires came back as %v", got)
	}
	// Expiry is only Sweep's business: an expired record still reads.
	past := &store.Record{Kind: "k", ID: "past", Expires: time.Now().Add(-time.Hour)}
	insert(t, s, past)
	mustGet(t, s, "k", "past")
}

func testLargeData(t *testing.T, s store.Store) {
	data := make([]byte, 1<<20)
	rand.Read(data)
	data[0], data[len(data)-1] = 0, 0
	rec := &store.Record{Kind: "blob", ID: "big", Data: data}
	insert(t, s, rec)
	if got := mustGet(t, s, "blob", "big"); !bytes.Equal(got.Data, data) {
		t.Fatalf("1 MiB Data did not round-trip (got %d bytes)", len(got.Data))
	}
	rec.Data = append(data[:len(data)/2:len(data)/2], 'x')
	if err := tryUpdate(t, s, rec); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, "blob", "big"); !bytes.Equal(got.Data, rec.Data) {
		t.Fatal("updated Data did not round-trip")
	}
}

func testEmptyData(t *testing.T, s store.Store) {
	insert(t, s, &store.Record{Kind: "k", ID: "nil"}, &store.Record{Kind: "k", ID: "empty", Data: []byte{}})
	for _, id := range []string{"nil", "empty"} {
		if got := mustGet(t, s, "k", id); len(got.Data) != 0 {
			t.Fatalf("%s: Data %q", id, got.Data)
		}
	}
}

func testRejectsUnstorable(t *testing.T, s store.Store) {
	bad := []*store.Record{
		{Kind: "", ID: "x"},
		{Kind: "k", ID: ""},
		{Kind: "k", ID: "bad\xffutf8"},
		{Kind: "k", ID: "nul\x00"},
		{Kind: "k", ID: "x", Scope: "\xfe"},
		{Kind: "k", ID: "x", Keys: []store.Key{{Name: "", Value: "v"}}},
		{Kind: "k", ID: "x", Keys: []store.Key{{Name: "n", Value: "\xc3"}}},
	}
	for _, rec := range bad {
		if err := tryInsert(t, s, rec); err == nil {
			t.Errorf("Insert(%+v) succeeded, want an error", rec)
		}
	}
	if n := count(t, s, store.Query{Kind: "k", AnyScope: true}); n != 0 {
		t.Fatalf("%d rejected records were stored", n)
	}
	// Reads of such strings find nothing rather than fail.
	absent(t, s, "k", "bad\xffutf8")
	if _, err := lookup(t, s, "k", "", "n", "\xc3"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Lookup of invalid UTF-8: %v, want ErrNotFound", err)
	}
	for _, q := range []store.Query{
		{Kind: "k", KeyName: "n", KeyValue: "\xc3", Prefix: true},
		{Kind: "k\xff"},
		{Kind: "k", Scope: "\x00"},
		{Kind: "k", KeyName: "\xff", KeyValue: "v"},
	} {
		if got := list(t, s, q); len(got) != 0 {
			t.Fatalf("List(%#v): %v", q, got)
		}
		if n := count(t, s, q); n != 0 {
			t.Fatalf("Count(%#v) = %d", q, n)
		}
	}
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Delete(ctx, "k", "\xff"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Delete of an invalid id: %v, want ErrNotFound", err)
		}
		_, err := tx.DeleteScope(ctx, "\xff")
		return err
	})
}
