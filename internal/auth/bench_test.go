package auth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// The sign-in benchmarks compare cirro's whole sign-in (store, sessions,
// events, token minting) with the bare cryptography it cannot avoid,
// measured in the same process just before: the ratio of the two rates is
// the share of the time spent on that cryptography. Reproduce with
//
//	go test ./internal/auth -run '^$' -bench . -cpu 2 -benchtime 10s
//
// (docs/performance.md has the figures).

var bareRates sync.Map // benchmark name → ops/s

// bareRate measures op the way the benchmark itself is measured (the
// testing package's own loop, in parallel on GOMAXPROCS goroutines unless
// sequential) and returns operations per second, once per benchmark.
func bareRate(b *testing.B, sequential bool, op func()) float64 {
	if v, ok := bareRates.Load(b.Name()); ok {
		return v.(float64)
	}
	res := testing.Benchmark(func(bb *testing.B) {
		if sequential {
			for range bb.N {
				op()
			}
			return
		}
		bb.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				op()
			}
		})
	})
	rate := float64(res.N) / res.T.Seconds()
	bareRates.Store(b.Name(), rate)
	return rate
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

func report(b *testing.B, bare float64, unit string) {
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, unit)
	b.ReportMetric(bare, "bare/s")
	b.ReportMetric(rate/bare, "ratio")
}

// BenchmarkUserPasswordAuth: USER_PASSWORD_AUTH sign-ins per second with
// the default argon2id settings, in parallel on every CPU, against one
// argon2id verification plus two RS256 signatures.
func BenchmarkUserPasswordAuth(b *testing.B) {
	h := newHarness(b, password.DefaultParams())
	hasher, err := h.svc.users.Hasher()
	if err != nil {
		b.Fatal(err)
	}
	hash, sign := hasher.Hash(amyPassword), rs256(b)
	bare := bareRate(b, false, func() {
		if ok, err := hasher.Verify(hash, amyPassword); !ok || err != nil {
			b.Fatal("bare verify failed")
		}
		sign()
		sign()
	})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := h.passwordAuth("amy", amyPassword)
			if err != nil || out.AuthenticationResult == nil {
				b.Fatalf("sign-in: %v", err)
			}
		}
	})
	report(b, bare, "signins/s")
}

// BenchmarkUserSRPAuth: USER_SRP_AUTH sign-ins (both round trips) per
// second on one CPU, timing the server only (the client's half, which
// costs more than the server's, runs with the timer stopped), against the
// server's three modular exponentiations plus two RS256 signatures.
func BenchmarkUserSRPAuth(b *testing.B) {
	h := newHarness(b, password.FastParams())
	sign := rs256(b)
	_, verifier := srp.NewVerifier("x", "amy", amyPassword)
	srpA := srptest.NewClient(deref(h.pool.Id), amyPassword).SRPA()
	bare := bareRate(b, true, func() {
		srv, err := srp.NewServer(verifier)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.Key(srpA); err != nil {
			b.Fatal(err)
		}
		sign()
		sign()
	})
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		cl := srptest.NewClient(deref(h.pool.Id), amyPassword)
		b.StartTimer()
		start, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeUserSrpAuth), ClientId: &h.clientID,
			AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		answer, err := cl.PasswordVerifier(start.ChallengeParameters, h.clock.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		out, err := h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{ChallengeName: ptr(cognitoidp.ChallengeNameTypePasswordVerifier),
			ClientId: &h.clientID, ChallengeResponses: answer})
		if err != nil || out.AuthenticationResult == nil {
			b.Fatalf("PASSWORD_VERIFIER: %v", err)
		}
	}
	report(b, bare, "signins/s")
}

// BenchmarkRefreshTokenAuth: REFRESH_TOKEN_AUTH per second, in parallel,
// against two RS256 signatures.
func BenchmarkRefreshTokenAuth(b *testing.B) {
	h := newHarness(b, password.FastParams())
	out, err := h.passwordAuth("amy", amyPassword)
	if err != nil {
		b.Fatal(err)
	}
	rt := deref(out.AuthenticationResult.RefreshToken)
	sign := rs256(b)
	bare := bareRate(b, false, func() { sign(); sign() })
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeRefreshTokenAuth), ClientId: &h.clientID,
				AuthParameters: map[string]string{"REFRESH_TOKEN": rt}})
			if err != nil || res.AuthenticationResult == nil {
				b.Fatalf("refresh: %v", err)
			}
		}
	})
	report(b, bare, "refreshes/s")
}
