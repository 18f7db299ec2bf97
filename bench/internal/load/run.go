package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Bounds of any run, whatever the flags say.
const (
	MaxDuration    = 2 * time.Hour
	MaxConcurrency = 1024
	MaxRate        = 200_000
	DefaultMaxOps  = 100_000_000
)

// Config is one measured run.
type Config struct {
	// Clients are the endpoints' SDK clients; requests go round-robin
	// across them (two cirro nodes behind a naive balancer).
	Clients []*idp.Client
	// Mix weighs operations by ID; a single operation is a mix of one.
	Mix Mix
	// Concurrency is the number of workers (closed loop), or the most
	// requests in flight at once (open loop).
	Concurrency int
	// Rate, when positive, is the arrival rate per second (open loop).
	Rate float64
	// Duration is the measured time; Warmup runs before it unrecorded.
	Duration, Warmup time.Duration
	// MaxOps stops the run after this many requests (DefaultMaxOps if 0).
	MaxOps int64
	// Seed makes the choice of operations and users repeatable.
	Seed uint64
	// NamePrefix keeps AdminCreateUser names of different runs apart
	// within one pool.
	NamePrefix string
	// Acked, when set, is told the name of every user that AdminCreateUser
	// acknowledged (crash tests verify them afterwards), from every worker
	// at once.
	Acked func(name string)
	// Tick, when set, is called about once a second during the measured
	// phase (the soak samples the server's memory there).
	Tick func(elapsed time.Duration)
	// MeasureStart, when set, is called when the warm-up ends; Run returns
	// after it has returned.
	MeasureStart func()
	// OnResult, when set, sees every request of the measured phase as it
	// ends (from any worker at once): fault tests follow errors over time.
	OnResult func(op *Op, start time.Time, latency time.Duration, err error)
}

// Mix is a weighted choice of operations.
type Mix []MixEntry

// MixEntry is one operation of a mix and its weight.
type MixEntry struct {
	Op     *Op
	Weight float64
}

// ParseMix reads "id=weight,id=weight" (or "id,id" for equal weights, or
// "all").
func ParseMix(s string) (Mix, error) {
	if strings.TrimSpace(s) == "all" {
		var m Mix
		for _, op := range Ops {
			m = append(m, MixEntry{op, 1})
		}
		return m, nil
	}
	var m Mix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, w, hasW := strings.Cut(part, "=")
		op, ok := OpByID(id)
		if !ok {
			return nil, fmt.Errorf("unknown operation %q (known: %s)", id, knownOps())
		}
		weight := 1.0
		if hasW {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil || v <= 0 {
				return nil, fmt.Errorf("operation %s: weight %q must be a positive number", id, w)
			}
			weight = v
		}
		m = append(m, MixEntry{op, weight})
	}
	if len(m) == 0 {
		return nil, errors.New("empty operation mix")
	}
	return m, nil
}

func knownOps() string {
	var ids []string
	for _, op := range Ops {
		ids = append(ids, op.ID)
	}
	return strings.Join(ids, ", ")
}

// String is the mix in ParseMix's syntax.
func (m Mix) String() string {
	var parts []string
	for _, e := range m {
		parts = append(parts, e.Op.ID+"="+strconv.FormatFloat(e.Weight, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

func (m Mix) pick(rng *rand.Rand) *Op {
	var total float64
	for _, e := range m {
		total += e.Weight
	}
	x := rng.Float64() * total
	for _, e := range m {
		if x < e.Weight {
			return e.Op
		}
		x -= e.Weight
	}
	return m[len(m)-1].Op
}

func (c *Config) check() error {
	switch {
	case len(c.Clients) == 0:
		return errors.New("load: no endpoint")
	case len(c.Mix) == 0:
		return errors.New("load: empty operation mix")
	case c.Duration <= 0 || c.Duration+c.Warmup > MaxDuration:
		return fmt.Errorf("load: duration must be positive and, with the warm-up, at most %s", MaxDuration)
	case c.Concurrency < 1 || c.Concurrency > MaxConcurrency:
		return fmt.Errorf("load: concurrency must be 1..%d", MaxConcurrency)
	case c.Rate < 0 || c.Rate > MaxRate:
		return fmt.Errorf("load: rate must be 0..%d per second", MaxRate)
	case c.MaxOps < 0:
		return errors.New("load: negative operation cap")
	}
	if c.MaxOps == 0 {
		c.MaxOps = DefaultMaxOps
	}
	return nil
}

// worker is one request loop.
type worker struct {
	id      int
	cfg     *Config
	fx      *Fixture
	rng     *rand.Rand
	rr      int
	created int
	acked   func(string)
	tallies map[*Op]*opTally
	missed  *sync.Map // open loop, worker 0 only: *Op → *atomic.Int64
}

func (w *worker) client() *idp.Client {
	c := w.cfg.Clients[w.rr%len(w.cfg.Clients)]
	w.rr++
	return c
}

func (w *worker) anyUser() *User { return w.fx.Users[w.rng.IntN(len(w.fx.Users))] }

func (w *worker) tokenUser() *User {
	if len(w.fx.withTokens) == 0 {
		return nil
	}
	return w.fx.withTokens[w.rng.IntN(len(w.fx.withTokens))]
}

func (w *worker) newName() string {
	w.created++
	return fmt.Sprintf("%sw%d-%d", w.cfg.NamePrefix, w.id, w.created)
}

// do runs one request of op and records it if record is set. start is
// when the request was due (open loop) or began (closed loop).
func (w *worker) do(ctx context.Context, op *Op, start time.Time, record bool) {
	rctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	clientTime, err := op.run(rctx, w)
	cancel()
	if !record {
		return
	}
	if ctx.Err() != nil && err != nil {
		return // the run ended under this request; not the server's failure
	}
	t := w.tallies[op]
	if t == nil {
		t = &opTally{}
		w.tallies[op] = t
	}
	latency := time.Since(start) - clientTime
	if w.cfg.OnResult != nil {
		w.cfg.OnResult(op, start, latency, err)
	}
	if err != nil {
		t.failure(err)
		return
	}
	t.success(latency, w.rng)
}

var errBacklog = errors.New("arrival missed: every request slot was busy for a whole second")

// Run measures the mix on fx.
func Run(ctx context.Context, cfg Config, fx *Fixture) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if fx == nil || len(fx.Users) == 0 {
		return nil, errors.New("load: fixture has no users")
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Warmup+cfg.Duration+RequestTimeout)
	defer cancel()
	begin := time.Now()
	measureFrom := begin.Add(cfg.Warmup)
	end := measureFrom.Add(cfg.Duration)
	runCtx, stop := context.WithDeadline(ctx, end)
	defer stop()

	workers := make([]*worker, cfg.Concurrency)
	for i := range workers {
		workers[i] = &worker{
			id: i, cfg: &cfg, fx: fx, acked: cfg.Acked, tallies: map[*Op]*opTally{},
			rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)),
		}
	}
	var issued atomic.Int64
	var timeline timeline
	var wg sync.WaitGroup
	if cfg.Rate > 0 {
		runOpen(runCtx, &cfg, workers, &issued, measureFrom, end, &timeline, &wg)
	} else {
		for _, w := range workers {
			wg.Go(func() {
				for runCtx.Err() == nil && issued.Add(1) <= cfg.MaxOps {
					op := cfg.Mix.pick(w.rng)
					start := time.Now()
					w.do(runCtx, op, start, !start.Before(measureFrom))
					timeline.add(measureFrom, start)
				}
			})
		}
	}
	if cfg.MeasureStart != nil {
		wg.Go(func() {
			t := time.NewTimer(time.Until(measureFrom))
			defer t.Stop()
			select {
			case <-runCtx.Done():
			case <-t.C:
			}
			cfg.MeasureStart()
		})
	}
	if cfg.Tick != nil {
		wg.Go(func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-runCtx.Done():
					return
				case now := <-t.C:
					if now.After(measureFrom) {
						cfg.Tick(now.Sub(measureFrom))
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(measureFrom).Seconds()
	if elapsed > cfg.Duration.Seconds() {
		elapsed = cfg.Duration.Seconds()
	}
	if elapsed <= 0 {
		return nil, errors.New("load: run ended before the measured phase")
	}
	return buildReport(&cfg, workers, elapsed, timeline.snapshot()), nil
}

// runOpen issues requests at cfg.Rate. A dispatcher releases arrivals on
// schedule into a queue that the workers drain; each request's latency
// runs from its scheduled time, so queueing in the client or the server
// counts. An arrival that finds the queue full for a whole second is
// counted as a failure rather than silently dropped.
func runOpen(ctx context.Context, cfg *Config, workers []*worker, issued *atomic.Int64, measureFrom, end time.Time, tl *timeline, wg *sync.WaitGroup) {
	type arrival struct {
		due time.Time
		op  *Op
	}
	queue := make(chan arrival, cfg.Concurrency*4)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	var missed sync.Map // *Op → *atomic.Int64
	wg.Go(func() {
		defer close(queue)
		start := time.Now()
		interval := time.Duration(float64(time.Second) / cfg.Rate)
		for i := int64(0); issued.Add(1) <= cfg.MaxOps; i++ {
			due := start.Add(time.Duration(i) * interval)
			if due.After(end) {
				return
			}
			if d := time.Until(due); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
			a := arrival{due: due, op: cfg.Mix.pick(rng)}
			select {
			case queue <- a:
				continue
			default:
			}
			t := time.NewTimer(time.Second)
			select {
			case queue <- a:
				t.Stop()
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
				if !due.Before(measureFrom) {
					v, _ := missed.LoadOrStore(a.op, new(atomic.Int64))
					v.(*atomic.Int64).Add(1)
				}
			}
		}
	})
	for _, w := range workers {
		wg.Go(func() {
			for a := range queue {
				if ctx.Err() != nil {
					continue // drain: the dispatcher may still be sending
				}
				w.do(ctx, a.op, a.due, !a.due.Before(measureFrom))
				tl.add(measureFrom, a.due)
			}
		})
	}
	// Misses are added to worker 0's tallies by buildReport, after every
	// goroutine has finished.
	workers[0].missed = &missed
}

// timeline counts requests started per second of the measured phase.
type timeline struct {
	mu     sync.Mutex
	counts []int64
}

func (t *timeline) add(from, at time.Time) {
	if at.Before(from) {
		return
	}
	s := int(at.Sub(from) / time.Second)
	if s > int(MaxDuration/time.Second) {
		return
	}
	t.mu.Lock()
	for len(t.counts) <= s {
		t.counts = append(t.counts, 0)
	}
	t.counts[s]++
	t.mu.Unlock()
}

func (t *timeline) snapshot() []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]int64(nil), t.counts...)
}

// Report is the result of one run.
type Report struct {
	Target      string    `json:"target,omitempty"`
	Mix         string    `json:"mix"`
	Mode        string    `json:"mode"`
	Concurrency int       `json:"concurrency"`
	Rate        float64   `json:"rate,omitempty"`
	Seconds     float64   `json:"seconds"`
	Seed        uint64    `json:"seed"`
	Ops         []OpStats `json:"ops"`
	Total       OpStats   `json:"total"`
	// PerSecond is requests started in each second of the measured phase.
	PerSecond []int64 `json:"per_second,omitempty"`
	// Server is the target process's resource use, when the caller knows
	// its pid.
	Server *ServerUsage `json:"server,omitempty"`
}

// ServerUsage is what the server process spent during the measured phase.
type ServerUsage struct {
	CPUSeconds float64 `json:"cpu_seconds"`
	// OpsPerCPUSecond is successful operations per second of server CPU:
	// the throughput one fully busy core would give, even when the load
	// generator could not keep the server busy.
	OpsPerCPUSecond float64 `json:"ops_per_cpu_second"`
	RSSBytes        int64   `json:"rss_bytes"`
}

// Op returns the stats of one operation.
func (r *Report) Op(id string) (OpStats, bool) {
	for _, s := range r.Ops {
		if s.Op == id {
			return s, true
		}
	}
	return OpStats{}, false
}

func buildReport(cfg *Config, workers []*worker, seconds float64, perSecond []int64) *Report {
	r := &Report{Mix: cfg.Mix.String(), Mode: "closed", Concurrency: cfg.Concurrency, Seconds: seconds, Seed: cfg.Seed, PerSecond: perSecond}
	if cfg.Rate > 0 {
		r.Mode, r.Rate = "open", cfg.Rate
	}
	if m := workers[0].missed; m != nil {
		m.Range(func(k, v any) bool {
			op := k.(*Op)
			t := workers[0].tallies[op]
			if t == nil {
				t = &opTally{}
				workers[0].tallies[op] = t
			}
			for range v.(*atomic.Int64).Load() {
				t.failure(errBacklog)
			}
			return true
		})
	}
	var every []*opTally
	for _, op := range Ops {
		var ts []*opTally
		for _, w := range workers {
			if t := w.tallies[op]; t != nil {
				ts = append(ts, t)
			}
		}
		if len(ts) == 0 {
			continue
		}
		every = append(every, ts...)
		r.Ops = append(r.Ops, merge(op, ts, seconds))
	}
	r.Total = merge(&Op{ID: "total", Title: "all operations"}, every, seconds)
	sort.SliceStable(r.Ops, func(i, j int) bool { return opIndex(r.Ops[i].Op) < opIndex(r.Ops[j].Op) })
	return r
}

func opIndex(id string) int {
	for i, op := range Ops {
		if op.ID == id {
			return i
		}
	}
	return len(Ops)
}
