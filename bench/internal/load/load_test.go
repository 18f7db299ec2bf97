package load_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/cirrotest"
)

// TestSmoke runs every operation of the load tool for a moment against an
// in-process cirro: the tool works end to end, and every operation
// succeeds against cirro. It is the only benchmark code CI runs (a few
// seconds); the measurements themselves are bench/*.sh.
func TestSmoke(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := load.NewClient(c.URL, c.Region, load.DevCredentials, 4)
	if err != nil {
		t.Fatal(err)
	}
	fx, err := load.Setup(ctx, cl, load.SetupOptions{PoolName: "smoke", Users: 8, Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	load.ProbeSRP(ctx, cl, fx)
	if got := fx.Facts["SRP wrong proof"]; !strings.HasPrefix(got, "refused: NotAuthorizedException") {
		t.Errorf("cirro and a wrong SRP proof: %q", got)
	}
	mix, err := load.ParseMix("all")
	if err != nil {
		t.Fatal(err)
	}
	var acked atomic.Int64 // Acked is called from every worker
	rep, err := load.Run(ctx, load.Config{
		Clients: []*load.Client{cl}, Mix: mix, Concurrency: 4, Duration: 2 * time.Second, Warmup: 200 * time.Millisecond,
		Seed: 7, NamePrefix: "smoke-", Acked: func(string) { acked.Add(1) },
	}, fx)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	rep.WriteText(&text)
	t.Log("\n" + text.String())
	if len(rep.Ops) != len(load.Ops) {
		t.Errorf("report has %d operations, want all %d", len(rep.Ops), len(load.Ops))
	}
	for _, s := range rep.Ops {
		// Concurrent attribute updates of one user may lose a race
		// (TooManyRequestsException); nothing else may fail.
		if s.OK == 0 || (s.Errors > 0 && !(s.Op == "update" && s.ErrorCodes["TooManyRequestsException"] == s.Errors)) {
			t.Errorf("%s: %d ok, %d errors %v", s.Op, s.OK, s.Errors, s.Examples)
		}
		if s.P50 <= 0 || s.P99 < s.P50 {
			t.Errorf("%s: percentiles p50 %v p99 %v", s.Op, s.P50, s.P99)
		}
	}
	if acked.Load() == 0 {
		t.Error("no AdminCreateUser was acknowledged")
	}
}

// TestOpenLoop checks the fixed-arrival-rate mode issues about the rate.
func TestOpenLoop(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	ctx := context.Background()
	cl, err := load.NewClient(c.URL, c.Region, load.DevCredentials, 4)
	if err != nil {
		t.Fatal(err)
	}
	fx, err := load.Setup(ctx, cl, load.SetupOptions{PoolName: "open", Users: 4})
	if err != nil {
		t.Fatal(err)
	}
	mix, _ := load.ParseMix("admingetuser")
	rep, err := load.Run(ctx, load.Config{Clients: []*load.Client{cl}, Mix: mix, Concurrency: 8, Rate: 200, Duration: 2 * time.Second, Seed: 1}, fx)
	if err != nil {
		t.Fatal(err)
	}
	// Never more than the rate; on a loaded machine (or under -race) the
	// server may manage fewer.
	if n := rep.Total.OK + rep.Total.Errors; n > 410 || rep.Total.OK < 20 || rep.Mode != "open" {
		t.Errorf("open loop at 200/s for 2 s: %d ok, %d errors (%s)", rep.Total.OK, rep.Total.Errors, rep.Mode)
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, e := range []string{"http://10.0.0.1:9339", "https://cognito-idp.us-east-1.amazonaws.com", "http://[2001:db8::1]/", "http://0.0.0.0:1", "ftp://127.0.0.1"} {
		if err := load.CheckLoopback(e); err == nil {
			t.Errorf("%s accepted", e)
		}
		if _, err := load.NewClient(e, "us-east-1", load.DevCredentials, 1); err == nil {
			t.Errorf("client for %s made", e)
		}
	}
	for _, e := range []string{"http://127.0.0.1:9339", "http://localhost:1", "http://[::1]:80", "http://127.9.9.9"} {
		if err := load.CheckLoopback(e); err != nil {
			t.Errorf("%s refused: %v", e, err)
		}
	}
}

func TestParseMix(t *testing.T) {
	m, err := load.ParseMix("refresh=3,getuser")
	if err != nil || len(m) != 2 || m[0].Weight != 3 || m[1].Weight != 1 {
		t.Fatalf("ParseMix = %v, %v", m, err)
	}
	for _, bad := range []string{"", "nope", "getuser=0", "getuser=x"} {
		if _, err := load.ParseMix(bad); err == nil {
			t.Errorf("ParseMix(%q) accepted", bad)
		}
	}
}

func TestBounds(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	cl, _ := load.NewClient(c.URL, c.Region, load.DevCredentials, 1)
	fx := &load.Fixture{Users: []*load.User{{Name: "x"}}}
	mix, _ := load.ParseMix("admingetuser")
	for name, cfg := range map[string]load.Config{
		"no duration":   {Clients: []*load.Client{cl}, Mix: mix, Concurrency: 1},
		"too long":      {Clients: []*load.Client{cl}, Mix: mix, Concurrency: 1, Duration: 3 * time.Hour},
		"too many":      {Clients: []*load.Client{cl}, Mix: mix, Concurrency: 5000, Duration: time.Second},
		"rate too high": {Clients: []*load.Client{cl}, Mix: mix, Concurrency: 1, Duration: time.Second, Rate: 1e9},
	} {
		if _, err := load.Run(context.Background(), cfg, fx); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
