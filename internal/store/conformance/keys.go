package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

var keyTests = []test{
	{"UniqueKeyConflict", testUniqueKeyConflict},
	{"NonUniqueKeysMayRepeat", testNonUniqueKeys},
	{"FailedInsertLeavesNothing", testFailedInsertLeavesNothing},
	{"KeysReplacedOnUpdate", testKeysReplacedOnUpdate},
	{"FailedUpdateLeavesRecord", testFailedUpdateLeavesRecord},
	{"DeleteFreesKeys", testDeleteFreesKeys},
	{"Lookup", testLookup},
	{"RepeatedKeyInOneRecord", testRepeatedKey},
	{"UpdateMovesScope", testUpdateMovesScope},
}

func testUniqueKeyConflict(t *testing.T, s store.Store) {
	insert(t, s, &store.Record{Kind: "user", ID: "a", Scope: "p1",
		Keys: []store.Key{uniq("username", "alice"), uniq("email", "a@x.test")}})

	err := tryInsert(t, s, &store.Record{Kind: "user", ID: "b", Scope: "p1",
		Keys: []store.Key{uniq("username", "bob"), uniq("email", "a@x.test")}})
	wantKeyConflict(t, err, store.KeyConflict{Kind: "user", Scope: "p1", Name: "email", Value: "a@x.test"})
	absent(t, s, "user", "b")

	// Uniqueness is per (kind, scope, name, value): each of these differs
	// in one of them and must be accepted.
	insert(t, s,
		&store.Record{Kind: "user", ID: "c", Scope: "p2", Keys: []store.Key{uniq("email", "a@x.test")}},
		&store.Record{Kind: "user", ID: "d", Scope: "", Keys: []store.Key{uniq("email", "a@x.test")}},
		&store.Record{Kind: "admin", ID: "e", Scope: "p1", Keys: []store.Key{uniq("email", "a@x.test")}},
		&store.Record{Kind: "user", ID: "f", Scope: "p1", Keys: []store.Key{uniq("alias", "a@x.test")}},
		&store.Record{Kind: "user", ID: "g", Scope: "p1", Keys: []store.Key{uniq("email", "A@x.test")}},
	)
}

func testNonUniqueKeys(t *testing.T, s store.Store) {
	for _, id := range []string{"a", "b", "c"} {
		insert(t, s, &store.Record{Kind: "user", ID: id, Scope: "p1", Keys: []store.Key{key("status", "CONFIRMED")}})
	}
	q := store.Query{Kind: "user", Scope: "p1", KeyName: "status", KeyValue: "CONFIRMED"}
	if got := list(t, s, q); len(got) != 3 {
		t.Fatalf("List by a shared non-unique key: %v", got)
	}
}

func testFailedInsertLeavesNothing(t *testing.T, s store.Store) {
	insert(t, s, &store.Record{Kind: "user", ID: "holder", Scope: "p", Keys: []store.Key{uniq("email", "taken")}})
	var insErr, dupErr error
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Insert(ctx, &store.Record{Kind: "user", ID: "before", Scope: "p"}); err != nil {
			return err
		}
		insErr = tx.Insert(ctx, &store.Record{Kind: "user", ID: "loser", Scope: "p",
			Keys: []store.Key{uniq("username", "loser"), key("group", "g1"), uniq("email", "taken")}})
		dupErr = tx.Insert(ctx, &store.Record{Kind: "user", ID: "holder", Scope: "p",
			Keys: []store.Key{uniq("username", "dup")}})
		// The transaction stays usable after a refused write.
		return tx.Insert(ctx, &store.Record{Kind: "user", ID: "after", Scope: "p"})
	})
	wantKeyConflict(t, insErr, store.KeyConflict{Kind: "user", Scope: "p", Name: "email", Value: "taken"})
	if !errors.Is(dupErr, store.ErrExists) {
		t.Fatalf("duplicate id: %v, want ErrExists", dupErr)
	}
	mustGet(t, s, "user", "before")
	mustGet(t, s, "user", "after")
	absent(t, s, "user", "loser")
	// None of the loser's keys were left behind.
	if got := list(t, s, store.Query{Kind: "user", Scope: "p", KeyName: "group", KeyValue: "g1"}); len(got) != 0 {
		t.Fatalf("keys of a refused Insert remain: %v", got)
	}
	for _, v := range []string{"loser", "dup"} {
		if _, err := lookup(t, s, "user", "p", "username", v); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("key username=%s of a refused Insert remains: %v", v, err)
		}
	}
	insert(t, s, &store.Record{Kind: "user", ID: "other", Scope: "p", Keys: []store.Key{uniq("username", "loser")}})
}

func testKeysReplacedOnUpdate(t *testing.T, s store.Store) {
	a := &store.Record{Kind: "user", ID: "a", Scope: "p",
		Keys: []store.Key{uniq("email", "old@x"), key("tag", "t1")}}
	insert(t, s, a)
	a.Keys = []store.Key{uniq("email", "new@x"), key("tag", "t2")}
	if err := tryUpdate(t, s, a); err != nil {
		t.Fatal(err)
	}
	if got, err := lookup(t, s, "user", "p", "email", "new@x"); err != nil || got.ID != "a" {
		t.Fatalf("Lookup of the new key: %v, %v", got, err)
	}
	if _, err := lookup(t, s, "user", "p", "email", "old@x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Lookup of the replaced key: %v, want ErrNotFound", err)
	}
	if got := list(t, s, store.Query{Kind: "user", Scope: "p", KeyName: "tag", KeyValue: "t1"}); len(got) != 0 {
		t.Fatalf("replaced non-unique key still listed: %v", got)
	}
	// The old unique value is free for someone else.
	insert(t, s, &store.Record{Kind: "user", ID: "b", Scope: "p", Keys: []store.Key{uniq("email", "old@x")}})
	// Keeping a unique key across an update is not a conflict with itself.
	a.Data = []byte("again")
	if err := tryUpdate(t, s, a); err != nil {
		t.Fatalf("Update keeping its own unique key: %v", err)
	}
	// An update with no keys drops them all.
	a.Keys = nil
	if err := tryUpdate(t, s, a); err != nil {
		t.Fatal(err)
	}
	if _, err := lookup(t, s, "user", "p", "email", "new@x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key kept after an update without keys: %v", err)
	}
}

func testFailedUpdateLeavesRecord(t *testing.T, s store.Store) {
	a := &store.Record{Kind: "user", ID: "a", Scope: "p", Data: []byte("a1"), Keys: []store.Key{uniq("email", "a@x")}}
	b := &store.Record{Kind: "user", ID: "b", Scope: "p", Data: []byte("b1"), Keys: []store.Key{uniq("email", "b@x"), key("tag", "b")}}
	insert(t, s, a, b)
	changed := *b
	changed.Data = []byte("b2")
	changed.Keys = []store.Key{uniq("email", "a@x")}
	var err error
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		err = tx.Update(ctx, &changed)
		// Still usable: this one commits.
		a.Data = []byte("a2")
		return tx.Update(ctx, a)
	})
	wantKeyConflict(t, err, store.KeyConflict{Kind: "user", Scope: "p", Name: "email", Value: "a@x"})
	if changed.Version != 1 {
		t.Fatalf("refused Update changed Version to %d", changed.Version)
	}
	got := mustGet(t, s, "user", "b")
	if string(got.Data) != "b1" || got.Version != 1 {
		t.Fatalf("refused Update changed the record: %+v", got)
	}
	if r, err := lookup(t, s, "user", "p", "email", "b@x"); err != nil || r.ID != "b" {
		t.Fatalf("refused Update lost the old key: %v, %v", r, err)
	}
	if ids := list(t, s, store.Query{Kind: "user", Scope: "p", KeyName: "tag", KeyValue: "b"}); len(ids) != 1 {
		t.Fatalf("refused Update lost the old non-unique key: %v", ids)
	}
	if got := mustGet(t, s, "user", "a"); string(got.Data) != "a2" {
		t.Fatalf("the rest of the transaction was lost: %+v", got)
	}
}

func testDeleteFreesKeys(t *testing.T, s store.Store) {
	insert(t, s, &store.Record{Kind: "user", ID: "a", Scope: "p", Keys: []store.Key{uniq("email", "e"), key("tag", "t")}})
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error { return tx.Delete(ctx, "user", "a") })
	if got := list(t, s, store.Query{Kind: "user", Scope: "p", KeyName: "tag", KeyValue: "t"}); len(got) != 0 {
		t.Fatalf("deleted record still listed by key: %v", got)
	}
	insert(t, s, &store.Record{Kind: "user", ID: "b", Scope: "p", Keys: []store.Key{uniq("email", "e")}})
	// And the id itself is free again.
	insert(t, s, &store.Record{Kind: "user", ID: "a", Scope: "p"})
}

func testLookup(t *testing.T, s store.Store) {
	insert(t, s,
		&store.Record{Kind: "user", ID: "m", Scope: "p", Keys: []store.Key{key("group", "g")}},
		&store.Record{Kind: "user", ID: "c", Scope: "p", Keys: []store.Key{key("group", "g")}},
		&store.Record{Kind: "user", ID: "x", Scope: "p", Keys: []store.Key{key("group", "g")}},
		&store.Record{Kind: "user", ID: "a", Scope: "q", Keys: []store.Key{key("group", "g")}},
		&store.Record{Kind: "user", ID: "u", Scope: "p", Keys: []store.Key{uniq("email", "u@x")}},
	)
	if got, err := lookup(t, s, "user", "p", "group", "g"); err != nil || got.ID != "c" {
		t.Fatalf("Lookup among several holders: %v, %v; want the smallest id, c", got, err)
	}
	got, err := lookup(t, s, "user", "p", "email", "u@x")
	if err != nil || got.ID != "u" || got.Scope != "p" || got.Version != 1 {
		t.Fatalf("Lookup by unique key: %+v, %v", got, err)
	}
	for _, miss := range [][4]string{
		{"user", "p", "email", "U@x"},  // values are exact
		{"user", "p", "email", "u@"},   // not a prefix search
		{"user", "q", "email", "u@x"},  // other scope
		{"admin", "p", "email", "u@x"}, // other kind
		{"user", "p", "group2", "g"},   // other name
		{"user", "", "group", "g"},     // the global scope is a scope
	} {
		if _, err := lookup(t, s, miss[0], miss[1], miss[2], miss[3]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Lookup%q: %v, want ErrNotFound", miss, err)
		}
	}
}

func testRepeatedKey(t *testing.T, s store.Store) {
	rec := &store.Record{Kind: "user", ID: "a", Scope: "p",
		Keys: []store.Key{key("tag", "t"), key("tag", "t"), uniq("email", "e"), key("email", "e")}}
	insert(t, s, rec)
	q := store.Query{Kind: "user", Scope: "p", KeyName: "tag", KeyValue: "t"}
	if got := list(t, s, q); len(got) != 1 {
		t.Fatalf("record with a repeated key listed %d times", len(got))
	}
	// Listed twice, once unique: unique wins.
	err := tryInsert(t, s, &store.Record{Kind: "user", ID: "b", Scope: "p", Keys: []store.Key{uniq("email", "e")}})
	wantKeyConflict(t, err, store.KeyConflict{Kind: "user", Scope: "p", Name: "email", Value: "e"})
	if err := tryUpdate(t, s, rec); err != nil {
		t.Fatalf("Update with repeated keys: %v", err)
	}
	// A record matching a prefix through two of its keys is listed once.
	insert(t, s, &store.Record{Kind: "user", ID: "c", Scope: "p", Keys: []store.Key{key("alias", "ab"), key("alias", "ac")}})
	if got := list(t, s, store.Query{Kind: "user", Scope: "p", KeyName: "alias", KeyValue: "a", Prefix: true}); len(got) != 1 {
		t.Fatalf("record with two matching keys listed %v", got)
	}
	if n := count(t, s, store.Query{Kind: "user", Scope: "p", KeyName: "alias", KeyValue: "a", Prefix: true}); n != 1 {
		t.Fatalf("record with two matching keys counted %d times", n)
	}
}

func testUpdateMovesScope(t *testing.T, s store.Store) {
	rec := &store.Record{Kind: "user", ID: "a", Scope: "p1", Keys: []store.Key{uniq("email", "e")}}
	insert(t, s, rec)
	rec.Scope = "p2"
	if err := tryUpdate(t, s, rec); err != nil {
		t.Fatal(err)
	}
	if got, err := lookup(t, s, "user", "p2", "email", "e"); err != nil || got.Scope != "p2" {
		t.Fatalf("Lookup in the new scope: %+v, %v", got, err)
	}
	if _, err := lookup(t, s, "user", "p1", "email", "e"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key left in the old scope: %v", err)
	}
	if got := list(t, s, store.Query{Kind: "user", Scope: "p1"}); len(got) != 0 {
		t.Fatalf("record still listed in its old scope: %v", got)
	}
}
