package auth

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/user"
)

func TestFlowEnabled(t *testing.T) {
	srpSpec := FlowSpec{Allowed: []string{cognitoidp.ExplicitAuthFlowsTypeAllowUserSrpAuth}, Legacy: true}
	pwSpec := FlowSpec{Allowed: []string{cognitoidp.ExplicitAuthFlowsTypeAllowUserPasswordAuth, cognitoidp.ExplicitAuthFlowsTypeUserPasswordAuth}}
	for _, r := range []struct {
		flows   []string
		spec    FlowSpec
		enabled bool
	}{
		{nil, srpSpec, true}, // the default flows
		{nil, pwSpec, false},
		{[]string{cognitoidp.ExplicitAuthFlowsTypeAllowUserPasswordAuth}, srpSpec, false},
		{[]string{cognitoidp.ExplicitAuthFlowsTypeAllowUserPasswordAuth}, pwSpec, true},
		{[]string{cognitoidp.ExplicitAuthFlowsTypeUserPasswordAuth}, pwSpec, true},
		{[]string{cognitoidp.ExplicitAuthFlowsTypeUserPasswordAuth}, srpSpec, true}, // legacy clients always had SRP
		{[]string{cognitoidp.ExplicitAuthFlowsTypeCustomAuthFlowOnly}, srpSpec, false},
	} {
		c := &cognitoidp.UserPoolClientType{ExplicitAuthFlows: r.flows}
		if got := flowEnabled(c, r.spec); got != r.enabled {
			t.Errorf("flows %v, allowed %v: enabled %v, want %v", r.flows, r.spec.Allowed, got, r.enabled)
		}
	}
}

// A session opens only for its pool and client, unaltered, unexpired, and
// for the challenge it was issued for.
func TestSessionSealing(t *testing.T) {
	h := newHarness(t, password.FastParams())
	r, err := h.svc.open(h.ctx, false, nil, h.clientID)
	if err != nil {
		t.Fatal(err)
	}
	r.Name = cognitoidp.ChallengeNameTypeNewPasswordRequired
	u := &user.User{Sub: "s", Username: "amy"}
	raw, err := h.svc.sealSession(r.newSession(&Challenge{Name: r.Name, User: u, Data: map[string]string{"k": "v"}}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.svc.openSession(r, raw)
	if err != nil || got.Sub != "s" || got.Data["k"] != "v" || !got.Expires.Equal(h.clock.Now().Add(3*time.Minute)) {
		t.Fatalf("open: %+v %v", got, err)
	}
	for i := range raw {
		b := []byte(raw)
		b[i] ^= 1
		if _, err := h.svc.openSession(r, string(b)); err == nil {
			t.Fatalf("session altered at %d opened", i)
		}
	}
	other := *r
	other.Client = &cognitoidp.UserPoolClientType{ClientId: ptr("other"), UserPoolId: r.Pool.Id}
	if _, err := h.svc.openSession(&other, raw); err != errSessionInvalid {
		t.Fatalf("another client's session: %v", err)
	}
	wrong := *r
	wrong.Name = cognitoidp.ChallengeNameTypeSmsMfa
	if _, err := h.svc.openSession(&wrong, raw); err != errChallengeMatch {
		t.Fatalf("another challenge: %v", err)
	}
	h.clock.Advance(3 * time.Minute)
	r.now = h.clock.Now()
	if _, err := h.svc.openSession(r, raw); err != errSessionExpired {
		t.Fatalf("expired: %v", err)
	}
}

// Decoy ids look like subs in pools whose usernames are subs, and are
// stable per name, case-folded as the pool compares names.
func TestDecoyUserID(t *testing.T) {
	h := newHarness(t, password.FastParams())
	p := *h.pool
	if got := h.svc.decoyUserID(&p, "Nobody"); got != "Nobody" {
		t.Fatalf("username pool: %q", got)
	}
	p.UsernameAttributes = []string{"email"}
	p.UsernameConfiguration = &cognitoidp.UsernameConfigurationType{CaseSensitive: ptr(false)}
	a, b := h.svc.decoyUserID(&p, "No@Example.com"), h.svc.decoyUserID(&p, "no@example.com")
	if a != b || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(a) {
		t.Fatalf("decoy ids %q %q", a, b)
	}
}

// A handler registered for a new flow plugs into the core: the flow is
// gated by its ExplicitAuthFlows value, and a Step added after the
// built-in ones challenges before tokens.
func TestPluggableHandlers(t *testing.T) {
	h := newHarness(t, password.FastParams())
	h.svc.HandleFlow(FlowSpec{
		Name: cognitoidp.AuthFlowTypeCustomAuth, Public: true, Admin: true,
		Allowed:  []string{cognitoidp.ExplicitAuthFlowsTypeAllowCustomAuth},
		Disabled: errs.New(errs.InvalidParameterException, "Auth flow not enabled for this client"),
		Handler: HandlerFunc(func(ctx context.Context, r *Request) (*Outcome, error) {
			u, err := h.svc.findUser(ctx, r, r.Param("USERNAME"))
			if err != nil {
				return nil, err
			}
			return &Outcome{Challenge: &Challenge{Name: cognitoidp.ChallengeNameTypeCustomChallenge, User: u, Data: map[string]string{"answer": "42"},
				Parameters: map[string]string{"USERNAME": u.Username, "question": "?"}}}, nil
		}),
	})
	h.svc.HandleChallenge(ChallengeSpec{Name: cognitoidp.ChallengeNameTypeCustomChallenge, Handler: HandlerFunc(func(ctx context.Context, r *Request) (*Outcome, error) {
		if r.Param("ANSWER") != r.Session.Data["answer"] {
			return nil, errIncorrect
		}
		u, err := h.svc.getUser(ctx, r, r.Session.PoolID, r.Session.Sub)
		return &Outcome{User: u}, err
	})})
	start, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeCustomAuth), ClientId: &h.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy"}})
	if !errs.Is(err, errs.InvalidParameterException) {
		t.Fatalf("CUSTOM_AUTH on a client without ALLOW_CUSTOM_AUTH: %v %v", start, err)
	}
	c, err := h.svc.pools.CreateUserPoolClient(h.ctx, &cognitoidp.CreateUserPoolClientRequest{UserPoolId: h.pool.Id, ClientName: ptr("custom")})
	if err != nil {
		t.Fatal(err)
	}
	client := *c.UserPoolClient.ClientId
	start, err = h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeCustomAuth), ClientId: &client,
		AuthParameters: map[string]string{"USERNAME": "amy"}})
	if err != nil || deref(start.ChallengeName) != cognitoidp.ChallengeNameTypeCustomChallenge || start.Session == nil {
		t.Fatalf("start: %+v %v", start, err)
	}
	done, err := h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{ChallengeName: ptr(cognitoidp.ChallengeNameTypeCustomChallenge),
		ClientId: &client, Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "amy", "ANSWER": "42"}})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("answer: %+v %v", done, err)
	}
}

// A challenge nobody registered is refused before anything is read.
func TestUnregisteredChallenge(t *testing.T) {
	h := newHarness(t, password.FastParams())
	_, err := h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{ChallengeName: ptr(cognitoidp.ChallengeNameTypeWebAuthn),
		ClientId: &h.clientID, ChallengeResponses: map[string]string{"USERNAME": "amy"}, Session: ptr("x")})
	if e, ok := errs.As(err); !ok || e.Code != errs.InvalidParameterException || e.Message != "The challenge WEB_AUTHN is not supported." {
		t.Fatalf("unregistered challenge: %v", err)
	}
}
