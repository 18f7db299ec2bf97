package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// t0 is the fixed start of every test clock.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

const publicURL = "https://cirro.example.com"

// testKeys hands out RSA keys generated once per test binary: key
// generation would otherwise dominate the run, all the more under -race.
// Every call returns a distinct key until the supply is exhausted.
var testKeys struct {
	once sync.Once
	mu   sync.Mutex
	keys []*rsa.PrivateKey
	next int
}

const testKeySupply = 48

func testKey() (*rsa.PrivateKey, error) {
	testKeys.once.Do(func() {
		keys := make([]*rsa.PrivateKey, testKeySupply)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic(err)
				}
				keys[i] = k
			})
		}
		wg.Wait()
		testKeys.keys = keys
	})
	testKeys.mu.Lock()
	defer testKeys.mu.Unlock()
	k := testKeys.keys[testKeys.next%len(testKeys.keys)]
	testKeys.next++
	return k, nil
}

// fakeUsers is the user directory as the token service sees it.
type fakeUsers struct {
	mu      sync.Mutex
	after   map[string]time.Time
	deleted map[string]bool
}

func (u *fakeUsers) TokensValidAfter(_ context.Context, _ store.Tx, poolID, sub string) (time.Time, bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.after[poolID+"/"+sub], !u.deleted[poolID+"/"+sub], nil
}

func (u *fakeUsers) signOut(poolID, sub string, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.after[poolID+"/"+sub] = at
}

func (u *fakeUsers) remove(poolID, sub string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.deleted[poolID+"/"+sub] = true
}

// env is one node of cirro over a store, with a pool and a client.
type env struct {
	t      testing.TB
	ctx    context.Context
	st     store.Store
	clk    *clock.Fake
	keys   *secrets.Keyring
	pools  *pool.Service
	users  *fakeUsers
	svc    *Service
	poolID string
	client *cognitoidp.UserPoolClientType
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st)
}

// newEnvOn is newEnv on a given store.
func newEnvOn(t testing.TB, st store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, st: st, clk: clock.NewFake(t0), keys: secrets.Random(),
		users: &fakeUsers{after: map[string]time.Time{}, deleted: map[string]bool{}}}
	e.pools = &pool.Service{Store: st, Clock: e.clk, Keys: e.keys, Region: "us-east-1", AccountID: "123456789012", PublicURL: publicURL, BaseDomain: "localhost"}
	e.svc = e.node(st)
	e.poolID = e.newPool("tokens")
	e.client = e.newClient(e.poolID, nil)
	return e
}

// node is another cirro process on the same store, master key and clock.
func (e *env) node(st store.Store) *Service {
	e.t.Helper()
	svc, err := New(Config{Store: st, Clock: e.clk, Keys: e.keys, PublicURL: publicURL, Directory: e.pools, Users: e.users})
	if err != nil {
		e.t.Fatal(err)
	}
	svc.newKey = testKey
	return svc
}

func (e *env) newPool(name string) string {
	e.t.Helper()
	out, err := e.pools.CreateUserPool(e.ctx, &cognitoidp.CreateUserPoolRequest{PoolName: &name})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.UserPool.Id
}

// newClient creates a client; edit, if given, changes the request.
func (e *env) newClient(poolID string, edit func(*cognitoidp.CreateUserPoolClientRequest)) *cognitoidp.UserPoolClientType {
	e.t.Helper()
	name := "app"
	in := &cognitoidp.CreateUserPoolClientRequest{UserPoolId: &poolID, ClientName: &name}
	if edit != nil {
		edit(in)
	}
	out, err := e.pools.CreateUserPoolClient(e.ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return out.UserPoolClient
}

func (e *env) subject() Subject {
	return Subject{Sub: "8f0b7a52-3c1d-4e8a-9b7e-2a6c5d4e3f21", Username: "jane", Attributes: map[string]string{"email": "jane@example.com", "email_verified": "true"}}
}

// signIn issues tokens for the default subject and client.
func (e *env) signIn(edit func(*IssueRequest)) *Tokens {
	e.t.Helper()
	req := IssueRequest{PoolID: e.poolID, Client: e.client, User: e.subject()}
	if edit != nil {
		edit(&req)
	}
	toks, err := e.svc.IssueTokens(e.ctx, req)
	if err != nil {
		e.t.Fatal(err)
	}
	return toks
}

// refresh refreshes with the default preparation: the same subject.
func (e *env) refresh(svc *Service, token string, clientID string) (*Tokens, error) {
	return svc.Refresh(e.ctx, RefreshRequest{Token: token, ClientID: clientID,
		Prepare: func(_ context.Context, g *Grant) (*Renewal, error) {
			u := e.subject()
			if g.Sub != u.Sub {
				e.t.Fatalf("grant for %s", g.Sub)
			}
			return &Renewal{User: u}, nil
		}})
}

// wantErr checks a Cognito error type and message.
func wantErr(t testing.TB, err error, code errs.Code, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("got error %v, want %s %q", err, code, msg)
	}
}

func ptr[T any](v T) *T { return &v }
