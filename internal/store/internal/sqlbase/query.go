package sqlbase

import (
	"errors"
	"strconv"
	"strings"

	"github.com/cirrohq/cirro/internal/store"
)

// Columns is the select list every record read scans, in this order.
const Columns = "r.kind, r.id, r.scope, r.data, r.version, r.expires_unix_ns"

// InOrder returns recs in the order of ids (GetMany), leaving out ids with
// no record and repeated ids after their first.
func InOrder(ids []string, recs []*store.Record) []*store.Record {
	byID := make(map[string]*store.Record, len(recs))
	for _, r := range recs {
		byID[r.ID] = r
	}
	out := make([]*store.Record, 0, len(recs))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
			delete(byID, id)
		}
	}
	return out
}

// Placeholder renders the n-th (1-based) bind parameter of a dialect.
type Placeholder func(n int) string

// Question is SQLite's placeholder.
func Question(int) string { return "?" }

// Dollar is PostgreSQL's placeholder.
func Dollar(n int) string { return "$" + strconv.Itoa(n) }

// ListSQL returns the statement and arguments for List (count false) or
// Count (count true, which ignores After and Limit).
//
// A filter on one exact key value is driven from the key index in id
// order (exactKeySQL), so that a page stops at its limit however many
// records match. A prefix filter is an IN over record_keys rather than a
// join so that a record holding several matching keys comes back once; it
// lets the planner drive the query from the key index, which is what
// makes a selective lookup cheap in a large scope.
func ListSQL(q store.Query, ph Placeholder, count bool) (string, []any, error) {
	if q.Limit < 0 {
		return "", nil, errors.New("store: negative query limit")
	}
	if !Storable(q.After) {
		return "", nil, errors.New("store: query cursor is not UTF-8")
	}
	if !Storable(q.Kind) || (!q.AnyScope && !Storable(q.Scope)) || (q.KeyName != "" && !Storable(q.KeyName, q.KeyValue)) {
		// Nothing stored can match, and PostgreSQL would reject the
		// strings as parameters: answer with an empty result.
		if count {
			return "SELECT 0", nil, nil
		}
		return "SELECT " + Columns + " FROM records r WHERE 1 = 0", nil, nil
	}
	if q.KeyName != "" && !q.Prefix {
		return exactKeySQL(q, ph, count), exactKeyArgs(q, count), nil
	}
	var b strings.Builder
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return ph(len(args))
	}
	if count {
		b.WriteString("SELECT count(*) FROM records r")
	} else {
		b.WriteString("SELECT " + Columns + " FROM records r")
	}
	b.WriteString(" WHERE r.kind = " + arg(q.Kind))
	if !q.AnyScope {
		b.WriteString(" AND r.scope = " + arg(q.Scope))
	}
	if !count && q.After != "" {
		b.WriteString(" AND r.id > " + arg(q.After))
	}
	if q.KeyName != "" {
		b.WriteString(" AND r.id IN (SELECT k.id FROM record_keys k WHERE k.kind = " + arg(q.Kind))
		if !q.AnyScope {
			b.WriteString(" AND k.scope = " + arg(q.Scope))
		}
		b.WriteString(" AND k.name = " + arg(q.KeyName))
		switch end, bounded := PrefixEnd(q.KeyValue); {
		case !q.Prefix:
			b.WriteString(" AND k.value = " + arg(q.KeyValue))
		case q.KeyValue == "":
			// Every value has the empty prefix.
		case bounded:
			b.WriteString(" AND k.value >= " + arg(q.KeyValue) + " AND k.value < " + arg(end))
		default:
			b.WriteString(" AND k.value >= " + arg(q.KeyValue))
		}
		b.WriteString(")")
	}
	if !count {
		b.WriteString(" ORDER BY r.id")
		if q.Limit > 0 {
			b.WriteString(" LIMIT " + arg(q.Limit))
		}
	}
	return b.String(), args, nil
}

// LookupSQL returns the statement and arguments for Lookup. The holder's
// id comes from a scalar subquery that walks the lookup index in id order
// (so the smallest holder needs no sort), and the record is then fetched
// by primary key. A join instead was seen to make PostgreSQL scan every
// record of the kind when it plans without statistics on a new table.
func LookupSQL(ph Placeholder, kind, scope, name, value string) (string, []any) {
	holder := "SELECT k.id FROM record_keys k WHERE k.kind = " + ph(2) + " AND k.scope = " + ph(3) +
		" AND k.name = " + ph(4) + " AND k.value = " + ph(5) + " ORDER BY k.id LIMIT 1"
	query := "SELECT " + Columns + " FROM records r WHERE r.kind = " + ph(1) + " AND r.id = (" + holder + ")"
	return query, []any{kind, kind, scope, name, value}
}
