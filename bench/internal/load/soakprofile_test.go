package load_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/bench/internal/proc"
	"github.com/cirrohq/cirro/cirrotest"
)

// TestSoakProfile runs the soak's mixed workload against an in-process
// cirro on a SQLite file and writes heap profiles at the start and the end,
// to find what makes the soak's memory grow. It runs only when asked:
//
//	CIRRO_SOAK_PROFILE=/tmp/soak CIRRO_SOAK_DURATION=2m go test ./bench/internal/load -run SoakProfile -v -timeout 10m
//	go tool pprof -sample_index inuse_space -top -base /tmp/soak/heap-start.pprof /tmp/soak/heap-end.pprof
//
// Every 10 s it logs the process's RSS next to what the Go runtime holds:
// the rest is memory outside Go, mostly SQLite's page caches (the pure-Go
// SQLite allocates outside the Go heap, and is built without memory
// statistics, so sqlite3_memory_used reads 0), each connection's bounded by
// cache_size, 2,000 KiB by default. The client runs in the same process,
// so only the heap profiles' difference is the server's alone.
// CIRRO_SOAK_MIX replaces the workload, CIRRO_SOAK_RATE the arrival rate.
func TestSoakProfile(t *testing.T) {
	dir := os.Getenv("CIRRO_SOAK_PROFILE")
	if dir == "" {
		t.Skip("set CIRRO_SOAK_PROFILE to a directory to run")
	}
	duration := 2 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("CIRRO_SOAK_DURATION")); err == nil {
		duration = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "soak.db")
	c := cirrotest.Start(t, cirrotest.WithDevMode(), cirrotest.WithDB("sqlite:"+db))
	ctx := context.Background()
	cl, err := load.NewClient(c.URL, c.Region, load.DevCredentials, 64)
	if err != nil {
		t.Fatal(err)
	}
	fx, err := load.Setup(ctx, cl, load.SetupOptions{PoolName: "soak", Users: 100})
	if err != nil {
		t.Fatal(err)
	}
	mix, err := load.ParseMix("refresh=30,getuser=25,admingetuser=10,password=10,srp=5,listusers=5,update=5,create=5,adminpassword=5")
	if err != nil {
		t.Fatal(err)
	}
	if m := os.Getenv("CIRRO_SOAK_MIX"); m != "" {
		if mix, err = load.ParseMix(m); err != nil {
			t.Fatal(err)
		}
	}
	heap := func(name string) {
		runtime.GC()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			t.Fatal(err)
		}
	}
	sample := func(el time.Duration) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		rss, _ := proc.RSS(os.Getpid())
		var files int64
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if st, err := os.Stat(db + suffix); err == nil {
				files += st.Size()
			}
		}
		t.Logf("%4.0fs  RSS %5.1f MiB  Go heap in use %5.1f MiB (%d objects)  Go sys %5.1f MiB  outside Go %5.1f MiB  goroutines %d  db+wal %5.1f MiB",
			el.Seconds(), mib(rss), mib(int64(ms.HeapInuse)), ms.HeapObjects, mib(int64(ms.Sys)), mib(rss-int64(ms.Sys)),
			runtime.NumGoroutine(), mib(files))
	}
	rate := 200.0 // arrivals per second; CIRRO_SOAK_RATE changes it
	if r, err := strconv.ParseFloat(os.Getenv("CIRRO_SOAK_RATE"), 64); err == nil && r > 0 {
		rate = r
	}
	var began atomic.Int64 // unix ns; Tick and MeasureStart may run on different goroutines
	since := func() time.Duration { return time.Since(time.Unix(0, began.Load())) }
	rep, err := load.Run(ctx, load.Config{Clients: []*load.Client{cl}, Mix: mix, Concurrency: 64, Rate: rate,
		Duration: duration, Warmup: 10 * time.Second, Seed: 3, NamePrefix: "soak-",
		MeasureStart: func() { heap("heap-start.pprof"); began.Store(time.Now().UnixNano()); sample(0) },
		Tick: func(el time.Duration) {
			if int(el.Seconds())%10 == 0 && began.Load() != 0 {
				sample(since())
			}
		}}, fx)
	if err != nil {
		t.Fatal(err)
	}
	sample(since())
	heap("heap-end.pprof")
	t.Logf("%d ok, %d errors at %.0f/s", rep.Total.OK, rep.Total.Errors, rep.Total.Throughput)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
