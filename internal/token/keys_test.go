package token

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/postgres"
	"github.com/cirrohq/cirro/internal/store/postgres/pgtest"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

func kids(set jose.JSONWebKeySet) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

func kidOf(t testing.TB, token string) string {
	t.Helper()
	return decode(t, token).Header["kid"].(string)
}

func (e *env) jwks(svc *Service) jose.JSONWebKeySet {
	e.t.Helper()
	set, err := svc.JWKS(e.ctx, e.poolID)
	if err != nil {
		e.t.Fatal(err)
	}
	return set
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestKeysCreatedLazilyAndSealed: the first use creates one ID and one
// access key; the private key at rest opens only with the master key and
// for its own pool and kid; the JWKS shape is Cognito's.
func TestKeysCreatedLazilyAndSealed(t *testing.T) {
	e := newEnv(t)
	count := func() int {
		var n int
		if err := e.st.Read(e.ctx, func(tx store.Tx) error {
			var err error
			n, err = tx.Count(e.ctx, store.Query{Kind: KindSigningKey, Scope: e.poolID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("%d keys before first use", n)
	}
	set := e.jwks(e.svc)
	if len(set.Keys) != 2 || count() != 2 {
		t.Fatalf("JWKS %v, %d records; want one ID and one access key", kids(set), count())
	}
	for _, k := range set.Keys {
		if k.Algorithm != "RS256" || k.Use != "sig" || !k.IsPublic() || k.KeyID == "" {
			t.Errorf("JWK %+v", k)
		}
		if pub, ok := k.Key.(interface{ Size() int }); !ok || pub.Size() != 256 {
			t.Errorf("key %s is not RSA-2048", k.KeyID)
		}
	}
	var docs []*keyDoc
	if err := e.st.Read(e.ctx, func(tx store.Tx) error {
		var err error
		_, docs, err = listKeys(e.ctx, tx, e.poolID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := e.keys.Open(sealPurpose, d.Private, keyAD(e.poolID, d.KID)); err != nil {
			t.Errorf("sealed key does not open: %v", err)
		}
		if _, err := e.keys.Open(sealPurpose, d.Private, keyAD("us-east-1_other", d.KID)); err == nil {
			t.Error("sealed key opens for another pool")
		}
	}
	// An unknown pool gets ResourceNotFoundException and no keys.
	if _, err := e.svc.JWKS(e.ctx, "us-east-1_nope"); !errs.Is(err, errs.ResourceNotFoundException) {
		t.Fatalf("unknown pool: %v", err)
	}
}

// TestRotation walks a rotation through time on two nodes: the new key is
// published at once but signs only after the publish delay; the old key
// stays published while a token it signed can be alive, then retires and
// verifies nothing more.
func TestRotation(t *testing.T) {
	e := newEnv(t)
	node2 := e.node(e.st)
	maxClient := e.newClient(e.poolID, func(in *cognitoidp.CreateUserPoolClientRequest) {
		in.AccessTokenValidity, in.IdTokenValidity = ptr(int32(1)), ptr(int32(1))
		in.TokenValidityUnits = &cognitoidp.TokenValidityUnitsType{AccessToken: ptr("days"), IdToken: ptr("days")}
	})
	maxSignIn := func() *Tokens { return e.signIn(func(r *IssueRequest) { r.Client = maxClient }) }

	before := maxSignIn()
	oldKids := kids(e.jwks(node2)) // node2 caches the old set
	oldKey := func() *signingKey {
		ks, _ := e.svc.keySet(e.ctx, e.poolID, false)
		return ks.signer(UseAccess, e.clk.Now())
	}()

	if err := e.svc.Rotate(e.ctx, e.poolID); err != nil {
		t.Fatal(err)
	}
	published := kids(e.jwks(e.svc))
	if len(published) != 4 {
		t.Fatalf("after Rotate the JWKS has %d keys, want old and new for both uses", len(published))
	}
	var newKids []string
	for _, k := range published {
		if !has(oldKids, k) {
			newKids = append(newKids, k)
		}
	}
	// Published, not signing yet, on either node.
	for _, svc := range []*Service{e.svc, node2} {
		toks, err := svc.IssueTokens(e.ctx, IssueRequest{PoolID: e.poolID, Client: e.client, User: e.subject()})
		if err != nil {
			t.Fatal(err)
		}
		if !has(oldKids, kidOf(t, toks.AccessToken)) || !has(oldKids, kidOf(t, toks.IDToken)) {
			t.Fatal("a rotated key signed before its publish delay")
		}
	}
	// node2 picks the new keys up within its cache TTL.
	e.clk.Advance(DefaultKeyCacheTTL)
	if got := kids(e.jwks(node2)); len(got) != 4 {
		t.Fatalf("node2 JWKS after its cache TTL: %v", got)
	}
	// The last token the old key signs, with the longest validity.
	e.clk.Advance(DefaultPublishDelay - DefaultKeyCacheTTL - time.Second)
	last := maxSignIn()
	if !has(oldKids, kidOf(t, last.AccessToken)) {
		t.Fatal("old key stopped signing early")
	}
	e.clk.Advance(time.Second)
	for _, svc := range []*Service{e.svc, node2} {
		toks, err := svc.IssueTokens(e.ctx, IssueRequest{PoolID: e.poolID, Client: e.client, User: e.subject()})
		if err != nil {
			t.Fatal(err)
		}
		if !has(newKids, kidOf(t, toks.AccessToken)) || !has(newKids, kidOf(t, toks.IDToken)) {
			t.Fatal("the rotated key does not sign after the publish delay")
		}
		if _, err := svc.VerifyAccess(e.ctx, toks.AccessToken); err != nil {
			t.Fatal(err)
		}
	}
	// The old key still verifies its tokens until they expire.
	e.clk.Advance(MaxTokenValidity - 2*time.Second)
	if _, err := e.svc.VerifyAccess(e.ctx, last.AccessToken); err != nil {
		t.Fatalf("last token of the old key refused before it expired: %v", err)
	}
	if _, err := e.svc.VerifyAccess(e.ctx, before.AccessToken); !errs.Is(err, errs.NotAuthorizedException) {
		t.Fatalf("expired token accepted: %v", err)
	}
	if got := kids(e.jwks(e.svc)); len(got) != 4 {
		t.Fatalf("old key left the JWKS while its tokens live: %v", got)
	}
	// After the leeway, the old key retires: gone from the JWKS, and a
	// token it signs (forged here with a far expiry) no longer verifies.
	e.clk.Advance(retireLeeway + 2*time.Second)
	for _, svc := range []*Service{e.svc, node2} {
		e.clk.Advance(DefaultKeyCacheTTL)
		got := kids(e.jwks(svc))
		if len(got) != 2 || !has(got, newKids[0]) || !has(got, newKids[1]) {
			t.Fatalf("after retirement the JWKS is %v, want the new keys %v", got, newKids)
		}
	}
	c := claimSet{"sub": e.subject().Sub, "iss": e.svc.Issuer(e.poolID), "token_use": "access", "client_id": *e.client.ClientId,
		"iat": e.clk.Now().Unix(), "exp": e.clk.Now().Add(time.Hour).Unix(), "username": "jane"}
	forged, err := oldKey.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.VerifyAccess(e.ctx, forged)
	wantErr(t, err, errs.NotAuthorizedException, msgInvalidAccess)
}

// TestConcurrentFirstKeys: nodes creating a pool's first keys at the same
// moment end with exactly one key per use, and agree on it.
func TestConcurrentFirstKeys(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cirro.db")
		concurrentFirstKeys(t, func() store.Store {
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		concurrentFirstKeys(t, func() store.Store {
			st, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		})
	})
}

func concurrentFirstKeys(t *testing.T, open func() store.Store) {
	const nodes, rounds = 4, 5
	first := open()
	e := newEnvOn(t, first)
	svcs := []*Service{e.svc}
	for range nodes - 1 {
		svcs = append(svcs, e.node(open()))
	}
	for range rounds {
		poolID := e.newPool("race")
		sets := make([]jose.JSONWebKeySet, nodes)
		errc := make(chan error, nodes)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, svc := range svcs {
			wg.Go(func() {
				<-start
				set, err := svc.JWKS(e.ctx, poolID)
				sets[i] = set
				errc <- err
			})
		}
		close(start)
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		first.Read(e.ctx, func(tx store.Tx) error {
			n, _ = tx.Count(e.ctx, store.Query{Kind: KindSigningKey, Scope: poolID})
			return nil
		})
		if n != 2 {
			t.Fatalf("%d key records after a concurrent first use, want 2", n)
		}
		for i := range sets {
			if a, b := kids(sets[0]), kids(sets[i]); len(a) != 2 || len(b) != 2 || a[0] != b[0] || a[1] != b[1] {
				t.Fatalf("node %d sees keys %v, node 0 %v", i, b, a)
			}
		}
	}
}
