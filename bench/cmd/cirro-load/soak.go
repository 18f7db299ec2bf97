package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cirrohq/cirro/bench/internal/chart"
	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/bench/internal/proc"
)

type soakSample struct {
	T      float64 `json:"t_s"`
	RSS    int64   `json:"rss_bytes"`
	OK     int     `json:"ok"`
	Errors int     `json:"errors"`
}

type soakResult struct {
	Started     time.Time    `json:"started"`
	Store       string       `json:"store"`
	Duration    float64      `json:"duration_s"`
	Capacity    float64      `json:"capacity_ops"`
	Rate        float64      `json:"rate"`
	Samples     []soakSample `json:"samples"`
	BaselineRSS int64        `json:"baseline_rss_bytes"`
	PeakRSS     int64        `json:"peak_rss_bytes"`
	Growth      float64      `json:"growth"`
	Report      *load.Report `json:"report"`
	Short       bool         `json:"short"`
}

func cmdSoak(args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	st := fs.String("store", "sqlite", "sqlite or postgres")
	duration := fs.Duration("duration", 30*time.Minute, "soak time (at most 2h)")
	warm := fs.Duration("warmup", 0, "time after which memory is the baseline (default a tenth of the duration, at least 30 s)")
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
		*warm = max(*duration/10, 30*time.Second)
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
	res := &soakResult{Started: time.Now().UTC(), Store: *st, Duration: duration.Seconds(), Short: *duration < 30*time.Minute}
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
	res.Samples = append(res.Samples, soakSample{T: 0, RSS: proc.TreeRSS(s.pid())})
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
			mu.Lock()
			smp := soakSample{T: time.Since(began).Seconds(), RSS: proc.TreeRSS(s.pid()), OK: okN, Errors: errN}
			okN, errN = 0, 0
			res.Samples = append(res.Samples, smp)
			mu.Unlock()
		}}, fx)
	if err != nil {
		return err
	}
	res.Report = rep
	for _, smp := range res.Samples {
		switch {
		case smp.T < warm.Seconds():
		case res.BaselineRSS == 0:
			res.BaselineRSS = smp.RSS
		}
		if smp.T >= warm.Seconds() {
			res.PeakRSS = max(res.PeakRSS, smp.RSS)
		}
	}
	if res.BaselineRSS > 0 {
		res.Growth = float64(res.PeakRSS)/float64(res.BaselineRSS) - 1
	}
	rep.WriteText(os.Stdout)
	fmt.Printf("RSS after warm-up %.1f MiB, peak later %.1f MiB (%+.1f%%)\n", float64(res.BaselineRSS)/(1<<20), float64(res.PeakRSS)/(1<<20), 100*res.Growth)
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
		{"RSS after warm-up → peak later", fmt.Sprintf("%.1f MiB → %.1f MiB (%+.1f%%)", float64(r.BaselineRSS)/(1<<20), float64(r.PeakRSS)/(1<<20), 100*r.Growth),
			yesNo(r.Growth <= 0.10)},
	}
	b.WriteString(mdTable([]string{"check", "measured", "within target (0 errors; memory +10% at most)"}, "lll", rows))
	fmt.Fprintf(&b, "\n![RSS over time](%s)\n", relImg(doc, filepath.Join(imgDir, "soak-rss.png")))
	var xs, ys []float64
	for _, smp := range r.Samples {
		xs, ys = append(xs, smp.T/60), append(ys, float64(smp.RSS)/(1<<20))
	}
	l := chart.Lines{Title: "cirro resident memory during the soak (MiB)", XLabel: "minutes", YLabel: "MiB", Series: []string{"RSS"},
		X: [][]float64{xs}, Y: [][]float64{ys}, YFromZero: true}
	if err := mkdir(imgDir); err != nil {
		return err
	}
	if err := l.Save(filepath.Join(imgDir, "soak-rss.png")); err != nil {
		return err
	}
	return replaceSection(doc, "soak", "## Soak", b.String())
}
