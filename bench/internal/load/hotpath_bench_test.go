package load_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/cirrotest"
)

// BenchmarkHotPaths runs each operation through the SDK against an
// in-process cirro on a SQLite file, client and server in one process, so
// that a CPU profile shows the server's share of every request:
//
//	go test ./bench/internal/load -run '^$' -bench HotPaths -cpuprofile /tmp/cpu.out
//	go tool pprof -top -focus 'cirro/internal' bench/internal/load/load.test /tmp/cpu.out
func BenchmarkHotPaths(b *testing.B) {
	c := cirrotest.Start(b, cirrotest.WithDevMode(), cirrotest.WithDB("sqlite:"+filepath.Join(b.TempDir(), "c.db")))
	ctx := context.Background()
	cl, err := load.NewClient(c.URL, c.Region, load.DevCredentials, 8)
	if err != nil {
		b.Fatal(err)
	}
	fx, err := load.Setup(ctx, cl, load.SetupOptions{PoolName: "hot", Users: 50})
	if err != nil {
		b.Fatal(err)
	}
	for _, op := range load.Ops {
		b.Run(op.ID, func(b *testing.B) {
			cfg := load.Config{Clients: []*load.Client{cl}, Mix: load.Mix{{Op: op, Weight: 1}}, Concurrency: 8,
				Duration: time.Hour, MaxOps: int64(b.N), Seed: 1, NamePrefix: fmt.Sprintf("%s-%d-", b.Name(), b.N)}
			b.ResetTimer()
			rep, err := load.Run(ctx, cfg, fx)
			if err != nil {
				b.Fatal(err)
			}
			if rep.Total.Errors > 0 {
				b.Fatalf("%d errors: %v", rep.Total.Errors, rep.Ops[0].Examples)
			}
		})
	}
}
