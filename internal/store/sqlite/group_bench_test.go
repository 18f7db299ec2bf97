package sqlite

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// BenchmarkConcurrentWrites measures 16 goroutines inserting one record
// each per Write on a file store, with group commit on and off; writes/group
// is the mean group size. BenchmarkConcurrentWritesWithWork adds CPU work
// between Writes, as a request's decoding, checks and encoding would.
func BenchmarkConcurrentWrites(b *testing.B)         { benchConcurrentWrites(b, 0) }
func BenchmarkConcurrentWritesWithWork(b *testing.B) { benchConcurrentWrites(b, 300*time.Microsecond) }

func burn(d time.Duration) {
	h := sha256.New()
	var buf [64]byte
	for start := time.Now(); time.Since(start) < d; {
		for range 16 {
			h.Write(buf[:])
		}
	}
}

func benchConcurrentWrites(b *testing.B, work time.Duration) {
	for _, mode := range []string{"on", "off"} {
		b.Run(mode, func(b *testing.B) {
			if mode == "off" {
				b.Setenv(GroupCommitEnv, "off")
			}
			s, err := Open(b.Context(), b.TempDir()+"/bench.db")
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						burn(work)
						id := fmt.Sprint("u", i)
						err := s.Write(b.Context(), func(tx store.Tx) error {
							return tx.Insert(b.Context(), &store.Record{Kind: "user", ID: id, Scope: "p",
								Data: []byte(`{"username":"` + id + `"}`),
								Keys: []store.Key{{Name: "username", Value: id, Unique: true}, {Name: "status", Value: "CONFIRMED"}}})
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(s.grouped.Load())/float64(max(1, s.groups.Load())), "writes/group")
		})
	}
}
