package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/bench/internal/proc"
)

// workload is the flags every load-generating command shares.
type workload struct {
	mix         string
	concurrency int
	rate        float64
	duration    time.Duration
	warmup      time.Duration
	maxOps      int64
	seed        uint64
	users       int
	region      string
}

func (w *workload) flags(fs *flag.FlagSet, mix string) {
	fs.StringVar(&w.mix, "mix", mix, "operations and weights: id=w,id=w or all (ids: create, password, adminpassword, srp, refresh, getuser, admingetuser, listusers, update)")
	fs.IntVar(&w.concurrency, "concurrency", 16, "workers (closed loop) or most requests in flight (open loop)")
	fs.Float64Var(&w.rate, "rate", 0, "arrivals per second (open loop); 0 runs closed loop")
	fs.DurationVar(&w.duration, "duration", 10*time.Second, "measured time")
	fs.DurationVar(&w.warmup, "warmup", time.Second, "unmeasured time before it")
	fs.Int64Var(&w.maxOps, "max-ops", 0, "stop after this many requests (0: no cap but the duration)")
	fs.Uint64Var(&w.seed, "seed", 1, "seed of the choice of operations and users")
	fs.IntVar(&w.users, "users", 100, "confirmed users the setup creates")
	fs.StringVar(&w.region, "region", "us-east-1", "region the SDK signs for")
}

func (w *workload) config(clients []*idp.Client) (load.Config, error) {
	mix, err := load.ParseMix(w.mix)
	if err != nil {
		return load.Config{}, err
	}
	return load.Config{
		Clients: clients, Mix: mix, Concurrency: w.concurrency, Rate: w.rate,
		Duration: w.duration, Warmup: w.warmup, MaxOps: w.maxOps, Seed: w.seed,
	}, nil
}

// clients makes one SDK client per endpoint, refusing non-loopback ones.
func clients(endpoints []string, region string, conns int) ([]*idp.Client, error) {
	creds := load.DevCredentials
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		creds = load.Credentials{ID: id, Secret: secret}
	}
	var out []*idp.Client
	for _, e := range endpoints {
		c, err := load.NewClient(strings.TrimRight(e, "/"), region, creds, conns)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no endpoint")
	}
	return out, nil
}

func cmdRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var w workload
	w.flags(fs, "all")
	endpoint := fs.String("endpoint", "http://127.0.0.1:9339", "endpoint URL(s), comma-separated; requests alternate between them")
	pool := fs.String("pool", "", "attach to this pool (made by cirro-load gen) instead of creating one")
	client := fs.String("client", "", "app client of the attached pool")
	population := fs.Int("population", 0, "users in the attached pool")
	sample := fs.Int("sample", 200, "users of the attached pool that sign in for tokens")
	pid := fs.Int("server-pid", 0, "pid of the server, to report its CPU time and memory")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cs, err := clients(strings.Split(*endpoint, ","), w.region, w.concurrency)
	if err != nil {
		return err
	}
	cfg, err := w.config(cs)
	if err != nil {
		return err
	}
	setupCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	var fx *load.Fixture
	if *pool != "" {
		fx, err = load.AttachFixture(setupCtx, cs[0], load.Attach{PoolID: *pool, ClientID: *client, Population: *population, Sample: *sample}, 8)
	} else {
		fx, err = load.Setup(setupCtx, cs[0], load.SetupOptions{PoolName: fmt.Sprintf("bench-%d", time.Now().UnixNano()), Users: w.users})
	}
	if err != nil {
		return err
	}
	rep, err := measure(ctx, cfg, fx, *pid)
	if err != nil {
		return err
	}
	rep.Target = *endpoint
	rep.WriteText(os.Stdout)
	for k, v := range fx.Facts {
		fmt.Printf("fact: %s: %s\n", k, v)
	}
	if *jsonOut != "" {
		return writeJSON(*jsonOut, rep)
	}
	return nil
}

// measure runs cfg and, given the server's pid, charges it the CPU the
// server (and its children) spent during the measured phase.
func measure(ctx context.Context, cfg load.Config, fx *load.Fixture, pid int) (*load.Report, error) {
	var cpu0 float64
	if pid > 0 {
		cfg.MeasureStart = func() { cpu0 = proc.TreeCPU(pid) }
	}
	rep, err := load.Run(ctx, cfg, fx)
	if err != nil {
		return nil, err
	}
	if pid > 0 {
		cpu := proc.TreeCPU(pid) - cpu0
		u := &load.ServerUsage{CPUSeconds: cpu, RSSBytes: proc.TreeRSS(pid)}
		if cpu > 0 {
			u.OpsPerCPUSecond = float64(rep.Total.OK) / cpu
		}
		rep.Server = u
	}
	return rep, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
