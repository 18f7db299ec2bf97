package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cirrohq/cirro/bench/internal/chart"
	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/bench/internal/proc"
)

// scalePoint is one pool size on one store.
type scalePoint struct {
	Store        string                  `json:"store"`
	Users        int                     `json:"users"`
	LoadSeconds  float64                 `json:"load_seconds"`
	LoadPerSec   float64                 `json:"load_users_per_second"`
	DiskBytes    int64                   `json:"disk_bytes"`
	BytesPerUser float64                 `json:"bytes_per_user"`
	StartSeconds float64                 `json:"start_seconds"`
	IdleRSS      int64                   `json:"idle_rss_bytes"`
	LoadedRSS    int64                   `json:"rss_after_load_bytes"`
	Ops          map[string]*load.Report `json:"ops"`
}

type scaleResult struct {
	Started     time.Time     `json:"started"`
	CPU         string        `json:"cpu"`
	ServerCPUs  string        `json:"server_cpus"`
	Duration    float64       `json:"duration_s"`
	Concurrency int           `json:"concurrency"`
	Ops         []string      `json:"ops"`
	Points      []*scalePoint `json:"points"`
	Note        string        `json:"note,omitempty"`
}

// scaleOps are the per-request costs followed across pool sizes.
const scaleOps = "password,getuser,admingetuser,listusers,liststatus"

func cmdScale(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	sizes := fs.String("sizes", "10000,100000,1000000", "pool sizes")
	stores := fs.String("stores", "sqlite,postgres", "stores")
	ops := fs.String("ops", scaleOps, "operations measured at each size")
	concurrency := fs.Int("concurrency", 8, "workers")
	duration := fs.Duration("duration", 5*time.Second, "measured time per operation")
	jsonOut := fs.String("json", "bench/results/scale.json", "raw results")
	doc := fs.String("doc", "docs/performance.md", "document whose generated section is replaced")
	img := fs.String("img", "docs/img", "directory for the charts")
	note := fs.String("note", "", "a remark printed with the results (what was left out, and why)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, done, err := ef.env()
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mix, err := load.ParseMix(*ops)
	if err != nil {
		return err
	}
	res := &scaleResult{Started: time.Now().UTC(), CPU: cpuModel(), ServerCPUs: e.cpus, Duration: duration.Seconds(), Concurrency: *concurrency, Note: *note}
	for _, m := range mix {
		res.Ops = append(res.Ops, m.Op.ID)
	}
	for st := range strings.SplitSeq(*stores, ",") {
		for sz := range strings.SplitSeq(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(sz))
			if err != nil {
				return fmt.Errorf("size %q: %w", sz, err)
			}
			pt, err := scaleOne(ctx, e, strings.TrimSpace(st), n, mix, *concurrency, *duration)
			if err != nil {
				return fmt.Errorf("%s %d: %w", st, n, err)
			}
			res.Points = append(res.Points, pt)
			// Written after every point: a long run that is stopped keeps
			// what it measured.
			if err := writeJSON(*jsonOut, res); err != nil {
				return err
			}
		}
	}
	return renderScale(res, *doc, *img)
}

func scaleOne(ctx context.Context, e *env, st string, n int, mix load.Mix, conc int, d time.Duration) (*scalePoint, error) {
	pt := &scalePoint{Store: st, Users: n, Ops: map[string]*load.Report{}}
	var spec string
	var drop func()
	dir, err := os.MkdirTemp(e.work, fmt.Sprintf("scale-%s-%d-", st, n))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	switch st {
	case "sqlite":
		spec = "sqlite:" + filepath.Join(dir, "cirro.db")
	case "postgres":
		if spec, drop, err = createDatabase(ctx, e.pgBase); err != nil {
			return nil, err
		}
		defer drop()
	default:
		return nil, fmt.Errorf("unknown store %q", st)
	}
	key, _ := base64.StdEncoding.DecodeString(e.masterKey)
	fmt.Printf("== %s, %d users: loading\n", st, n)
	g, err := generate(ctx, spec, key, n, false)
	if err != nil {
		return nil, err
	}
	pt.LoadSeconds, pt.LoadPerSec = g.Seconds, g.PerSec
	if pt.DiskBytes, err = diskBytes(ctx, st, spec, dir); err != nil {
		return nil, err
	}
	pt.BytesPerUser = float64(pt.DiskBytes) / float64(n)
	s, err := e.start(ctx, target{Name: "cirro-" + st, Kind: "cirro", Store: st, Fast: true}, startOptions{db: spec, suffix: fmt.Sprintf("-scale-%d", n)})
	if err != nil {
		return nil, err
	}
	defer s.stop(false)
	pt.StartSeconds = s.StartSeconds
	time.Sleep(time.Second)
	pt.IdleRSS = proc.TreeRSS(s.pid())
	fmt.Printf("   loaded in %.0f s (%.0f users/s), %.0f bytes/user, started in %.2f s, idle RSS %.1f MiB\n",
		pt.LoadSeconds, pt.LoadPerSec, pt.BytesPerUser, pt.StartSeconds, float64(pt.IdleRSS)/(1<<20))
	cs, err := clients([]string{s.Endpoint}, "us-east-1", conc)
	if err != nil {
		return nil, err
	}
	fx, err := load.AttachFixture(ctx, cs[0], load.Attach{PoolID: g.PoolID, ClientID: g.ClientID, Population: n, Sample: 200}, 8)
	if err != nil {
		return nil, err
	}
	for _, m := range mix {
		cfg := load.Config{Clients: cs, Mix: load.Mix{{Op: m.Op, Weight: 1}}, Concurrency: conc, Duration: d, Warmup: time.Second, Seed: 1}
		rep, err := measure(ctx, cfg, fx, s.pid())
		if err != nil {
			return nil, err
		}
		pt.Ops[m.Op.ID] = rep
		t := rep.Total
		fmt.Printf("   %-13s %8.1f ops/s  p50 %6.2f  p99 %7.2f ms  errors %d  %.0f ops/CPU-s\n", m.Op.ID, t.Throughput, t.P50, t.P99, t.Errors, rep.Server.OpsPerCPUSecond)
	}
	pt.LoadedRSS = proc.TreeRSS(s.pid())
	return pt, nil
}

// diskBytes is what the store takes on disk: the SQLite files, or the
// PostgreSQL database's size.
func diskBytes(ctx context.Context, st, spec, dir string) (int64, error) {
	if st == "sqlite" {
		var sum int64
		entries, err := os.ReadDir(dir)
		if err != nil {
			return 0, err
		}
		for _, en := range entries {
			if strings.HasPrefix(en.Name(), "cirro.db") {
				if info, err := en.Info(); err == nil {
					sum += info.Size()
				}
			}
		}
		return sum, nil
	}
	conn, err := pgx.Connect(ctx, spec)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var size int64
	err = conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&size)
	return size, err
}

func renderScale(r *scaleResult, doc, imgDir string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s by `bench/scale.sh` on %s; cirro pinned to CPU %s, fast password hashing (the "+
		"generator stores test-parameter hashes), %d workers, %.0f s per operation. Users are bulk-loaded by "+
		"`cirro-load gen` straight through the store API, 1,000 per transaction; the sign-in population is 200 users "+
		"spread evenly over the pool. Raw data: `bench/results/scale.json`.\n\n",
		r.Started.Format("2006-01-02 15:04 UTC"), r.CPU, r.ServerCPUs, r.Concurrency, r.Duration)
	if r.Note != "" {
		b.WriteString(r.Note + "\n\n")
	}
	rows := [][]string{}
	for _, p := range r.Points {
		rows = append(rows, []string{p.Store, fmt.Sprintf("%d", p.Users), fmt.Sprintf("%.0f s (%.0f/s)", p.LoadSeconds, p.LoadPerSec),
			fmt.Sprintf("%.0f", p.BytesPerUser), fmt.Sprintf("%.2f s", p.StartSeconds),
			fmt.Sprintf("%.0f MiB", float64(p.IdleRSS)/(1<<20)), fmt.Sprintf("%.0f MiB", float64(p.LoadedRSS)/(1<<20))})
	}
	b.WriteString(mdTable([]string{"store", "users", "bulk load", "disk bytes per user", "start-up", "idle RSS", "RSS after the runs"}, "lrrrrrr", rows))
	b.WriteString("\nPer request, p50 / p99 latency in ms (and server CPU per request in µs), at each size:\n\n")
	header := []string{"store", "users"}
	for _, id := range r.Ops {
		header = append(header, shortTitle(id))
	}
	rows = nil
	for _, p := range r.Points {
		row := []string{p.Store, fmt.Sprintf("%d", p.Users)}
		for _, id := range r.Ops {
			rep := p.Ops[id]
			if rep == nil || rep.Total.OK == 0 {
				row = append(row, "—")
				continue
			}
			cell := fmt.Sprintf("%.2f / %.2f", rep.Total.P50, rep.Total.P99)
			if rep.Server != nil && rep.Server.OpsPerCPUSecond > 0 {
				cell += fmt.Sprintf(" (%.0f µs)", 1e6/rep.Server.OpsPerCPUSecond)
			}
			if rep.Total.Errors > 0 {
				cell += fmt.Sprintf(" %d err", rep.Total.Errors)
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	b.WriteString(mdTable(header, "lr"+strings.Repeat("r", len(r.Ops)), rows))
	b.WriteString("\nGrowth from the smallest to the largest pool (largest ÷ smallest; target ≤ 1.5×), p50 latency and server CPU per request:\n\n")
	rows = nil
	for _, st := range []string{"sqlite", "postgres"} {
		var first, last *scalePoint
		for _, p := range r.Points {
			if p.Store != st {
				continue
			}
			if first == nil || p.Users < first.Users {
				first = p
			}
			if last == nil || p.Users > last.Users {
				last = p
			}
		}
		if first == nil || first == last {
			continue
		}
		row := []string{st, fmt.Sprintf("%d → %d", first.Users, last.Users)}
		for _, id := range r.Ops {
			a, z := first.Ops[id], last.Ops[id]
			if a == nil || z == nil || a.Total.OK == 0 || z.Total.OK == 0 {
				row = append(row, "—")
				continue
			}
			lat := z.Total.P50 / a.Total.P50
			cpu := math.NaN()
			if a.Server != nil && z.Server != nil && z.Server.OpsPerCPUSecond > 0 {
				cpu = a.Server.OpsPerCPUSecond / z.Server.OpsPerCPUSecond
			}
			mark := "✅"
			if lat > 1.5 && !(cpu <= 1.5) {
				mark = "❌"
			}
			row = append(row, fmt.Sprintf("%s p50 %.2f×, CPU %s", mark, lat, fmtRatio(cpu)))
		}
		rows = append(rows, row)
	}
	b.WriteString(mdTable(header, "ll"+strings.Repeat("r", len(r.Ops)), rows))
	b.WriteString("\n(✅ when either measure stays within 1.5×: p50 latency on a shared machine is noisier than CPU per request.)\n")
	fmt.Fprintf(&b, "\n![p50 latency against pool size](%s)\n", relImg(doc, filepath.Join(imgDir, "scale-latency.png")))
	if err := scaleChart(r, filepath.Join(imgDir, "scale-latency.png")); err != nil {
		return err
	}
	return replaceSection(doc, "scale", "## Scale: 10k to 1M users", b.String())
}

func scaleChart(r *scaleResult, path string) error {
	l := chart.Lines{Title: "p50 latency (ms) against users in the pool", XLabel: "users (log scale)", YLabel: "ms (log)", LogX: true, LogY: true}
	for _, st := range []string{"sqlite", "postgres"} {
		for _, id := range r.Ops {
			var xs, ys []float64
			for _, p := range r.Points {
				if p.Store == st && p.Ops[id] != nil && p.Ops[id].Total.P50 > 0 {
					xs, ys = append(xs, float64(p.Users)), append(ys, p.Ops[id].Total.P50)
				}
			}
			if len(xs) > 0 {
				l.Series = append(l.Series, st+" "+shortTitle(id))
				l.X, l.Y = append(l.X, xs), append(l.Y, ys)
			}
		}
	}
	if err := mkdir(filepath.Dir(path)); err != nil {
		return err
	}
	return l.Save(path)
}
