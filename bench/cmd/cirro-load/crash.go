package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// crashRun is the outcome of the SIGKILL test on one store.
type crashRun struct {
	Store      string    `json:"store"`
	Iterations int       `json:"iterations"`
	Acked      int       `json:"acknowledged_creations"`
	Missing    []string  `json:"missing,omitempty"`
	Restart    []float64 `json:"restart_seconds"`
	// ErrorsBeforeKill are the errors answered while the server was up,
	// by type (the requests cut off by the kill are not counted).
	ErrorsBeforeKill map[string]int `json:"errors_before_kill,omitempty"`
	SignInAfter      bool           `json:"sign_in_after"`
	Integrity        string         `json:"integrity,omitempty"`
	Seconds          float64        `json:"seconds"`
}

// crashMix writes a lot (every creation is verified afterwards) and signs in.
const crashMix = "create=4,update=1,password=1,refresh=1,admingetuser=1"

func cmdCrash(args []string) error {
	fs := flag.NewFlagSet("crash", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	stores := fs.String("stores", "sqlite,postgres", "stores")
	iterations := fs.Int("iterations", 20, "SIGKILLs per store (at most 100)")
	concurrency := fs.Int("concurrency", 16, "workers")
	jsonOut := fs.String("json", "bench/results/crash.json", "raw results")
	doc := fs.String("doc", "docs/performance.md", "document whose generated section is replaced")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *iterations < 1 || *iterations > 100 {
		return fmt.Errorf("iterations must be 1..100")
	}
	e, done, err := ef.env()
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var runs []*crashRun
	for st := range strings.SplitSeq(*stores, ",") {
		r, err := crashStore(ctx, e, strings.TrimSpace(st), *iterations, *concurrency)
		if err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
		fmt.Printf("%s: %d kills, %d acknowledged creations, %d missing, sign-in after: %v, %s\n",
			r.Store, r.Iterations, r.Acked, len(r.Missing), r.SignInAfter, r.Integrity)
		runs = append(runs, r)
	}
	if err := writeJSON(*jsonOut, runs); err != nil {
		return err
	}
	return renderCrash(runs, *doc)
}

// crashStore kills cirro with SIGKILL at a random moment of a write-heavy
// load, iterations times, restarting it on the same database each time;
// then checks that every user whose AdminCreateUser was acknowledged
// exists, that sign-in still works, and (SQLite) that the file is sound.
func crashStore(ctx context.Context, e *env, st string, iterations, conc int) (*crashRun, error) {
	began := time.Now()
	r := &crashRun{Store: st, Iterations: iterations, ErrorsBeforeKill: map[string]int{}}
	var spec string
	dir, err := os.MkdirTemp(e.work, "crash-"+st+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	switch st {
	case "sqlite":
		spec = "sqlite:" + filepath.Join(dir, "cirro.db")
	case "postgres":
		var drop func()
		if spec, drop, err = createDatabase(ctx, e.pgBase); err != nil {
			return nil, err
		}
		defer drop()
	default:
		return nil, fmt.Errorf("unknown store %q", st)
	}
	t := target{Name: "cirro-" + st, Kind: "cirro", Store: st, Fast: true}
	var fx *load.Fixture
	var mu sync.Mutex
	acked := map[string]bool{}
	mix, err := load.ParseMix(crashMix)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 12))
	for i := 1; i <= iterations; i++ {
		restartAt := time.Now()
		s, err := e.start(ctx, t, startOptions{db: spec, suffix: fmt.Sprintf("-crash-%s", st)})
		if err != nil {
			return nil, fmt.Errorf("restart %d: %w", i, err)
		}
		r.Restart = append(r.Restart, time.Since(restartAt).Seconds())
		cs, err := clients([]string{s.Endpoint}, "us-east-1", conc)
		if err != nil {
			s.stop(true)
			return nil, err
		}
		if fx == nil {
			if fx, err = load.Setup(ctx, cs[0], load.SetupOptions{PoolName: "crash", Users: 20}); err != nil {
				s.stop(true)
				return nil, err
			}
		}
		// The kill lands at a random moment 0.3–1.5 s into the load.
		killAt := 300*time.Millisecond + time.Duration(rng.Int64N(int64(1200*time.Millisecond)))
		runCtx, cancel := context.WithCancel(ctx)
		var killed sync.WaitGroup
		var killTime time.Time
		killed.Go(func() {
			time.Sleep(killAt)
			mu.Lock()
			killTime = time.Now()
			mu.Unlock()
			s.stop(true)
			time.Sleep(50 * time.Millisecond)
			cancel()
		})
		_, err = load.Run(runCtx, load.Config{Clients: cs, Mix: mix, Concurrency: conc, Duration: 5 * time.Second, Seed: uint64(i),
			NamePrefix: fmt.Sprintf("crash%d-", i),
			Acked:      func(n string) { mu.Lock(); acked[n] = true; mu.Unlock() },
			OnResult: func(_ *load.Op, start time.Time, _ time.Duration, err error) {
				if err == nil {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if killTime.IsZero() || start.Add(-50*time.Millisecond).Before(killTime) && time.Now().Before(killTime) {
					r.ErrorsBeforeKill[load.ErrorCode(err)]++
				}
			},
		}, fx)
		killed.Wait()
		cancel()
		if err != nil && !strings.Contains(err.Error(), "before the measured phase") {
			return nil, fmt.Errorf("iteration %d: %w", i, err)
		}
	}
	// A last start: verify everything acknowledged is there.
	s, err := e.start(ctx, t, startOptions{db: spec, suffix: fmt.Sprintf("-crash-%s", st)})
	if err != nil {
		return nil, fmt.Errorf("final restart: %w", err)
	}
	cs, err := clients([]string{s.Endpoint}, "us-east-1", 4)
	if err != nil {
		s.stop(false)
		return nil, err
	}
	names, _, err := listNames(ctx, cs[0], fx.PoolID, "crash")
	if err != nil {
		s.stop(false)
		return nil, fmt.Errorf("list after crashes: %w", err)
	}
	r.Acked = len(acked)
	for n := range acked {
		if !names[n] {
			r.Missing = append(r.Missing, n)
		}
	}
	_, err = cs[0].InitiateAuth(ctx, fx.SignInInput(fx.Users[0].Name))
	r.SignInAfter = err == nil
	s.stop(false)
	if st == "sqlite" {
		db, err := sqlite.Open(ctx, strings.TrimPrefix(spec, "sqlite:"))
		if err != nil {
			r.Integrity = "reopen failed: " + err.Error()
		} else {
			if err := db.IntegrityCheck(ctx); err != nil {
				r.Integrity = err.Error()
			} else {
				r.Integrity = "PRAGMA integrity_check and foreign_key_check clean"
			}
			db.Close()
		}
	}
	r.Seconds = time.Since(began).Seconds()
	return r, nil
}

func renderCrash(runs []*crashRun, doc string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s by `bench/crash.sh`: cirro is killed with SIGKILL at a random moment 0.3–1.5 s "+
		"into a write-heavy load (%s, 16 workers) and restarted on the same database, again and again; afterwards every "+
		"user whose AdminCreateUser had been answered with success must exist. Raw data: `bench/results/crash.json`.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), crashMix)
	rows := [][]string{}
	for _, r := range runs {
		var errs []string
		for k, v := range r.ErrorsBeforeKill {
			errs = append(errs, fmt.Sprintf("%d× %s", v, k))
		}
		integrity := r.Integrity
		if integrity == "" {
			integrity = "—"
		}
		rows = append(rows, []string{r.Store, fmt.Sprint(r.Iterations), fmt.Sprint(r.Acked), fmt.Sprint(len(r.Missing)),
			fmt.Sprintf("%.2f s", median(r.Restart)), fmt.Sprintf("%.2f s", maxOf(r.Restart)), yesNo(r.SignInAfter), integrity,
			strings.Join(errs, ", "), yesNo(len(r.Missing) == 0 && r.SignInAfter)})
	}
	b.WriteString(mdTable([]string{"store", "SIGKILLs", "acknowledged creations", "missing afterwards", "restart (median)", "restart (max)",
		"sign-in afterwards", "file check", "errors while up", "nothing lost"}, "lrrrrrllll", rows))
	return replaceSection(doc, "crash", "## Crash: SIGKILL under load", b.String())
}

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
