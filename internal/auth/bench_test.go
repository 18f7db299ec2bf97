package auth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// The sign-in benchmarks compare cirro's whole sign-in (store reads and
// writes, sessions, auth events, token minting) with the bare
// cryptography it cannot avoid. The two are measured in pairs, back to
// back, on every goroutine, so that the load of a shared machine weighs
// on both alike: each round times one bare operation and one sign-in. The
// reported ratio is total bare time over total sign-in time, i.e. the
// sign-in rate as a fraction of the bare rate. Reproduce with
//
//	go test ./internal/auth -run '^$' -bench . -cpu 2 -benchtime 400x
//
// (docs/performance.md has the figures).

// timed returns how long f takes.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// paired runs b.N rounds on GOMAXPROCS goroutines. A round runs bare and
// then signIn, which returns the time of its server-side work (a sign-in
// may do client work that is not cirro's, untimed). It reports the
// sign-in rate, the bare rate, their ratio, and the allocations of one
// sign-in (measured alone afterwards, since the allocation counter is
// process-wide).
func paired(b *testing.B, unit string, bare func(), signIn func() time.Duration, allocs func() uint64) {
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var bareTotal, signInTotal time.Duration
	var wg sync.WaitGroup
	next := make(chan struct{}, b.N)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	// One sign-in first, untimed: the pool's first one creates its signing
	// keys (two RSA key generations), a cost paid once per pool.
	signIn()
	b.ResetTimer()
	for range workers {
		wg.Go(func() {
			var bt, st time.Duration
			for range next {
				bt += timed(bare)
				st += signIn()
			}
			mu.Lock()
			bareTotal += bt
			signInTotal += st
			mu.Unlock()
		})
	}
	wg.Wait()
	b.StopTimer()
	// Rates on all workers: each worker spent its share of the totals.
	perWorker := func(total time.Duration) float64 { return float64(b.N) / (total.Seconds() / float64(workers)) }
	b.ReportMetric(perWorker(signInTotal), unit)
	b.ReportMetric(perWorker(bareTotal), "bare/s")
	b.ReportMetric(bareTotal.Seconds()/signInTotal.Seconds(), "ratio")
	const samples = 20
	var n uint64
	for range samples {
		n += allocs()
	}
	b.ReportMetric(float64(n)/samples, "allocs/signin")
}

// mallocs counts the heap allocations of f.
func mallocs(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}

// rs256 is one RS256 signature over a token-sized payload, as minting an
// ID or access token costs.
func rs256(b *testing.B) func() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(strings.Repeat(`{"sub":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","iss":"https://cirro.test/us-east-1_x"}`, 8))
	return func() {
		d := sha256.Sum256(payload)
		if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUserPasswordAuth: USER_PASSWORD_AUTH sign-ins with the default
// argon2id settings against one argon2id verification plus two RS256
// signatures.
func BenchmarkUserPasswordAuth(b *testing.B) {
	h := newHarness(b, password.DefaultParams())
	hasher, err := h.svc.users.Hasher()
	if err != nil {
		b.Fatal(err)
	}
	hash, sign := hasher.Hash(amyPassword), rs256(b)
	signIn := func() {
		out, err := h.passwordAuth("amy", amyPassword)
		if err != nil || out.AuthenticationResult == nil {
			b.Fatalf("sign-in: %v", err)
		}
	}
	paired(b, "signins/s", func() {
		if ok, err := hasher.Verify(hash, amyPassword); !ok || err != nil {
			b.Fatal("bare verify failed")
		}
		sign()
		sign()
	}, func() time.Duration { return timed(signIn) }, func() uint64 { return mallocs(signIn) })
}

// BenchmarkUserSRPAuth: USER_SRP_AUTH sign-ins, both round trips, timing
// the server only (the client's half, which costs more than the server's,
// is not cirro's), against the server's three modular exponentiations
// plus two RS256 signatures.
func BenchmarkUserSRPAuth(b *testing.B) {
	h := newHarness(b, password.FastParams())
	sign := rs256(b)
	_, verifier := srp.NewVerifier("x", "amy", amyPassword)
	srpA := srptest.NewClient(deref(h.pool.Id), amyPassword).SRPA()
	// signIn runs one sign-in, measuring the server's calls with measure.
	signIn := func(measure func(func())) {
		cl := srptest.NewClient(deref(h.pool.Id), amyPassword)
		var start *cognitoidp.InitiateAuthResponse
		var err error
		measure(func() {
			start, err = h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeUserSrpAuth), ClientId: &h.clientID,
				AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
		})
		if err != nil {
			b.Fatal(err)
		}
		answer, err := cl.PasswordVerifier(start.ChallengeParameters, h.clock.Now())
		if err != nil {
			b.Fatal(err)
		}
		var out *cognitoidp.RespondToAuthChallengeResponse
		measure(func() {
			out, err = h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{ChallengeName: ptr(cognitoidp.ChallengeNameTypePasswordVerifier),
				ClientId: &h.clientID, ChallengeResponses: answer})
		})
		if err != nil || out.AuthenticationResult == nil {
			b.Fatalf("PASSWORD_VERIFIER: %v", err)
		}
	}
	paired(b, "signins/s", func() {
		srv, err := srp.NewServer(verifier)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.Key(srpA); err != nil {
			b.Fatal(err)
		}
		sign()
		sign()
	}, func() time.Duration {
		var d time.Duration
		signIn(func(f func()) { d += timed(f) })
		return d
	}, func() uint64 {
		var n uint64
		signIn(func(f func()) { n += mallocs(f) })
		return n
	})
}

// BenchmarkRefreshTokenAuth: REFRESH_TOKEN_AUTH against two RS256
// signatures.
func BenchmarkRefreshTokenAuth(b *testing.B) {
	h := newHarness(b, password.FastParams())
	out, err := h.passwordAuth("amy", amyPassword)
	if err != nil {
		b.Fatal(err)
	}
	rt := deref(out.AuthenticationResult.RefreshToken)
	sign := rs256(b)
	refresh := func() {
		res, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeRefreshTokenAuth), ClientId: &h.clientID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": rt}})
		if err != nil || res.AuthenticationResult == nil {
			b.Fatalf("refresh: %v", err)
		}
	}
	paired(b, "refreshes/s", func() { sign(); sign() }, func() time.Duration { return timed(refresh) }, func() uint64 { return mallocs(refresh) })
}
