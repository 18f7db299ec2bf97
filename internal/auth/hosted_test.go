package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// The hosted entry points run the API's sign-in and stop where tokens
// would be issued: the event and the lockout are the API's, no token is
// minted until HostedTokens.
func TestHostedSignIn(t *testing.T) {
	h := newHarness(t, password.FastParams())
	if _, err := h.svc.HostedSignIn(h.ctx, h.clientID, "amy", amyPassword); err == nil {
		t.Fatal("hosted sign-in without EnableHostedUI")
	}
	h.svc.EnableHostedUI()
	h.svc.EnableHostedUI() // idempotent
	if n := len(h.svc.hooks); n == 0 || h.svc.hooks[0] != TokenHook(hostedStop{}) || (n > 1 && h.svc.hooks[1] == TokenHook(hostedStop{})) {
		t.Fatalf("hooks %v", h.svc.hooks)
	}
	step, err := h.svc.HostedSignIn(h.ctx, h.clientID, "amy", amyPassword)
	if err != nil || step.User == nil || step.User.Username != "amy" || !step.User.AuthTime.Equal(h.clock.Now()) {
		t.Fatalf("%+v %v", step, err)
	}
	if n := hostedCount(t, h, token.KindRefreshToken); n != 0 {
		t.Errorf("%d refresh tokens after a hosted sign-in", n)
	}
	if _, err := h.svc.HostedSignIn(h.ctx, h.clientID, "amy", "Wrong-pa55!"); !errs.Is(err, errs.NotAuthorizedException) {
		t.Errorf("wrong password: %v", err)
	}
	// The API's own sign-in still issues tokens.
	if res, err := h.passwordAuth("amy", amyPassword); err != nil || res.AuthenticationResult == nil {
		t.Errorf("API sign-in after EnableHostedUI: %v", err)
	}

	toks, err := h.svc.HostedTokens(h.ctx, HostedGrant{ClientID: h.clientID, Sub: step.User.Sub, AuthTime: step.User.AuthTime,
		Scopes: []string{"openid", "email"}, Nonce: "n1"})
	if err != nil {
		t.Fatal(err)
	}
	id, access := hostedClaims(t, toks.IDToken), hostedClaims(t, toks.AccessToken)
	if id["nonce"] != "n1" || id["at_hash"] == nil || access["scope"] != "openid email" || access["version"] != 2.0 || access["event_id"] != nil {
		t.Errorf("OAuth claims: id %v access %v", id, access)
	}
	refreshed, err := h.svc.HostedRefresh(h.ctx, h.clientID, toks.RefreshToken)
	if err != nil || hostedClaims(t, refreshed.AccessToken)["scope"] != "openid email" {
		t.Errorf("refresh: %v", err)
	}
}

// A temporary password leads to NEW_PASSWORD_REQUIRED, answered through
// HostedRespond as RespondToAuthChallenge answers it.
func TestHostedChallenge(t *testing.T) {
	h := newHarness(t, password.FastParams())
	h.svc.EnableHostedUI()
	if _, err := h.svc.users.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{UserPoolId: h.pool.Id, Username: ptr("rose"),
		TemporaryPassword: ptr("Temp-0rary-pw!"), MessageAction: ptr(cognitoidp.MessageActionTypeSuppress)}); err != nil {
		t.Fatal(err)
	}
	step, err := h.svc.HostedSignIn(h.ctx, h.clientID, "rose", "Temp-0rary-pw!")
	if err != nil || step.Challenge != cognitoidp.ChallengeNameTypeNewPasswordRequired || step.Session == "" {
		t.Fatalf("%+v %v", step, err)
	}
	h.clock.Advance(time.Second)
	done, err := h.svc.HostedRespond(h.ctx, h.clientID, step.Challenge, step.Session, map[string]string{"USERNAME": "rose", "NEW_PASSWORD": "New-Passw0rd!"})
	if err != nil || done.User == nil || done.User.Username != "rose" {
		t.Fatalf("%+v %v", done, err)
	}
	if _, err := h.svc.HostedRespond(h.ctx, h.clientID, step.Challenge, step.Session, map[string]string{"USERNAME": "rose", "NEW_PASSWORD": "New-Passw0rd!"}); err == nil ||
		!strings.Contains(err.Error(), "Invalid session") {
		t.Errorf("replayed session: %v", err)
	}
	// A user disabled since gets no tokens.
	if _, err := h.svc.users.AdminDisableUser(h.ctx, &cognitoidp.AdminDisableUserRequest{UserPoolId: h.pool.Id, Username: ptr("rose")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.HostedTokens(h.ctx, HostedGrant{ClientID: h.clientID, Sub: done.User.Sub, Scopes: []string{"openid"}}); !errs.Is(err, errs.NotAuthorizedException) {
		t.Errorf("tokens for a disabled user: %v", err)
	}
}

func hostedCount(t *testing.T, h *harness, kind string) int {
	t.Helper()
	var n int
	err := h.svc.store.Read(context.Background(), func(tx store.Tx) (err error) {
		n, err = tx.Count(context.Background(), store.Query{Kind: kind, AnyScope: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func hostedClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}
