package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// harness is a sign-in service over a private in-memory store, with a
// pool, an app client allowing every flow, and the user "amy".
type harness struct {
	t        testing.TB
	ctx      context.Context
	svc      *Service
	clock    *clock.Fake
	pool     *cognitoidp.UserPoolType
	clientID string
}

const amyPassword = "Corr3ct-Horse!"

type discard struct{}

func (discard) Send(context.Context, message.Message) error { return nil }

func newHarness(t testing.TB, hashing password.Params) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(time.Date(2026, 11, 3, 5, 7, 9, 0, time.UTC))
	keys := secrets.Random()
	pools := &pool.Service{Store: st, Clock: clk, Keys: keys, Region: "us-east-1", AccountID: "000000000000", PublicURL: "https://cirro.test"}
	users := &user.Service{Store: st, Clock: clk, Keys: keys, Pools: pools, Messages: discard{}, PublicURL: "https://cirro.test", Hashing: hashing}
	tokens, err := token.New(token.Config{Store: st, Clock: clk, Keys: keys, PublicURL: "https://cirro.test", Directory: pools,
		Users: token.UsersFunc(func(ctx context.Context, tx store.Tx, poolID, sub string) (time.Time, bool, error) {
			u, _, err := users.Get(ctx, tx, poolID, sub)
			if errors.Is(err, user.ErrNotFound) {
				return time.Time{}, false, nil
			}
			if err != nil {
				return time.Time{}, false, err
			}
			return u.TokensValidAfter, true, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Store: st, Clock: clk, Keys: keys, Pools: pools, Users: users, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: ctx, svc: svc, clock: clk}
	p, err := pools.CreateUserPool(ctx, &cognitoidp.CreateUserPoolRequest{PoolName: ptr("p")})
	if err != nil {
		t.Fatal(err)
	}
	h.pool = p.UserPool
	c, err := pools.CreateUserPoolClient(ctx, &cognitoidp.CreateUserPoolClientRequest{
		UserPoolId: h.pool.Id, ClientName: ptr("c"),
		ExplicitAuthFlows: []string{
			cognitoidp.ExplicitAuthFlowsTypeAllowUserPasswordAuth, cognitoidp.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			cognitoidp.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, cognitoidp.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.clientID = *c.UserPoolClient.ClientId
	h.addUser("amy", amyPassword)
	return h
}

func (h *harness) addUser(name, pw string) {
	h.t.Helper()
	users := h.svc.users
	if _, err := users.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{UserPoolId: h.pool.Id, Username: &name,
		MessageAction: ptr(cognitoidp.MessageActionTypeSuppress)}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := users.AdminSetUserPassword(h.ctx, &cognitoidp.AdminSetUserPasswordRequest{UserPoolId: h.pool.Id, Username: &name,
		Password: &pw, Permanent: ptr(true)}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) passwordAuth(name, pw string) (*cognitoidp.InitiateAuthResponse, error) {
	return h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{
		AuthFlow: ptr(cognitoidp.AuthFlowTypeUserPasswordAuth), ClientId: &h.clientID,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw},
	})
}
