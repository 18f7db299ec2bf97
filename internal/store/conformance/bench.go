package conformance

import (
	"context"
	"fmt"
	"testing"

	"github.com/cirrohq/cirro/internal/store"
)

// The benchmarks measure one operation per Write or Read, the shape of
// most API calls, on a store already holding benchRecords records.

const benchRecords = 1000

func benchSeed(b *testing.B, s store.Store) {
	b.Helper()
	ctx := context.Background()
	err := s.Write(ctx, func(tx store.Tx) error {
		for i := range benchRecords {
			if err := tx.Insert(ctx, benchRecord(fmt.Sprint("seed-", i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func benchRecord(id string) *store.Record {
	return &store.Record{Kind: "user", ID: id, Scope: "pool",
		Data: []byte(`{"username":"` + id + `","attributes":{"email":"` + id + `@example.com","email_verified":"true"}}`),
		Keys: []store.Key{uniq("username", id), uniq("email", id+"@example.com"), key("status", "CONFIRMED")}}
}

// BenchInsert measures inserting a record with three keys.
func BenchInsert(b *testing.B, s store.Store) {
	benchSeed(b, s)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		rec := benchRecord(fmt.Sprint("new-", i))
		if err := s.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, rec) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchGet measures reading a record by id.
func BenchGet(b *testing.B, s store.Store) {
	benchSeed(b, s)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		id := fmt.Sprint("seed-", i%benchRecords)
		if err := s.Read(ctx, func(tx store.Tx) error { _, err := tx.Get(ctx, "user", id); return err }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchLookup measures finding a record by a unique key.
func BenchLookup(b *testing.B, s store.Store) {
	benchSeed(b, s)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		email := fmt.Sprint("seed-", i%benchRecords, "@example.com")
		err := s.Read(ctx, func(tx store.Tx) error {
			_, err := tx.Lookup(ctx, "user", "pool", "email", email)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
