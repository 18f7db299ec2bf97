package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/backend"
	"github.com/cirrohq/cirro/internal/user"
)

// genResult says what the generator made.
type genResult struct {
	DB       string  `json:"-"`
	PoolID   string  `json:"pool_id"`
	ClientID string  `json:"client_id"`
	Users    int     `json:"users"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"users_per_second"`
}

// genBatch is how many users one write transaction inserts.
const genBatch = 1000

func cmdGen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	db := fs.String("db", "", "store: sqlite:PATH or a postgres:// DSN (on loopback)")
	n := fs.Int("users", 10_000, "users to create (at most 10,000,000)")
	withSRP := fs.Bool("srp", false, "give every user an SRP verifier (one 3072-bit exponentiation each; slow for millions)")
	jsonOut := fs.String("json", "", "write pool id, client id and timing here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key, err := secrets.ParseKey(os.Getenv("CIRRO_MASTER_KEY"))
	if err != nil {
		return fmt.Errorf("CIRRO_MASTER_KEY (the key the servers will use): %w", err)
	}
	res, err := generate(context.Background(), *db, key, *n, *withSRP)
	if err != nil {
		return err
	}
	fmt.Printf("pool %s client %s: %d users in %.1f s (%.0f/s)\n", res.PoolID, res.ClientID, res.Users, res.Seconds, res.PerSec)
	if *jsonOut != "" {
		return writeJSON(*jsonOut, res)
	}
	return nil
}

// generate makes a pool with an app client allowing every password flow
// and n confirmed users named load.UserName(i), with the benchmark
// password hashed with test-only fast parameters (servers reading them run
// with unsafe_fast_password_hashing). Users go in directly through the
// store, genBatch per transaction, as cirro itself stores them
// (user.Service.Insert derives their keys).
func generate(ctx context.Context, spec string, masterKey []byte, n int, withSRP bool) (*genResult, error) {
	if n < 1 || n > 10_000_000 {
		return nil, errors.New("users must be 1..10,000,000")
	}
	if len(spec) > 8 && spec[:8] == "postgres" {
		if err := checkLoopbackDSN(spec); err != nil {
			return nil, err
		}
	}
	st, err := backend.Open(ctx, spec)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	keys, err := secrets.New(masterKey)
	if err != nil {
		return nil, err
	}
	clk := clock.Real{}
	pools := &pool.Service{Store: st, Clock: clk, Keys: keys, Region: "us-east-1", AccountID: "000000000000", PublicURL: "http://127.0.0.1", BaseDomain: "localhost"}
	users := &user.Service{Store: st, Clock: clk, Keys: keys, Pools: pools, Hashing: password.FastParams()}
	pout, err := pools.CreateUserPool(ctx, &cognitoidp.CreateUserPoolRequest{PoolName: ptr("scale")})
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	p := pout.UserPool
	cout, err := pools.CreateUserPoolClient(ctx, &cognitoidp.CreateUserPoolClientRequest{
		UserPoolId: p.Id, ClientName: ptr("bench"),
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	})
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	h, err := password.New(password.FastParams())
	if err != nil {
		return nil, err
	}
	// One hash for everyone: salts differ per user in real life, but the
	// cost of a sign-in does not depend on it.
	hash := h.Hash(load.Password)
	now := clk.Now()
	started := time.Now()

	// Users are built (SRP verifiers are the slow part) by workers and
	// written by one writer, a batch per transaction.
	batches := make(chan []*user.User, 4)
	var buildErr error
	var wg sync.WaitGroup
	next := make(chan int)
	go func() {
		defer close(next)
		for start := 0; start < n; start += genBatch {
			select {
			case next <- start:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range 2 {
		wg.Go(func() {
			for start := range next {
				batch := make([]*user.User, 0, genBatch)
				for i := start; i < min(start+genBatch, n); i++ {
					u := &user.User{
						Sub: ids.Sub(), PoolID: *p.Id, Username: load.UserName(i), Status: user.StatusConfirmed, Enabled: true,
						Created: now, Modified: now,
						Attributes: map[string]string{
							"email": load.UserEmail(i), "email_verified": "true",
							"given_name": genNames[i%len(genNames)], "family_name": fmt.Sprintf("Family%d", i%997),
						},
						Password: user.Password{Hash: hash, SetAt: now},
					}
					if withSRP {
						salt, v := srp.NewVerifier(srp.PoolName(*p.Id), u.Username, load.Password)
						u.Password.SRPSalt = salt
						u.Password.SRPVerifier = keys.Seal(user.SRPVerifierPurpose, v, []byte(u.PoolID+"/"+u.Sub))
					}
					batch = append(batch, u)
				}
				batches <- batch
			}
		})
	}
	go func() {
		wg.Wait()
		close(batches)
	}()
	written := 0
	for batch := range batches {
		if buildErr != nil {
			continue
		}
		err := st.Write(ctx, func(tx store.Tx) error {
			for _, u := range batch {
				if err := users.Insert(ctx, tx, p, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			buildErr = err
			continue
		}
		written += len(batch)
		if written%100_000 == 0 {
			fmt.Fprintf(os.Stderr, "  %d users (%.0f/s)\n", written, float64(written)/time.Since(started).Seconds())
		}
	}
	if buildErr != nil {
		return nil, buildErr
	}
	secs := time.Since(started).Seconds()
	return &genResult{DB: spec, PoolID: *p.Id, ClientID: *cout.UserPoolClient.ClientId, Users: written, Seconds: secs, PerSec: float64(written) / secs}, nil
}

var genNames = []string{"Alice", "Alan", "Albert", "Bob", "Carla", "Dmitri", "Eve", "Fatima", "Gus", "Hana"}

func ptr[T any](v T) *T { return &v }
