package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

var listTests = []test{
	{"ListOrder", testListOrder},
	{"ListPrefix", testListPrefix},
	{"AnyScope", testAnyScope},
	{"Pagination", testPagination},
	{"Count", testCount},
	{"DeleteScope", testDeleteScope},
	{"Sweep", testSweep},
}

func testListOrder(t *testing.T, s store.Store) {
	want := []string{"10", "9", "A", "B", "_", "a", "a-1", "a1", "b", "z", "é", "ℤ", "日本", "🙂"}
	shuffled := slices.Clone(want)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, id := range shuffled {
		insert(t, s, &store.Record{Kind: "k", ID: id, Scope: "p"})
	}
	insert(t, s, &store.Record{Kind: "other", ID: "0", Scope: "p"}, &store.Record{Kind: "k", ID: "0", Scope: "q"})
	// Order is by bytes (code points), never by locale.
	if got := list(t, s, store.Query{Kind: "k", Scope: "p"}); !slices.Equal(got, want) {
		t.Fatalf("List order\n got %q\nwant %q", got, want)
	}
	if got := list(t, s, store.Query{Kind: "k", Scope: "p", After: "a"}); !slices.Equal(got, want[6:]) {
		t.Fatalf("After is exclusive: got %q", got)
	}
	if got := list(t, s, store.Query{Kind: "k", Scope: "p", After: "a0", Limit: 2}); !slices.Equal(got, []string{"a1", "b"}) {
		t.Fatalf("After need not be an existing id: got %q", got)
	}
	if got := list(t, s, store.Query{Kind: "none", Scope: "p"}); len(got) != 0 {
		t.Fatalf("List of an empty kind: %q", got)
	}
}

// prefixValues are key values chosen to trip up LIKE-based or locale-based
// prefix matching: wildcards, the escape character, multi-byte runes, and
// runes next to the edges of the Unicode range that a range bound has to
// step over.
var prefixValues = []string{
	"", "a", "ab", "abc", "aB", "b", "A",
	"a%", "a%b", "a_b", "axb", "a\\", "a\\b", "a\\\\b", "%", "%x", "_", "_x", "\\", "\\x", "'", "a'b",
	"ä", "äb", "a\u0308", "日本", "日本語", "日", "🙂", "🙂🙂",
	"\uD7FF", "\uD7FFx", "\uE000", "\uFFFF", "\U00010000",
	"\U0010FFFF", "\U0010FFFFa", "x\U0010FFFF", "x\U0010FFFFy", "y",
}

var prefixes = []string{
	"", "a", "ab", "A", "a%", "a_", "a\\", "a\\\\", "%", "_", "\\", "'", "ä", "a\u0308", "日本", "🙂",
	"\uD7FF", "\uFFFF", "\U0010FFFF", "x\U0010FFFF", "x", "zzz",
}

func testListPrefix(t *testing.T, s store.Store) {
	var recs []*store.Record
	for i, v := range prefixValues {
		recs = append(recs, &store.Record{Kind: "k", ID: fmt.Sprintf("r%02d", i), Scope: "p",
			Keys: []store.Key{key("v", v)}})
	}
	// Noise the filter must exclude.
	recs = append(recs,
		&store.Record{Kind: "k", ID: "other-name", Scope: "p", Keys: []store.Key{key("w", "a")}},
		&store.Record{Kind: "k", ID: "other-scope", Scope: "q", Keys: []store.Key{key("v", "a")}},
		&store.Record{Kind: "j", ID: "other-kind", Scope: "p", Keys: []store.Key{key("v", "a")}},
		&store.Record{Kind: "k", ID: "no-keys", Scope: "p"})
	insert(t, s, recs...)

	for _, p := range prefixes {
		var want []string
		for i, v := range prefixValues {
			if strings.HasPrefix(v, p) {
				want = append(want, fmt.Sprintf("r%02d", i))
			}
		}
		q := store.Query{Kind: "k", Scope: "p", KeyName: "v", KeyValue: p, Prefix: true}
		if got := list(t, s, q); !slices.Equal(got, want) {
			t.Errorf("prefix %+q\n got %q\nwant %q", p, got, want)
		}
		if n := count(t, s, q); n != len(want) {
			t.Errorf("Count prefix %+q = %d, want %d", p, n, len(want))
		}
		// Equality is exact: the same value, never a wildcard match.
		q.Prefix = false
		var eq []string
		for i, v := range prefixValues {
			if v == p {
				eq = append(eq, fmt.Sprintf("r%02d", i))
			}
		}
		if got := list(t, s, q); !slices.Equal(got, eq) {
			t.Errorf("equal %+q\n got %q\nwant %q", p, got, eq)
		}
	}
}

func testAnyScope(t *testing.T, s store.Store) {
	insert(t, s,
		&store.Record{Kind: "user", ID: "c", Scope: "p1", Keys: []store.Key{key("tag", "x1")}},
		&store.Record{Kind: "user", ID: "a", Scope: "p2", Keys: []store.Key{key("tag", "x2")}},
		&store.Record{Kind: "user", ID: "b", Scope: "", Keys: []store.Key{key("tag", "y")}},
		&store.Record{Kind: "user", ID: "d", Scope: "p1", Keys: []store.Key{key("tag", "x3")}},
		&store.Record{Kind: "group", ID: "e", Scope: "p1", Keys: []store.Key{key("tag", "x")}},
	)
	all := store.Query{Kind: "user", AnyScope: true, Scope: "ignored"}
	if got := list(t, s, all); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Fatalf("AnyScope: %q", got)
	}
	if n := count(t, s, all); n != 4 {
		t.Fatalf("AnyScope Count: %d", n)
	}
	if got := list(t, s, store.Query{Kind: "user", Scope: ""}); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("the global scope alone: %q", got)
	}
	byKey := store.Query{Kind: "user", AnyScope: true, KeyName: "tag", KeyValue: "x", Prefix: true}
	if got := list(t, s, byKey); !slices.Equal(got, []string{"a", "c", "d"}) {
		t.Fatalf("AnyScope by key prefix: %q", got)
	}
	byKey.After, byKey.Limit = "a", 1
	if got := list(t, s, byKey); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("AnyScope by key prefix, paged: %q", got)
	}
}

func testPagination(t *testing.T, s store.Store) {
	const n = 250
	var want, wantOdd []string
	var recs []*store.Record
	for _, i := range rand.Perm(n) {
		id := fmt.Sprintf("u-%04d", i)
		parity := "even"
		if i%2 == 1 {
			parity = "odd"
		}
		recs = append(recs, &store.Record{Kind: "user", ID: id, Scope: "p", Keys: []store.Key{key("parity", parity)}})
	}
	for i := range n {
		want = append(want, fmt.Sprintf("u-%04d", i))
		if i%2 == 1 {
			wantOdd = append(wantOdd, want[i])
		}
	}
	recs = append(recs,
		&store.Record{Kind: "user", ID: "u-0100x", Scope: "other"},
		&store.Record{Kind: "group", ID: "u-0100y", Scope: "p"})
	insert(t, s, recs...)

	page := func(q store.Query, size int) []string {
		var got []string
		q.Limit = size
		for pages := 0; ; pages++ {
			ids := list(t, s, q)
			if len(ids) > size {
				t.Fatalf("page of %d with Limit %d", len(ids), size)
			}
			got = append(got, ids...)
			if len(ids) < size {
				return got
			}
			if pages > n {
				t.Fatal("pagination does not end")
			}
			q.After = ids[len(ids)-1]
		}
	}
	for _, size := range []int{1, 7, 50, 250, 1000} {
		if got := page(store.Query{Kind: "user", Scope: "p"}, size); !slices.Equal(got, want) {
			t.Fatalf("pages of %d: %d ids, first differences %v", size, len(got), firstDiff(got, want))
		}
	}
	if got := page(store.Query{Kind: "user", Scope: "p", KeyName: "parity", KeyValue: "odd"}, 9); !slices.Equal(got, wantOdd) {
		t.Fatalf("pages by key: %d ids, first differences %v", len(got), firstDiff(got, wantOdd))
	}
	if got := list(t, s, store.Query{Kind: "user", Scope: "p"}); len(got) != n {
		t.Fatalf("Limit 0 returned %d of %d", len(got), n)
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: got %q want %q", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(got), len(want))
}

func testCount(t *testing.T, s store.Store) {
	for i := range 30 {
		insert(t, s, &store.Record{Kind: "user", ID: fmt.Sprintf("%02d", i), Scope: "p",
			Keys: []store.Key{key("mod3", fmt.Sprint(i%3))}})
	}
	insert(t, s, &store.Record{Kind: "user", ID: "x", Scope: "q", Keys: []store.Key{key("mod3", "0")}})
	for _, c := range []struct {
		q    store.Query
		want int
	}{
		{store.Query{Kind: "user", Scope: "p"}, 30},
		{store.Query{Kind: "user", Scope: "p", Limit: 5, After: "10"}, 30}, // Count ignores paging
		{store.Query{Kind: "user", AnyScope: true}, 31},
		{store.Query{Kind: "user", Scope: "p", KeyName: "mod3", KeyValue: "0"}, 10},
		{store.Query{Kind: "user", AnyScope: true, KeyName: "mod3", KeyValue: "0"}, 11},
		{store.Query{Kind: "user", Scope: "none"}, 0},
		{store.Query{Kind: "group", Scope: "p"}, 0},
	} {
		if n := count(t, s, c.q); n != c.want {
			t.Errorf("Count(%+v) = %d, want %d", c.q, n, c.want)
		}
	}
}

func testDeleteScope(t *testing.T, s store.Store) {
	insert(t, s,
		&store.Record{Kind: "user", ID: "u1", Scope: "p1", Keys: []store.Key{uniq("email", "e")}},
		&store.Record{Kind: "user", ID: "u2", Scope: "p1"},
		&store.Record{Kind: "group", ID: "g1", Scope: "p1", Keys: []store.Key{key("name", "admins")}},
		&store.Record{Kind: "user", ID: "u3", Scope: "p2", Keys: []store.Key{uniq("email", "e")}},
		&store.Record{Kind: "pool", ID: "p1", Scope: ""},
	)
	var n int
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.DeleteScope(ctx, "p1")
		return err
	})
	if n != 3 {
		t.Fatalf("DeleteScope removed %d, want 3", n)
	}
	for _, id := range []string{"u1", "u2"} {
		absent(t, s, "user", id)
	}
	absent(t, s, "group", "g1")
	mustGet(t, s, "user", "u3")
	mustGet(t, s, "pool", "p1")
	if got := list(t, s, store.Query{Kind: "group", Scope: "p1", KeyName: "name", KeyValue: "admins"}); len(got) != 0 {
		t.Fatalf("keys survived DeleteScope: %v", got)
	}
	insert(t, s, &store.Record{Kind: "user", ID: "u4", Scope: "p1", Keys: []store.Key{uniq("email", "e")}})
	mustWrite(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.DeleteScope(ctx, "empty")
		return err
	})
	if n != 0 {
		t.Fatalf("DeleteScope of an empty scope removed %d", n)
	}
}

func testSweep(t *testing.T, s store.Store) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	insert(t, s,
		&store.Record{Kind: "token", ID: "past", Scope: "p", Expires: now.Add(-time.Nanosecond), Keys: []store.Key{uniq("jti", "j1")}},
		&store.Record{Kind: "token", ID: "long-past", Scope: "p", Expires: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)},
		&store.Record{Kind: "session", ID: "past", Scope: "", Expires: now.Add(-time.Hour)},
		&store.Record{Kind: "token", ID: "now", Scope: "p", Expires: now},
		&store.Record{Kind: "token", ID: "future", Scope: "p", Expires: now.Add(time.Nanosecond)},
		&store.Record{Kind: "token", ID: "far-future", Scope: "p", Expires: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
		&store.Record{Kind: "token", ID: "never", Scope: "p"},
	)
	// Enough expired records to need several batches, if a backend batches.
	var many []*store.Record
	for i := range 1200 {
		many = append(many, &store.Record{Kind: "code", ID: fmt.Sprint(i), Scope: "p", Expires: now.Add(-time.Minute),
			Keys: []store.Key{key("k", "v")}})
	}
	insert(t, s, many...)
	mustGet(t, s, "token", "past") // expired but not swept: still readable

	n, err := s.Sweep(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1203 {
		t.Fatalf("Sweep removed %d, want 1203", n)
	}
	absent(t, s, "token", "past")
	absent(t, s, "token", "long-past")
	absent(t, s, "session", "past")
	for _, id := range []string{"now", "future", "far-future", "never"} {
		mustGet(t, s, "token", id)
	}
	if got := count(t, s, store.Query{Kind: "code", Scope: "p", KeyName: "k", KeyValue: "v"}); got != 0 {
		t.Fatalf("%d swept records still found by key", got)
	}
	insert(t, s, &store.Record{Kind: "token", ID: "reuse", Scope: "p", Keys: []store.Key{uniq("jti", "j1")}})
	if n, err := s.Sweep(t.Context(), now); err != nil || n != 0 {
		t.Fatalf("second Sweep: %d, %v", n, err)
	}
}
