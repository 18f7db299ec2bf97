package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cirrohq/cirro/bench/internal/chart"
	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/bench/internal/proc"
)

type soakSample struct {
	T   float64 `json:"t_s"`
	RSS int64   `json:"rss_bytes"`
	// GoHeap, GoSys and Goroutines come from the server's /metrics: the
	// Go heap in use, all memory the Go runtime holds from the OS, and
	// goroutines. RSS minus GoSys is memory outside Go: mostly SQLite's
	// page caches (cache_size per connection, filling as the database
	// grows) and the binary.
	GoHeap     int64 `json:"go_heap_inuse_bytes,omitempty"`
	GoSys      int64 `json:"go_sys_bytes,omitempty"`
	Goroutines int64 `json:"goroutines,omitempty"`
	OK         int   `json:"ok"`
	Errors     int   `json:"errors"`
}

type soakResult struct {
	Started     time.Time    `json:"started"`
	Store       string       `json:"store"`
	Duration    float64      `json:"duration_s"`
	Capacity    float64      `json:"capacity_ops"`
	Rate        float64      `json:"rate"`
	Samples     []soakSample `json:"samples"`
	Warmup      float64      `json:"warmup_s"`
	BaselineRSS int64        `json:"baseline_rss_bytes"`
	PeakRSS     int64        `json:"peak_rss_bytes"`
	Growth      float64      `json:"growth"`
	// The Go heap in use at the baseline and at its highest later: a leak
	// in the server's own data shows here first.
	BaselineHeap int64        `json:"baseline_go_heap_bytes"`
	PeakHeap     int64        `json:"peak_go_heap_bytes"`
	HeapGrowth   float64      `json:"go_heap_growth"`
	Report       *load.Report `json:"report"`
	Short        bool         `json:"short"`
}

func cmdSoak(args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	st := fs.String("store", "sqlite", "sqlite or postgres")
	duration := fs.Duration("duration", 30*time.Minute, "soak time (at most 2h)")
	warm := fs.Duration("warmup", 0, "time after which memory is the baseline (default a sixth of the duration, at least 5 minutes, at most half)")
	rate := fs.Float64("rate", 0, "arrivals per second; 0: 70% of the capacity measured first")
	mix := fs.String("mix", mixedWorkload, "workload")
	concurrency := fs.Int("concurrency", 64, "most requests in flight")
	jsonOut := fs.String("json", "bench/results/soak.json", "raw results")
	doc := fs.String("doc", "docs/performance.md", "document whose generated section is replaced")
	img := fs.String("img", "docs/img", "directory for the chart")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *warm == 0 {
		// Memory rises at first for reasons that are not leaks: each SQLite
		// connection's page cache fills (up to cache_size, 2,000 KiB, per
		// connection) as the database grows past it, and the Go runtime
		// keeps the heap that bursts of requests needed. A soak profile
		// (bench/internal/load TestSoakProfile) showed both still settling
		// after a few minutes, so the baseline is taken after 5.
		*warm = min(max(*duration/6, 5*time.Minute), *duration/2)
	}
	e, done, err := ef.env()
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := e.start(ctx, target{Name: "cirro-" + *st, Kind: "cirro", Store: *st, Fast: true}, startOptions{suffix: "-soak"})
	if err != nil {
		return err
	}
	defer s.cleanup()
	defer s.stop(false)
	cs, err := clients([]string{s.Endpoint}, "us-east-1", *concurrency)
	if err != nil {
		return err
	}
	fx, err := load.Setup(ctx, cs[0], load.SetupOptions{PoolName: "soak", Users: 100})
	if err != nil {
		return err
	}
	m, err := load.ParseMix(*mix)
	if err != nil {
		return err
	}
	res := &soakResult{Started: time.Now().UTC(), Store: *st, Duration: duration.Seconds(), Warmup: warm.Seconds(), Short: *duration < 30*time.Minute}
	if *rate == 0 {
		capRep, err := load.Run(ctx, load.Config{Clients: cs, Mix: m, Concurrency: 16, Duration: 10 * time.Second, Warmup: time.Second, Seed: 2, NamePrefix: "cap-"}, fx)
		if err != nil {
			return err
		}
		res.Capacity = capRep.Total.Throughput
		*rate = 0.7 * res.Capacity
		fmt.Printf("capacity %.0f ops/s: soaking at %.0f/s for %s\n", res.Capacity, *rate, *duration)
	}
	res.Rate = *rate
	var mu sync.Mutex
	var okN, errN int
	began := time.Now()
	// The server process alone: taskset execs cirro, so s.pid() is cirro,
	// and cirro starts no children (no command triggers are configured).
	memory := func(t float64) soakSample {
		smp := soakSample{T: t}
		smp.RSS, _ = proc.RSS(s.pid())
		smp.GoHeap, smp.GoSys, smp.Goroutines = goMemory(s.Endpoint)
		return smp
	}
	res.Samples = append(res.Samples, memory(0))
	rep, err := load.Run(ctx, load.Config{Clients: cs, Mix: m, Concurrency: *concurrency, Rate: *rate, Duration: *duration, Seed: 3, NamePrefix: "soak-",
		OnResult: func(_ *load.Op, _ time.Time, _ time.Duration, err error) {
			mu.Lock()
			if err == nil {
				okN++
			} else {
				errN++
			}
			mu.Unlock()
		},
		Tick: func(el time.Duration) {
			if int(el.Seconds())%5 != 0 {
				return
			}
			smp := memory(time.Since(began).Seconds())
			mu.Lock()
			smp.OK, smp.Errors = okN, errN
			okN, errN = 0, 0
			res.Samples = append(res.Samples, smp)
			mu.Unlock()
		}}, fx)
	if err != nil {
		return err
	}
	res.Report = rep
	for _, smp := range res.Samples {
		if smp.T < warm.Seconds() {
			continue
		}
		if res.BaselineRSS == 0 {
			res.BaselineRSS, res.BaselineHeap = smp.RSS, smp.GoHeap
		}
		res.PeakRSS, res.PeakHeap = max(res.PeakRSS, smp.RSS), max(res.PeakHeap, smp.GoHeap)
	}
	if res.BaselineRSS > 0 {
		res.Growth = float64(res.PeakRSS)/float64(res.BaselineRSS) - 1
	}
	if res.BaselineHeap > 0 {
		res.HeapGrowth = float64(res.PeakHeap)/float64(res.BaselineHeap) - 1
	}
	rep.WriteText(os.Stdout)
	fmt.Printf("RSS after warm-up (%s) %.1f MiB, peak later %.1f MiB (%+.1f%%); Go heap in use %.1f MiB, peak later %.1f MiB (%+.1f%%)\n",
		*warm, mib(res.BaselineRSS), mib(res.PeakRSS), 100*res.Growth, mib(res.BaselineHeap), mib(res.PeakHeap), 100*res.HeapGrowth)
	if err := writeJSON(*jsonOut, res); err != nil {
		return err
	}
	return renderSoak(res, *doc, *img)
}

func renderSoak(r *soakResult, doc, imgDir string) error {
	var b strings.Builder
	kind := "a full 30-minute soak"
	if r.Short {
		kind = fmt.Sprintf("a **shortened** soak of %.0f minutes (the issue asks for 30; `bench/soak.sh` runs the full one)", r.Duration/60)
	}
	fmt.Fprintf(&b, "Measured %s by `bench/soak.sh`: %s on %s, fast password hashing, the mixed workload (%s) in an open loop at "+
		"%.0f requests/s", r.Started.Format("2006-01-02 15:04 UTC"), kind, r.Store, r.Report.Mix, r.Rate)
	if r.Capacity > 0 {
		fmt.Fprintf(&b, " = 70%% of the %.0f/s measured just before", r.Capacity)
	}
	b.WriteString(". Raw data: `bench/results/soak.json`.\n\n")
	t := r.Report.Total
	rows := [][]string{
		{"requests", fmt.Sprintf("%d ok, %d errors", t.OK, t.Errors), yesNo(t.Errors == 0)},
		{"latency p50 / p95 / p99", fmt.Sprintf("%.1f / %.1f / %.1f ms", t.P50, t.P95, t.P99), "—"},
		{fmt.Sprintf("RSS after warm-up (%s) → peak later", time.Duration(r.Warmup*float64(time.Second)).Round(time.Second)), fmt.Sprintf("%.1f MiB → %.1f MiB (%+.1f%%)", mib(r.BaselineRSS), mib(r.PeakRSS), 100*r.Growth),
			yesNo(r.Growth <= 0.10)},
	}
	if r.BaselineHeap > 0 {
		rows = append(rows, []string{"Go heap in use after warm-up → peak later (a leak would show here)",
			fmt.Sprintf("%.1f MiB → %.1f MiB (%+.1f%%)", mib(r.BaselineHeap), mib(r.PeakHeap), 100*r.HeapGrowth), "—"})
	}
	b.WriteString(mdTable([]string{"check", "measured", "within target (0 errors; memory +10% at most)"}, "lll", rows))
	fmt.Fprintf(&b, "\n![RSS over time](%s)\n", relImg(doc, filepath.Join(imgDir, "soak-rss.png")))
	var xs, rss, heap []float64
	for _, smp := range r.Samples {
		xs, rss, heap = append(xs, smp.T/60), append(rss, mib(smp.RSS)), append(heap, mib(smp.GoHeap))
	}
	l := chart.Lines{Title: "cirro memory during the soak (MiB)", XLabel: "minutes", YLabel: "MiB", Series: []string{"RSS", "Go heap in use"},
		X: [][]float64{xs, xs}, Y: [][]float64{rss, heap}, YFromZero: true}
	if err := mkdir(imgDir); err != nil {
		return err
	}
	if err := l.Save(filepath.Join(imgDir, "soak-rss.png")); err != nil {
		return err
	}
	return replaceSection(doc, "soak", "## Soak", b.String())
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// goMemory reads the Go runtime's figures from cirro's /metrics (zeros if
// it cannot).
func goMemory(endpoint string) (heapInuse, sys, goroutines int64) {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(endpoint + "/metrics")
	if err != nil {
		return 0, 0, 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			heapInuse = int64(v)
		case "go_memstats_sys_bytes":
			sys = int64(v)
		case "go_goroutines":
			goroutines = int64(v)
		}
	}
	return heapInuse, sys, goroutines
}
