package sqlbase

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/store"
)

// Check rejects records the backends could not store identically.
// PostgreSQL refuses text that is not UTF-8 or holds NUL while SQLite takes
// anything, so both refuse them here rather than behave differently.
func Check(rec *store.Record) error {
	if rec == nil {
		return errors.New("store: nil record")
	}
	if rec.Kind == "" || rec.ID == "" {
		return fmt.Errorf("store: record needs a kind and an id (kind %q, id %q)", rec.Kind, rec.ID)
	}
	if !Storable(rec.Kind, rec.ID, rec.Scope) {
		return fmt.Errorf("store: %s/%q: kind, id and scope must be UTF-8 without NUL", rec.Kind, rec.ID)
	}
	for _, k := range rec.Keys {
		if k.Name == "" || !Storable(k.Name, k.Value) {
			return fmt.Errorf("store: %s/%q: key %q: names must be non-empty, names and values UTF-8 without NUL", rec.Kind, rec.ID, k.Name)
		}
	}
	return nil
}

// Storable reports whether every string could have been stored. Reads use
// it to answer "not found" for a string no record can hold instead of
// passing PostgreSQL a parameter it rejects.
func Storable(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return false
		}
	}
	return true
}

// Keys returns rec's keys without repeats, in their first order. A key the
// domain lists twice would otherwise collide with itself on a unique index
// (or be counted twice); if either copy is unique, the kept one is.
func Keys(rec *store.Record) []store.Key {
	type nv struct{ name, value string }
	seen := make(map[nv]int, len(rec.Keys))
	out := make([]store.Key, 0, len(rec.Keys))
	for _, k := range rec.Keys {
		if i, ok := seen[nv{k.Name, k.Value}]; ok {
			out[i].Unique = out[i].Unique || k.Unique
			continue
		}
		seen[nv{k.Name, k.Value}] = len(out)
		out = append(out, k)
	}
	return out
}

// Data never hands the database a nil slice: drivers bind nil as NULL and
// the column is NOT NULL.
func Data(rec *store.Record) []byte {
	if rec.Data == nil {
		return []byte{}
	}
	return rec.Data
}
