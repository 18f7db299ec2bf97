package user

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// harness is a user directory on a private in-memory store, a fake clock
// and a sender that keeps what it is given (or fails when told to).
type harness struct {
	t     testing.TB
	ctx   context.Context
	svc   *Service
	clock *clock.Fake
	sent  *sentBox
}

type sentBox struct {
	mu   sync.Mutex
	msgs []message.Message
	fail error
}

func (b *sentBox) Send(_ context.Context, m message.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		return message.Failed(m.Channel, b.fail)
	}
	b.msgs = append(b.msgs, m)
	return nil
}

// last is the latest message to to.
func (b *sentBox) last(t testing.TB, to string) message.Message {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.msgs) - 1; i >= 0; i-- {
		if b.msgs[i].To == to {
			return b.msgs[i]
		}
	}
	t.Fatalf("no message to %s", to)
	return message.Message{}
}

func (b *sentBox) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.msgs)
}

func newHarness(t testing.TB) *harness {
	return newHarnessOn(t, nil)
}

// newHarnessOn is newHarness on st (an in-memory store when nil).
func newHarnessOn(t testing.TB, st store.Store) *harness {
	t.Helper()
	ctx := context.Background()
	if st == nil {
		mem, err := sqlite.OpenMemory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st = mem
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	keys := secrets.Random()
	pools := &pool.Service{Store: st, Clock: clk, Keys: keys, Region: "us-east-1", AccountID: "000000000000", PublicURL: "http://cirro.test"}
	sent := &sentBox{}
	svc := &Service{Store: st, Clock: clk, Keys: keys, Pools: pools, Messages: sent, PublicURL: "http://cirro.test", Hashing: password.FastParams()}
	return &harness{t: t, ctx: ctx, svc: svc, clock: clk, sent: sent}
}

// newPool creates a pool with the request edited by opts.
func (h *harness) newPool(opts ...func(*cognitoidp.CreateUserPoolRequest)) *cognitoidp.UserPoolType {
	h.t.Helper()
	in := &cognitoidp.CreateUserPoolRequest{PoolName: ptr("p")}
	for _, o := range opts {
		o(in)
	}
	out, err := h.svc.Pools.CreateUserPool(h.ctx, in)
	if err != nil {
		h.t.Fatal(err)
	}
	return out.UserPool
}

// newClient creates an app client of pool, with a secret when secret is true.
func (h *harness) newClient(poolID string, secret bool, opts ...func(*cognitoidp.CreateUserPoolClientRequest)) *cognitoidp.UserPoolClientType {
	h.t.Helper()
	in := &cognitoidp.CreateUserPoolClientRequest{UserPoolId: &poolID, ClientName: ptr("c"), GenerateSecret: ptr(secret)}
	for _, o := range opts {
		o(in)
	}
	out, err := h.svc.Pools.CreateUserPoolClient(h.ctx, in)
	if err != nil {
		h.t.Fatal(err)
	}
	return out.UserPoolClient
}

// user reads a user by name.
func (h *harness) user(p *cognitoidp.UserPoolType, name string) *User {
	h.t.Helper()
	var u *User
	err := h.svc.Store.Read(h.ctx, func(tx store.Tx) (err error) {
		u, _, err = h.svc.find(h.ctx, tx, p, name)
		return err
	})
	if err != nil {
		h.t.Fatalf("user %s: %v", name, err)
	}
	return u
}

func attrs(kv ...string) []cognitoidp.AttributeType {
	var out []cognitoidp.AttributeType
	for i := 0; i < len(kv); i += 2 {
		out = append(out, cognitoidp.AttributeType{Name: ptr(kv[i]), Value: ptr(kv[i+1])})
	}
	return out
}

// wantErr fails unless err is a Cognito error of type code whose message
// contains msg.
func wantErr(t *testing.T, err error, code errs.Code, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
	if !strings.Contains(e.Message, msg) {
		t.Fatalf("%s: message %q does not contain %q", code, e.Message, msg)
	}
}

const goodPassword = "Passw0rd!"
