package sqlbase

import (
	"strings"

	"github.com/cirrohq/cirro/internal/store"
)

// exactKeySQL is List and Count for a key filter of one exact value. They
// are driven from the key index, which holds (kind, scope, name, value,
// id) in id order: List walks the matching entries in id order from the
// cursor and stops at the limit, fetching each record by primary key, so
// a page costs the same whether ten records match or a million. The IN
// form of ListSQL let PostgreSQL (and SQLite, for a value most records
// share) collect every match before sorting and cutting to the limit.
//
// A record holds a (name, value) pair at most once (Keys removes repeats
// before they are written), so the join cannot return a record twice,
// and the keys' scope is the record's, copied on every write.
func exactKeySQL(q store.Query, ph Placeholder, count bool) string {
	var b strings.Builder
	n := 0
	next := func() string { n++; return ph(n) }
	if count {
		b.WriteString("SELECT count(*) FROM record_keys k")
	} else {
		b.WriteString("SELECT " + Columns + " FROM record_keys k JOIN records r ON r.kind = k.kind AND r.id = k.id")
	}
	b.WriteString(" WHERE k.kind = " + next())
	if !q.AnyScope {
		b.WriteString(" AND k.scope = " + next())
	}
	b.WriteString(" AND k.name = " + next() + " AND k.value = " + next())
	if count {
		return b.String()
	}
	if q.After != "" {
		b.WriteString(" AND k.id > " + next())
	}
	b.WriteString(" ORDER BY k.id")
	if q.Limit > 0 {
		b.WriteString(" LIMIT " + next())
	}
	return b.String()
}

// exactKeyArgs are exactKeySQL's arguments, in the same order.
func exactKeyArgs(q store.Query, count bool) []any {
	args := []any{q.Kind}
	if !q.AnyScope {
		args = append(args, q.Scope)
	}
	args = append(args, q.KeyName, q.KeyValue)
	if count {
		return args
	}
	if q.After != "" {
		args = append(args, q.After)
	}
	if q.Limit > 0 {
		args = append(args, q.Limit)
	}
	return args
}
