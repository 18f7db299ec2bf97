package token

import (
	"strings"
	"testing"
)

// BenchmarkIssueTokens is a sign-in's token work: claims, two RS256
// signatures and, unless noted, the refresh token's insert (in-memory
// SQLite). Compare with two BenchmarkSignRS256Alone.
func BenchmarkIssueTokens(b *testing.B) {
	for _, tc := range []struct {
		name      string
		noRefresh bool
	}{{"with-refresh-token", false}, {"signing-only", true}} {
		b.Run(tc.name, func(b *testing.B) {
			e := newEnv(b)
			req := IssueRequest{PoolID: e.poolID, Client: e.client, User: richSubject(), NoRefreshToken: tc.noRefresh}
			if _, err := e.svc.IssueTokens(e.ctx, req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.svc.IssueTokens(e.ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignRS256Alone is the baseline: one go-jose RS256 signature of
// a typical access token payload with a warm key.
func BenchmarkSignRS256Alone(b *testing.B) {
	e := newEnv(b)
	toks := e.signIn(nil)
	key := mustSigner(b, e, e.poolID, UseAccess)
	payload := decodePart(b, strings.Split(toks.AccessToken, ".")[1])
	b.ReportAllocs()
	for b.Loop() {
		obj, err := key.signer.Sign(payload)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := obj.CompactSerialize(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyAccess is a token-authorized operation's check: one RS256
// verification and the store reads for pool, client, revoked origin and
// user.
func BenchmarkVerifyAccess(b *testing.B) {
	e := newEnv(b)
	toks := e.signIn(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.VerifyAccess(e.ctx, toks.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}
