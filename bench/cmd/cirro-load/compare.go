package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/bench/internal/proc"
)

// envFlags are the flags that say where the programs under test are.
type envFlags struct {
	cirro, cognito, moto, pg, cpus, work string
}

func (f *envFlags) flags(fs *flag.FlagSet) {
	fs.StringVar(&f.cirro, "cirro", "bench/.out/cirro", "cirro binary")
	fs.StringVar(&f.cognito, "cognito-local", "bench/node_modules/cognito-local/lib/bin/start.js", "cognito-local's start script")
	fs.StringVar(&f.moto, "moto", "moto_server", "moto_server program")
	fs.StringVar(&f.pg, "postgres", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL (on loopback) to create scratch databases in")
	fs.StringVar(&f.cpus, "server-cpus", "1", "CPUs the servers are pinned to (taskset list; empty: no pinning)")
	fs.StringVar(&f.work, "work", "", "scratch directory (default: a new temporary one)")
}

func (f *envFlags) env() (*env, func(), error) {
	work := f.work
	var err error
	if work == "" {
		if work, err = os.MkdirTemp("", "cirro-bench-"); err != nil {
			return nil, nil, err
		}
	}
	logs := filepath.Join(work, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return nil, nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	abs := func(p string) string {
		if strings.Contains(p, "/") {
			if a, err := filepath.Abs(p); err == nil {
				return a
			}
		}
		return p
	}
	e := &env{cirro: abs(f.cirro), cognito: abs(f.cognito), moto: f.moto, pgBase: f.pg, cpus: f.cpus,
		work: work, logs: logs, masterKey: base64.StdEncoding.EncodeToString(key)}
	if err := checkLoopbackDSN(e.pgBase); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "scratch directory and server logs: %s\n", work)
	return e, func() {
		if f.work == "" {
			os.RemoveAll(filepath.Join(work, "data"))
		}
	}, nil
}

// cores counts the CPUs of a taskset list such as "1" or "0-1,3".
func cores(list string) int {
	if list == "" {
		return runtime.NumCPU()
	}
	n := 0
	for part := range strings.SplitSeq(list, ",") {
		var a, b int
		if k, _ := fmt.Sscanf(part, "%d-%d", &a, &b); k == 2 {
			n += b - a + 1
		} else {
			n++
		}
	}
	return n
}

// mixedWorkload is the "application" mix: mostly token refreshes and
// profile reads, some sign-ins, a few writes.
const mixedWorkload = "refresh=30,getuser=25,admingetuser=10,password=10,srp=5,listusers=5,update=5,create=5,adminpassword=5"

// compareResult is everything one compare run measured; it is written as
// JSON and rendered into docs/performance.md.
type compareResult struct {
	Started     time.Time      `json:"started"`
	CPU         string         `json:"cpu"`
	ServerCPUs  string         `json:"server_cpus"`
	ServerCores int            `json:"server_cores"`
	Rounds      int            `json:"rounds"`
	Duration    float64        `json:"duration_s"`
	Concurrency int            `json:"concurrency"`
	Users       int            `json:"users"`
	Seed        uint64         `json:"seed"`
	Mix         string         `json:"mix"`
	Targets     []target       `json:"targets"`
	Ops         []string       `json:"ops"`
	RS256       []*rs256Result `json:"rs256"`
	// Bounds are RS256 bounds measured just before each measurement of a
	// boundCells operation, per target and operation, one per round: the
	// bound table divides each round's figure by its own, so that a round
	// run while the machine was slower is not compared with a bound taken
	// while it was faster (or the reverse).
	Bounds  map[string]map[string][]*rs256Result `json:"bounds,omitempty"`
	Runs    map[string]map[string][]*load.Report `json:"runs"`
	Facts   map[string]map[string]string         `json:"facts"`
	Start   map[string][]float64                 `json:"start_seconds"`
	IdleRSS map[string][]int64                   `json:"idle_rss_bytes"`
	Command string                               `json:"command"`
}

func cmdCompare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	rounds := fs.Int("rounds", 2, "rounds; each round runs every target once, in order (A B … A B …)")
	targets := fs.String("targets", "cirro-sqlite-fast,cirro-pg-fast,cirro-sqlite,cirro-pg,cognito-local,moto", "targets, comma-separated")
	ops := fs.String("ops", "all", "operations measured one at a time (ids, comma-separated, or all)")
	mix := fs.String("mix", mixedWorkload, "the mixed workload measured after them (empty: none)")
	concurrency := fs.Int("concurrency", 16, "workers")
	duration := fs.Duration("duration", 5*time.Second, "measured time per operation and target")
	warmup := fs.Duration("warmup", time.Second, "warm-up before each measurement")
	users := fs.Int("users", 100, "users each target's fixture has")
	seed := fs.Uint64("seed", 1, "seed (the same for every target and round)")
	jsonOut := fs.String("json", "bench/results/compare.json", "raw results")
	doc := fs.String("doc", "docs/performance.md", "document whose generated section is replaced")
	img := fs.String("img", "docs/img", "directory for the charts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 || *rounds > 20 {
		return fmt.Errorf("rounds must be 1..20")
	}
	e, done, err := ef.env()
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mixOps, err := load.ParseMix(*ops)
	if err != nil {
		return err
	}
	var ts []target
	for name := range strings.SplitSeq(*targets, ",") {
		t, ok := targetByName(strings.TrimSpace(name))
		if !ok {
			return fmt.Errorf("unknown target %q", name)
		}
		ts = append(ts, t)
	}
	res := &compareResult{
		Started: time.Now().UTC(), CPU: cpuModel(), ServerCPUs: e.cpus, ServerCores: cores(e.cpus), Rounds: *rounds,
		Duration: duration.Seconds(), Concurrency: *concurrency, Users: *users, Seed: *seed, Mix: *mix, Targets: ts,
		Runs: map[string]map[string][]*load.Report{}, Facts: map[string]map[string]string{},
		Start: map[string][]float64{}, IdleRSS: map[string][]int64{}, Command: "bench/compare.sh",
		Bounds: map[string]map[string][]*rs256Result{},
	}
	for _, m := range mixOps {
		res.Ops = append(res.Ops, m.Op.ID)
	}
	for round := 1; round <= *rounds; round++ {
		bound, err := e.rs256(ctx)
		if err != nil {
			return fmt.Errorf("rs256 bound: %w", err)
		}
		res.RS256 = append(res.RS256, bound)
		fmt.Printf("== round %d: RS256 bound on CPUs %q: %.0f signatures/s\n", round, e.cpus, bound.SignaturesPerSecond)
		for _, t := range ts {
			if err := compareOne(ctx, e, t, res, mixOps, *mix, *concurrency, *duration, *warmup, *users, *seed, round); err != nil {
				return fmt.Errorf("%s: %w", t.Name, err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(*jsonOut), 0o755); err != nil {
		return err
	}
	if err := writeJSON(*jsonOut, res); err != nil {
		return err
	}
	return renderCompare(res, *doc, *img)
}

// compareOne starts t, builds its fixture and measures each operation
// alone, then the mix.
func compareOne(ctx context.Context, e *env, t target, res *compareResult, ops load.Mix, mix string, conc int, d, warm time.Duration, users int, seed uint64, round int) error {
	s, err := e.start(ctx, t, startOptions{suffix: fmt.Sprintf("-round%d", round)})
	if err != nil {
		return err
	}
	defer s.cleanup()
	defer s.stop(false)
	res.Start[t.Name] = append(res.Start[t.Name], s.StartSeconds)
	time.Sleep(500 * time.Millisecond)
	res.IdleRSS[t.Name] = append(res.IdleRSS[t.Name], proc.TreeRSS(s.pid()))
	cs, err := clients([]string{s.Endpoint}, "us-east-1", conc)
	if err != nil {
		return err
	}
	setupCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	began := time.Now()
	fx, err := load.Setup(setupCtx, cs[0], load.SetupOptions{PoolName: fmt.Sprintf("bench-%s-%d", t.Name, round), Users: users})
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	load.ProbeSRP(setupCtx, cs[0], fx)
	fmt.Printf("-- %s (round %d): started in %.2f s, setup %.1f s\n", t.Name, round, s.StartSeconds, time.Since(began).Seconds())
	if res.Facts[t.Name] == nil {
		res.Facts[t.Name] = map[string]string{}
	}
	for k, v := range fx.Facts {
		res.Facts[t.Name][k] = v
	}
	if t.Kind == "cognito-local" {
		res.Facts[t.Name]["password at rest"] = plaintextCheck(s.dir)
	}
	if res.Runs[t.Name] == nil {
		res.Runs[t.Name] = map[string][]*load.Report{}
	}
	type run struct {
		id  string
		mix load.Mix
	}
	var runs []run
	for _, m := range ops {
		runs = append(runs, run{m.Op.ID, load.Mix{{Op: m.Op, Weight: 1}}})
	}
	if mix != "" {
		m, err := load.ParseMix(mix)
		if err != nil {
			return err
		}
		runs = append(runs, run{"mix", m})
	}
	for _, r := range runs {
		if isBoundCell(t.Name, r.id) {
			// The server idles meanwhile; the signer gets its core.
			b, err := e.rs256(ctx)
			if err != nil {
				return fmt.Errorf("rs256 bound: %w", err)
			}
			if res.Bounds[t.Name] == nil {
				res.Bounds[t.Name] = map[string][]*rs256Result{}
			}
			res.Bounds[t.Name][r.id] = append(res.Bounds[t.Name][r.id], b)
		}
		cfg := load.Config{Clients: cs, Mix: r.mix, Concurrency: conc, Duration: d, Warmup: warm, Seed: seed,
			NamePrefix: fmt.Sprintf("%s-r%d-", r.id, round)}
		rep, err := measure(ctx, cfg, fx, s.pid())
		if err != nil {
			return err
		}
		rep.Target = t.Name
		res.Runs[t.Name][r.id] = append(res.Runs[t.Name][r.id], rep)
		st := rep.Total
		fmt.Printf("   %-14s %9.1f ops/s  p50 %7.2f  p99 %7.2f ms  errors %d  server %.0f ops/CPU-s\n",
			r.id, st.Throughput, st.P50, st.P99, st.Errors, rep.Server.OpsPerCPUSecond)
	}
	return nil
}

// plaintextCheck looks for the benchmark password in cognito-local's data
// files: it keeps passwords as they were given.
func plaintextCheck(dir string) string {
	found := ""
	filepath.WalkDir(filepath.Join(dir, ".cognito"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), load.Password) {
			found = p
		}
		return nil
	})
	if found == "" {
		return "password not found in clear in .cognito/"
	}
	return "stored in plaintext (found verbatim in .cognito/db/" + filepath.Base(found) + ")"
}

// rs256 measures the signing bound in a child process pinned to the
// servers' CPUs, so that the bound and the servers run on the same cores.
func (e *env) rs256(ctx context.Context) (*rs256Result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	out := filepath.Join(e.work, "rs256.json")
	argv := []string{self, "rs256", "--duration", "3s", "--json", out}
	if e.cpus != "" {
		argv = append([]string{"taskset", "-c", e.cpus}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var r rs256Result
	return &r, json.Unmarshal(b, &r)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}

// bestReport is the round with the highest throughput. Other work on a
// shared machine only ever slows a round down, so the best round is the
// one least disturbed; every target is judged by its best round alike.
func bestReport(reps []*load.Report) *load.Report {
	if len(reps) == 0 {
		return nil
	}
	s := append([]*load.Report(nil), reps...)
	sort.Slice(s, func(i, j int) bool { return s[i].Total.Throughput > s[j].Total.Throughput })
	return s[0]
}
