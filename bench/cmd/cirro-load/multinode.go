package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	idp "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/bench/internal/load"
)

// check is one correctness check and what it found.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

type multinodeResult struct {
	Started time.Time      `json:"started"`
	CPU     string         `json:"cpu"`
	CPUs    string         `json:"server_cpus"`
	Checks  []check        `json:"checks"`
	One     *load.Report   `json:"one_node"`
	Two     *load.Report   `json:"two_nodes"`
	Created int            `json:"created_under_load"`
	Missing int            `json:"acknowledged_missing"`
	Extra   map[string]any `json:"extra,omitempty"`
}

func cmdMultinode(args []string) error {
	fs := flag.NewFlagSet("multinode", flag.ContinueOnError)
	var ef envFlags
	ef.flags(fs)
	duration := fs.Duration("duration", 10*time.Second, "measured time of each throughput run")
	concurrency := fs.Int("concurrency", 16, "workers")
	mix := fs.String("mix", mixedWorkload, "workload")
	jsonOut := fs.String("json", "bench/results/multinode.json", "raw results")
	doc := fs.String("doc", "docs/performance.md", "document whose generated section is replaced")
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
	dsn, drop, err := createDatabase(ctx, e.pgBase)
	if err != nil {
		return err
	}
	defer drop()
	t := target{Name: "cirro-pg-fast", Kind: "cirro", Store: "postgres", Fast: true}
	// Nodes behind one balancer share its public URL, which is the issuer
	// of their tokens; each node's default (its own address) would make
	// every node refuse the others' tokens.
	shared := "public_url: http://127.0.0.1:9339\n"
	a, err := e.start(ctx, t, startOptions{db: dsn, suffix: "-node-a", extra: shared})
	if err != nil {
		return err
	}
	defer a.stop(false)
	b, err := e.start(ctx, t, startOptions{db: dsn, suffix: "-node-b", extra: shared})
	if err != nil {
		return err
	}
	defer b.stop(false)
	cs, err := clients([]string{a.Endpoint, b.Endpoint}, "us-east-1", *concurrency)
	if err != nil {
		return err
	}
	res := &multinodeResult{Started: time.Now().UTC(), CPU: cpuModel(), CPUs: e.cpus}
	fx, err := load.Setup(ctx, cs[0], load.SetupOptions{PoolName: "multinode", Users: 50})
	if err != nil {
		return err
	}

	m, err := load.ParseMix(*mix)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	run := func(clients []*load.Client, prefix string) (*load.Report, error) {
		cfg := load.Config{Clients: clients, Mix: m, Concurrency: *concurrency, Duration: *duration, Warmup: time.Second, Seed: 1,
			NamePrefix: prefix, Acked: func(n string) { mu.Lock(); acked[n] = true; mu.Unlock() }}
		rep, err := load.Run(ctx, cfg, fx)
		if err == nil {
			rep.WriteText(os.Stdout)
		}
		return rep, err
	}
	if res.One, err = run(cs[:1], "one-"); err != nil {
		return err
	}
	if res.Two, err = run(cs, "two-"); err != nil {
		return err
	}
	// The checks come after the throughput runs: they lock one user and
	// revoke another's tokens, which the runs would otherwise trip over.
	res.Checks = append(res.Checks, duplicateCheck(ctx, cs, fx), lockoutCheck(ctx, cs, fx), revocationCheck(ctx, cs, fx))
	// Every acknowledged creation is there, once, whichever node is asked.
	names, dups, err := listNames(ctx, cs[1], fx.PoolID, "")
	if err != nil {
		return err
	}
	for n := range acked {
		if !names[n] {
			res.Missing++
		}
	}
	res.Created = len(acked)
	res.Checks = append(res.Checks, check{Name: "acknowledged creations under load (two nodes, PostgreSQL)",
		OK:     res.Missing == 0 && len(dups) == 0,
		Detail: fmt.Sprintf("%d users created through both nodes, %d missing, %d usernames listed twice", len(acked), res.Missing, len(dups))})
	for _, c := range res.Checks {
		fmt.Printf("check %-60s ok=%v  %s\n", c.Name, c.OK, c.Detail)
	}
	if err := writeJSON(*jsonOut, res); err != nil {
		return err
	}
	return renderMultinode(res, *doc)
}

// duplicateCheck creates each of 100 names on both nodes at the same
// moment: exactly one creation per name may succeed.
func duplicateCheck(ctx context.Context, cs []*load.Client, fx *load.Fixture) check {
	const n = 100
	wins := make([]int, n)
	var other []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		start := make(chan struct{})
		for _, c := range cs {
			wg.Go(func() {
				<-start
				name := fmt.Sprintf("dup-%03d", i)
				_, err := c.AdminCreateUser(ctx, &idp.AdminCreateUserInput{UserPoolId: &fx.PoolID, Username: &name,
					TemporaryPassword: aws.String(load.Password), MessageAction: types.MessageActionTypeSuppress})
				mu.Lock()
				defer mu.Unlock()
				switch code := codeOf(err); {
				case err == nil:
					wins[i]++
				case code != "UsernameExistsException":
					other = append(other, code)
				}
			})
		}
		close(start)
	}
	wg.Wait()
	bad := 0
	for _, w := range wins {
		if w != 1 {
			bad++
		}
	}
	names, dups, err := listNames(ctx, cs[0], fx.PoolID, "dup-")
	ok := bad == 0 && len(other) == 0 && err == nil && len(names) == n && len(dups) == 0
	return check{Name: "no duplicate usernames (same name created on both nodes at once)", OK: ok,
		Detail: fmt.Sprintf("%d names, %d with other than one winner, other errors %v, listed %d, listed twice %d, list error %v", n, bad, other, len(names), len(dups), err)}
}

// lockoutCheck fails a password five times, alternating nodes: Cognito
// then locks the user for a second, so the next attempt (correct password,
// other node) must be refused, and one after the lockout must pass.
func lockoutCheck(ctx context.Context, cs []*load.Client, fx *load.Fixture) check {
	u := fx.Users[len(fx.Users)-1].Name
	try := func(c *load.Client, pw string) error {
		_, err := c.InitiateAuth(ctx, &idp.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.ClientID,
			AuthParameters: map[string]string{"USERNAME": u, "PASSWORD": pw}})
		return err
	}
	var trail []string
	for i := range 5 {
		err := try(cs[i%2], "Wrong-Passw0rd!")
		trail = append(trail, fmt.Sprintf("%c:%s", 'A'+i%2, codeOf(err)))
	}
	locked := try(cs[1], load.Password)
	trail = append(trail, "B(correct):"+describeErr(locked))
	time.Sleep(1200 * time.Millisecond)
	after := try(cs[0], load.Password)
	trail = append(trail, "A(correct, 1.2 s later):"+describeErr(after))
	ok := locked != nil && strings.Contains(locked.Error(), "Password attempts exceeded") && after == nil
	return check{Name: "lockout counted across nodes (5 failures alternating A/B lock the user)", OK: ok, Detail: strings.Join(trail, ", ")}
}

// revocationCheck signs out globally on one node and uses the tokens on
// the other, and revokes a refresh token on one node and refreshes on the
// other.
func revocationCheck(ctx context.Context, cs []*load.Client, fx *load.Fixture) check {
	u := fx.Users[len(fx.Users)-2].Name
	signIn := func(c *load.Client) (*types.AuthenticationResultType, error) {
		out, err := c.InitiateAuth(ctx, &idp.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.ClientID,
			AuthParameters: map[string]string{"USERNAME": u, "PASSWORD": load.Password}})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}
	refresh := func(c *load.Client, rt *string) error {
		_, err := c.InitiateAuth(ctx, &idp.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &fx.ClientID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(rt)}})
		return err
	}
	var steps []string
	ok := true
	note := func(what string, err error, wantErr bool) {
		steps = append(steps, what+"="+describeErr(err))
		if (err != nil) != wantErr || (wantErr && codeOf(err) != "NotAuthorizedException") {
			ok = false
		}
	}
	// RevokeToken on B, refresh on A.
	s1, err := signIn(cs[0])
	if err != nil {
		return check{Name: "revocation seen by both nodes", Detail: describeErr(err)}
	}
	_, err = cs[1].RevokeToken(ctx, &idp.RevokeTokenInput{ClientId: &fx.ClientID, Token: s1.RefreshToken})
	note("RevokeToken on B", err, false)
	note("refresh on A after it", refresh(cs[0], s1.RefreshToken), true)
	// GlobalSignOut on A, tokens on B.
	s2, err := signIn(cs[1])
	if err != nil {
		return check{Name: "revocation seen by both nodes", Detail: describeErr(err)}
	}
	_, err = cs[1].GetUser(ctx, &idp.GetUserInput{AccessToken: s2.AccessToken})
	note("GetUser on B before", err, false)
	_, err = cs[0].GetUser(ctx, &idp.GetUserInput{AccessToken: s2.AccessToken})
	note("GetUser on A before", err, false)
	// Tokens issued in the same second as a sign-out stay valid in Cognito's
	// model (it compares whole seconds), so sign out a second later.
	time.Sleep(1100 * time.Millisecond)
	_, err = cs[0].GlobalSignOut(ctx, &idp.GlobalSignOutInput{AccessToken: s2.AccessToken})
	note("GlobalSignOut on A", err, false)
	_, err = cs[1].GetUser(ctx, &idp.GetUserInput{AccessToken: s2.AccessToken})
	note("GetUser on B after", err, true)
	note("refresh on B after", refresh(cs[1], s2.RefreshToken), true)
	return check{Name: "revocation seen by both nodes (RevokeToken, GlobalSignOut)", OK: ok, Detail: strings.Join(steps, ", ")}
}

// listNames pages through a pool's users (with a username prefix filter
// when prefix is set) and returns the usernames and those seen twice.
func listNames(ctx context.Context, c *load.Client, poolID, prefix string) (map[string]bool, []string, error) {
	names := map[string]bool{}
	var dups []string
	in := &idp.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(60)}
	if prefix != "" {
		in.Filter = aws.String(`username ^= "` + prefix + `"`)
	}
	for range 100_000 { // bounded: 6M users at most
		out, err := c.ListUsers(ctx, in)
		if err != nil {
			return names, dups, err
		}
		for _, u := range out.Users {
			n := aws.ToString(u.Username)
			if names[n] {
				dups = append(dups, n)
			}
			names[n] = true
		}
		if out.PaginationToken == nil {
			return names, dups, nil
		}
		in.PaginationToken = out.PaginationToken
	}
	return names, dups, errors.New("listing did not end")
}

func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	return load.ErrorCode(err)
}

func describeErr(err error) string {
	if err == nil {
		return "ok"
	}
	return load.Describe(err)
}

func renderMultinode(r *multinodeResult, doc string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s by `bench/multinode.sh` on %s: two cirro processes on one PostgreSQL database "+
		"(same master key and the same public_url, which is their tokens' issuer — with each node's default, its own address, "+
		"the nodes refuse each other's tokens, as a first run of this test showed), fast password hashing, both pinned to CPU %s; "+
		"the load tool alternates requests "+
		"between them. Raw data: `bench/results/multinode.json`.\n\n", r.Started.Format("2006-01-02 15:04 UTC"), r.CPU, r.CPUs)
	rows := [][]string{}
	for _, c := range r.Checks {
		rows = append(rows, []string{c.Name, yesNo(c.OK), strings.ReplaceAll(c.Detail, "|", "\\|")})
	}
	b.WriteString(mdTable([]string{"check", "passed", "what happened"}, "lll", rows))
	b.WriteString("\nThroughput of the mixed workload (" + mixedWorkload + "):\n\n")
	rows = nil
	for _, x := range []struct {
		name string
		rep  *load.Report
	}{{"one node", r.One}, {"two nodes, round-robin", r.Two}} {
		if x.rep == nil {
			continue
		}
		t := x.rep.Total
		rows = append(rows, []string{x.name, fmtRate(t.Throughput), fmt.Sprintf("%.1f / %.1f / %.1f", t.P50, t.P95, t.P99), fmt.Sprint(t.Errors)})
	}
	b.WriteString(mdTable([]string{"setup", "ops/s", "p50 / p95 / p99 ms", "errors"}, "lrrr", rows))
	if r.One != nil && r.Two != nil && r.One.Total.Throughput > 0 {
		fmt.Fprintf(&b, "\nTwo nodes ÷ one node: **%.2f×**. Both nodes share the same core here, so this measures what "+
			"coordinating through the database costs, not scale-out; on separate machines each node brings its own CPU.\n",
			r.Two.Total.Throughput/r.One.Total.Throughput)
	}
	return replaceSection(doc, "multinode", "## Two nodes on one PostgreSQL", b.String())
}
