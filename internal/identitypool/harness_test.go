package identitypool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
	"github.com/cirrohq/cirro/internal/token"
)

// testKey is one RSA key for the whole test binary: generating keys
// would dominate the tests' run time.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeUserPools verifies ID tokens from a table: a token string is
// "valid" when the test registered claims for it.
type fakeUserPools struct {
	mu      sync.Mutex
	tokens  map[string]*token.IDClaims
	revoked map[string]bool
}

func (f *fakeUserPools) add(tok string, c *token.IDClaims) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[tok] = c
}

func (f *fakeUserPools) VerifyID(_ context.Context, tok string) (*token.IDClaims, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.tokens[tok]
	if !ok {
		return nil, errs.New(errs.NotAuthorizedException, "Invalid login token. Couldn't verify signed token.")
	}
	return c, nil
}

func (f *fakeUserPools) CheckIDLive(_ context.Context, c *token.IDClaims) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.revoked[c.Sub] {
		return errs.New(errs.NotAuthorizedException, "Invalid login token. The token has been revoked.")
	}
	return nil
}

type harness struct {
	s     *Service
	store store.Store
	keys  *secrets.Keyring
	clock *clock.Fake
	pools *fakeUserPools
}

type harnessOption func(*Config)

func withSTS(endpoint string) harnessOption {
	return func(c *Config) { c.STS = config.STSConfig{Endpoint: endpoint} }
}

func withHTTPClient(hc *http.Client) harnessOption { return func(c *Config) { c.HTTPClient = hc } }

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	st, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{store: st, keys: secrets.Random(), clock: clock.NewFake(time.Now().Truncate(time.Second)),
		pools: &fakeUserPools{tokens: map[string]*token.IDClaims{}, revoked: map[string]bool{}}}
	h.s = h.service(t, opts...)
	return h
}

// service makes another Service (node) on the harness's store and keys.
func (h *harness) service(t *testing.T, opts ...harnessOption) *Service {
	t.Helper()
	cfg := Config{Store: h.store, Clock: h.clock, Keys: h.keys, Region: "us-east-1", AccountID: "000000000000",
		PublicURL: "https://idp.example.test", UserPools: h.pools}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.newKey = func() (*rsa.PrivateKey, error) { return testKey(), nil }
	return s
}

// pool creates an identity pool.
func (h *harness) pool(t *testing.T, edit func(*cognitoidentity.CreateIdentityPoolInput)) string {
	t.Helper()
	in := &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: ptr("test"), AllowUnauthenticatedIdentities: ptr(false)}
	if edit != nil {
		edit(in)
	}
	p, err := h.s.CreateIdentityPool(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *p.IdentityPoolId
}

func ptr[T any](v T) *T { return &v }

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("want %s, got %v", code, err)
	}
}
