package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cirrohq/cirro/bench/internal/chart"
	"github.com/cirrohq/cirro/bench/internal/load"
)

// pgBucket is a quarter second of the run.
type pgBucket struct {
	OK     int            `json:"ok"`
	Errors map[string]int `json:"errors,omitempty"`
}

type pgRestartResult struct {
	Started       time.Time      `json:"started"`
	Cluster       string         `json:"cluster"`
	StopAt        float64        `json:"stop_at_s"`
	StoppedAt     float64        `json:"stopped_at_s"`
	StartingAt    float64        `json:"starting_at_s"`
	StartedAt     float64        `json:"started_at_s"`
	Buckets       []pgBucket     `json:"buckets_250ms"`
	DownErrors    map[string]int `json:"errors_while_down"`
	DownOK        int            `json:"ok_while_down"`
	MaxLatency    float64        `json:"max_latency_ms"`
	MaxErrLatency float64        `json:"max_failed_latency_ms"`
	FirstOKAfter  float64        `json:"first_ok_after_start_s"`
	ErrorsLate    int            `json:"errors_2s_after_start"`
	Acked         int            `json:"acknowledged_creations"`
	Missing       int            `json:"missing"`
	Report        *load.Report   `json:"report"`
}

func cmdPGRestart(args []string) error {
	fs := flag.NewFlagSet("pgrestart", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	cluster := fs.String("cluster", "15 cirrobench", "pg_ctlcluster version and name of the server behind --postgres (stopped and started!)")
	before := fs.Duration("before", 5*time.Second, "load before PostgreSQL stops")
	down := fs.Duration("down", 5*time.Second, "how long PostgreSQL stays down")
	after := fs.Duration("after", 10*time.Second, "load after it is back")
	concurrency := fs.Int("concurrency", 8, "workers")
	mix := fs.String("mix", "admingetuser=2,getuser=1,create=1,password=1", "workload")
	jsonOut := fs.String("json", "bench/results/pgrestart.json", "raw results")
	doc := fs.String("doc", "docs/performance.md", "document whose generated section is replaced")
	img := fs.String("img", "docs/img", "directory for the chart")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *before+*down+*after > 5*time.Minute {
		return fmt.Errorf("before + down + after must stay under 5 minutes")
	}
	version, name, ok := strings.Cut(*cluster, " ")
	if !ok {
		return fmt.Errorf("--cluster %q: want \"VERSION NAME\"", *cluster)
	}
	pgctl := func(action string) error {
		args := []string{"--skip-systemctl-redirect", version, name, action}
		if action == "stop" {
			args = append(args, "-m", "fast")
		}
		out, err := exec.Command("pg_ctlcluster", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_ctlcluster %s: %v: %s", action, err, out)
		}
		return nil
	}
	e, done, err := ef.env()
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dsn, drop, err := createDatabase(ctx, e.pgBase)
	if err != nil {
		return err
	}
	defer drop()
	s, err := e.start(ctx, target{Name: "cirro-pg-fast", Kind: "cirro", Store: "postgres", Fast: true}, startOptions{db: dsn, suffix: "-pgrestart"})
	if err != nil {
		return err
	}
	defer s.stop(false)
	cs, err := clients([]string{s.Endpoint}, "us-east-1", *concurrency)
	if err != nil {
		return err
	}
	fx, err := load.Setup(ctx, cs[0], load.SetupOptions{PoolName: "pgrestart", Users: 20})
	if err != nil {
		return err
	}
	m, err := load.ParseMix(*mix)
	if err != nil {
		return err
	}
	res := &pgRestartResult{Started: time.Now().UTC(), Cluster: *cluster, DownErrors: map[string]int{}}
	total := *before + *down + *after
	var mu sync.Mutex
	var t0, stopped, starting, restarted time.Time
	acked := map[string]bool{}
	res.Buckets = make([]pgBucket, int(total/(250*time.Millisecond))+80)
	type outcome struct {
		start time.Time
		lat   time.Duration
		code  string
	}
	var outcomes []outcome
	var pgErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(*before)
		mu.Lock()
		res.StopAt = time.Since(t0).Seconds()
		mu.Unlock()
		if err := pgctl("stop"); err != nil {
			pgErr = err
			return
		}
		mu.Lock()
		stopped = time.Now()
		mu.Unlock()
		time.Sleep(*down)
		mu.Lock()
		starting = time.Now()
		mu.Unlock()
		if err := pgctl("start"); err != nil {
			pgErr = err
			return
		}
		mu.Lock()
		restarted = time.Now()
		mu.Unlock()
	})
	t0 = time.Now()
	rep, err := load.Run(ctx, load.Config{Clients: cs, Mix: m, Concurrency: *concurrency, Duration: total + 3*time.Second, Seed: 1,
		NamePrefix: "pgr-", Acked: func(n string) { mu.Lock(); acked[n] = true; mu.Unlock() },
		OnResult: func(_ *load.Op, start time.Time, lat time.Duration, err error) {
			mu.Lock()
			defer mu.Unlock()
			outcomes = append(outcomes, outcome{start, lat, codeOf(err)})
		}}, fx)
	wg.Wait()
	if pgErr != nil {
		pgctl("start") // never leave the cluster down
		return pgErr
	}
	if err != nil {
		return err
	}
	res.Report = rep
	res.StoppedAt, res.StartingAt, res.StartedAt = stopped.Sub(t0).Seconds(), starting.Sub(t0).Seconds(), restarted.Sub(t0).Seconds()
	res.FirstOKAfter = -1
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].start.Before(outcomes[j].start) })
	for _, o := range outcomes {
		ms := float64(o.lat) / float64(time.Millisecond)
		res.MaxLatency = max(res.MaxLatency, ms)
		b := int(o.start.Sub(t0) / (250 * time.Millisecond))
		if b >= 0 && b < len(res.Buckets) {
			if o.code == "ok" {
				res.Buckets[b].OK++
			} else {
				if res.Buckets[b].Errors == nil {
					res.Buckets[b].Errors = map[string]int{}
				}
				res.Buckets[b].Errors[o.code]++
			}
		}
		if o.code != "ok" {
			res.MaxErrLatency = max(res.MaxErrLatency, ms)
		}
		end := o.start.Add(o.lat)
		switch {
		case o.start.After(stopped) && end.Before(starting):
			if o.code == "ok" {
				res.DownOK++
			} else {
				res.DownErrors[o.code]++
			}
		case o.start.After(starting):
			if o.code == "ok" && res.FirstOKAfter < 0 {
				res.FirstOKAfter = o.start.Sub(starting).Seconds()
			}
			if o.code != "ok" && o.start.After(starting.Add(2*time.Second)) {
				res.ErrorsLate++
			}
		}
	}
	for len(res.Buckets) > 0 && res.Buckets[len(res.Buckets)-1].OK == 0 && len(res.Buckets[len(res.Buckets)-1].Errors) == 0 {
		res.Buckets = res.Buckets[:len(res.Buckets)-1]
	}
	names, _, err := listNames(ctx, cs[0], fx.PoolID, "pgr-")
	if err != nil {
		return fmt.Errorf("list after the restart: %w", err)
	}
	res.Acked = len(acked)
	for n := range acked {
		if !names[n] {
			res.Missing++
		}
	}
	fmt.Printf("PostgreSQL stopped at %.1f s, started again at %.1f s (command done at %.1f s); while down: %d ok, errors %v; max latency %.0f ms (failed %.0f ms); first success %.2f s after start; %d errors later than 2 s after; %d acknowledged creations, %d missing\n",
		res.StoppedAt, res.StartingAt, res.StartedAt, res.DownOK, res.DownErrors, res.MaxLatency, res.MaxErrLatency, res.FirstOKAfter, res.ErrorsLate, res.Acked, res.Missing)
	if err := writeJSON(*jsonOut, res); err != nil {
		return err
	}
	return renderPGRestart(res, *doc, *img)
}

func renderPGRestart(r *pgRestartResult, doc, imgDir string) error {
	var b strings.Builder
	onlyInternal := len(r.DownErrors) > 0
	for code := range r.DownErrors {
		if code != "InternalErrorException" {
			onlyInternal = false
		}
	}
	fmt.Fprintf(&b, "Measured %s by `bench/pgrestart.sh`: cirro on PostgreSQL (cluster `%s`, a dedicated one by default so "+
		"that other users of the main server are not cut off) under load (%s); PostgreSQL is stopped (`pg_ctlcluster "+
		"--skip-systemctl-redirect … stop -m fast`, down from %.1f s) and started again at %.1f s (the start command returned at %.1f s). "+
		"Raw data: `bench/results/pgrestart.json`.\n\n",
		r.Started.Format("2006-01-02 15:04 UTC"), r.Cluster, r.Report.Mix, r.StoppedAt, r.StartingAt, r.StartedAt)
	var codes []string
	for c, n := range r.DownErrors {
		codes = append(codes, fmt.Sprintf("%d× %s", n, c))
	}
	sort.Strings(codes)
	rows := [][]string{
		{"requests while PostgreSQL was down", fmt.Sprintf("%d failed (%s), %d succeeded", sum(r.DownErrors), strings.Join(codes, ", "), r.DownOK),
			yesNo(onlyInternal)},
		{"slowest request (any / failed)", fmt.Sprintf("%.0f ms / %.0f ms (client timeout %s)", r.MaxLatency, r.MaxErrLatency, load.RequestTimeout),
			yesNo(r.MaxLatency < float64(load.RequestTimeout/time.Millisecond))},
		{"first success after the start command began", fmt.Sprintf("%.2f s", r.FirstOKAfter), yesNo(r.FirstOKAfter >= 0 && r.FirstOKAfter < 5)},
		{"errors later than 2 s after the start began", fmt.Sprint(r.ErrorsLate), yesNo(r.ErrorsLate == 0)},
		{"acknowledged AdminCreateUser afterwards", fmt.Sprintf("%d acknowledged, %d missing", r.Acked, r.Missing), yesNo(r.Missing == 0)},
	}
	b.WriteString(mdTable([]string{"check", "measured", "passed"}, "lll", rows))
	fmt.Fprintf(&b, "\n![Requests per 250 ms around the restart](%s)\n", relImg(doc, filepath.Join(imgDir, "pgrestart.png")))
	l := chart.Lines{Title: "Requests per 250 ms around the PostgreSQL restart", XLabel: "seconds", YLabel: "requests",
		Series: []string{"ok", "failed", "PostgreSQL down"}, YFromZero: true}
	var xs, ok, bad []float64
	peak := 0.0
	for i, bk := range r.Buckets {
		xs = append(xs, float64(i)*0.25)
		ok = append(ok, float64(bk.OK))
		bad = append(bad, float64(sum(bk.Errors)))
		peak = max(peak, float64(bk.OK), float64(sum(bk.Errors)))
	}
	l.X = [][]float64{xs, xs, {r.StoppedAt, r.StoppedAt, r.StartedAt, r.StartedAt}}
	l.X[2] = []float64{r.StoppedAt, r.StoppedAt, r.StartingAt, r.StartingAt}
	l.Y = [][]float64{ok, bad, {0, peak, peak, 0}}
	if err := mkdir(imgDir); err != nil {
		return err
	}
	if err := l.Save(filepath.Join(imgDir, "pgrestart.png")); err != nil {
		return err
	}
	return replaceSection(doc, "pgrestart", "## PostgreSQL restarted under load", b.String())
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
