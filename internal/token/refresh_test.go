package token

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// TestRefreshKeepsSession: refreshed tokens keep the sign-in's origin_jti,
// auth_time and event_id, carry the user as Prepare reports it now, and
// come without a refresh token when the client does not rotate.
func TestRefreshKeepsSession(t *testing.T) {
	e := newEnv(t)
	first := e.signIn(nil)
	if b, err := base64.RawURLEncoding.DecodeString(first.RefreshToken); err != nil || len(b) != refreshBytes {
		t.Fatalf("refresh token %q is not %d random bytes in base64url", first.RefreshToken, refreshBytes)
	}
	// Only the hash is stored.
	e.st.Read(e.ctx, func(tx store.Tx) error {
		if _, err := tx.Get(e.ctx, KindRefreshToken, first.RefreshToken); !errors.Is(err, store.ErrNotFound) {
			t.Error("refresh token stored in clear")
		}
		if _, err := tx.Get(e.ctx, KindRefreshToken, refreshID(first.RefreshToken)); err != nil {
			t.Error(err)
		}
		return nil
	})

	e.clk.Advance(50 * time.Minute)
	var grant *Grant
	toks, err := e.svc.Refresh(e.ctx, RefreshRequest{Token: first.RefreshToken, ClientID: *e.client.ClientId,
		Prepare: func(_ context.Context, g *Grant) (*Renewal, error) {
			grant = g
			u := e.subject()
			u.Attributes["email"] = "new@example.com"
			return &Renewal{User: u, Customize: Customization{ID: ClaimChanges{AddOrOverride: map[string]any{"refreshed": true}}}}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if toks.RefreshToken != "" {
		t.Error("a refresh token without rotation")
	}
	if grant.PoolID != e.poolID || grant.ClientID != *e.client.ClientId || grant.Sub != e.subject().Sub || grant.Username != "jane" ||
		grant.OriginJTI != first.OriginJTI || !grant.AuthTime.Equal(t0) || grant.Client == nil {
		t.Errorf("grant %+v", grant)
	}
	old, id, access := decode(t, first.IDToken).Claims, decode(t, toks.IDToken).Claims, decode(t, toks.AccessToken).Claims
	for _, c := range []map[string]any{id, access} {
		if c["origin_jti"] != first.OriginJTI || c["auth_time"] != old["auth_time"] || c["event_id"] != old["event_id"] {
			t.Errorf("refreshed claims lost the session: %v", c)
		}
		if c["jti"] == old["jti"] || c["iat"] == old["iat"] {
			t.Errorf("refreshed claims reuse jti or iat: %v", c)
		}
	}
	if id["email"] != "new@example.com" || id["refreshed"] != true {
		t.Errorf("refreshed ID token does not reflect the user now: %v", id)
	}
	if _, err := e.svc.VerifyAccess(e.ctx, toks.AccessToken); err != nil {
		t.Fatal(err)
	}
	// Without rotation the same refresh token goes on working.
	if _, err := e.refresh(e.svc, first.RefreshToken, *e.client.ClientId); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshRefusals(t *testing.T) {
	e := newEnv(t)
	toks := e.signIn(nil)
	other := e.newClient(e.poolID, nil)

	_, err := e.refresh(e.svc, toks.RefreshToken, *other.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Invalid Refresh Token.")
	_, err = e.refresh(e.svc, "bm90LWEtdG9rZW4", *e.client.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Invalid Refresh Token.")
	_, err = e.refresh(e.svc, "", *e.client.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Invalid Refresh Token.")

	// A remembered device's token needs its DEVICE_KEY.
	dev := e.signIn(func(r *IssueRequest) { r.DeviceKey = "us-east-1_dev" })
	_, err = e.refresh(e.svc, dev.RefreshToken, *e.client.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Invalid Refresh Token.")
	ok, err := e.svc.Refresh(e.ctx, RefreshRequest{Token: dev.RefreshToken, ClientID: *e.client.ClientId, DeviceKey: "us-east-1_dev",
		Prepare: func(context.Context, *Grant) (*Renewal, error) { return &Renewal{User: e.subject()}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if decode(t, ok.AccessToken).Claims["device_key"] != "us-east-1_dev" {
		t.Error("refreshed access token lost device_key")
	}

	// Prepare's refusal is the answer; a Prepare for the wrong user is a bug.
	refusal := errs.New(errs.UserNotFoundException, "User does not exist.")
	_, err = e.svc.Refresh(e.ctx, RefreshRequest{Token: toks.RefreshToken, ClientID: *e.client.ClientId,
		Prepare: func(context.Context, *Grant) (*Renewal, error) { return nil, refusal }})
	if err != refusal {
		t.Fatalf("Prepare's error not returned: %v", err)
	}
	_, err = e.svc.Refresh(e.ctx, RefreshRequest{Token: toks.RefreshToken, ClientID: *e.client.ClientId,
		Prepare: func(context.Context, *Grant) (*Renewal, error) {
			return &Renewal{User: Subject{Sub: "someone-else"}}, nil
		}})
	if err == nil || errs.HTTPStatus(err) != 500 {
		t.Fatalf("Prepare for another user: %v", err)
	}

	// Signed out after the token was issued.
	e.clk.Advance(time.Minute)
	e.users.signOut(e.poolID, e.subject().Sub, e.clk.Now())
	_, err = e.refresh(e.svc, toks.RefreshToken, *e.client.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Refresh Token has been revoked")

	// Expiry at the client's RefreshTokenValidity (30 days by default).
	fresh := e.signIn(nil)
	e.clk.Advance(30*24*time.Hour - time.Second)
	if _, err := e.refresh(e.svc, fresh.RefreshToken, *e.client.ClientId); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Second)
	_, err = e.refresh(e.svc, fresh.RefreshToken, *e.client.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Refresh Token has expired")
}

func rotatingClient(e *env, grace int32) *cognitoidp.UserPoolClientType {
	return e.newClient(e.poolID, func(in *cognitoidp.CreateUserPoolClientRequest) {
		in.RefreshTokenRotation = &cognitoidp.RefreshTokenRotationType{Feature: ptr(cognitoidp.FeatureTypeEnabled), RetryGracePeriodSeconds: &grace}
	})
}

// TestRefreshRotation: with rotation, each refresh returns a new refresh token of
// the same session; the old one works for the grace period (client
// retries), and presenting it after that is reuse: the exception, and the
// whole session revoked — refresh tokens and access tokens alike.
func TestRefreshRotation(t *testing.T) {
	e := newEnv(t)
	client := rotatingClient(e, 10)
	clientID := *client.ClientId
	first := e.signIn(func(r *IssueRequest) { r.Client = client })

	second, err := e.refresh(e.svc, first.RefreshToken, clientID)
	if err != nil {
		t.Fatal(err)
	}
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.OriginJTI != first.OriginJTI {
		t.Fatalf("rotation returned %+v", second)
	}
	// A retry within the grace period succeeds.
	e.clk.Advance(9 * time.Second)
	retry, err := e.refresh(e.svc, first.RefreshToken, clientID)
	if err != nil {
		t.Fatalf("retry within the grace period: %v", err)
	}
	e.clk.Advance(time.Second)
	third, err := e.refresh(e.svc, second.RefreshToken, clientID)
	if err != nil {
		t.Fatal(err)
	}
	// Reuse after the grace period.
	_, err = e.refresh(e.svc, first.RefreshToken, clientID)
	wantErr(t, err, errs.RefreshTokenReuseException, "")
	// The session is revoked, and the revocation was committed.
	for _, rt := range []string{third.RefreshToken, retry.RefreshToken, first.RefreshToken} {
		_, err = e.refresh(e.svc, rt, clientID)
		wantErr(t, err, errs.NotAuthorizedException, "Refresh Token has been revoked")
	}
	_, err = e.svc.VerifyAccess(e.ctx, third.AccessToken)
	wantErr(t, err, errs.NotAuthorizedException, "Access Token has been revoked")
	// Other sessions of the user are untouched.
	other := e.signIn(func(r *IssueRequest) { r.Client = client })
	if _, err := e.refresh(e.svc, other.RefreshToken, clientID); err != nil {
		t.Fatal(err)
	}
}

// TestRotationNoGrace: with RetryGracePeriodSeconds 0 the first refresh
// invalidates the token at once, and of two concurrent refreshes exactly
// one succeeds.
func TestRotationNoGrace(t *testing.T) {
	e := newEnv(t)
	client := rotatingClient(e, 0)
	first := e.signIn(func(r *IssueRequest) { r.Client = client })
	if _, err := e.refresh(e.svc, first.RefreshToken, *client.ClientId); err != nil {
		t.Fatal(err)
	}
	_, err := e.refresh(e.svc, first.RefreshToken, *client.ClientId)
	wantErr(t, err, errs.RefreshTokenReuseException, "")

	racer := e.signIn(func(r *IssueRequest) { r.Client = client })
	node2 := e.node(e.st)
	results := make(chan error, 2)
	start := make(chan struct{})
	for _, svc := range []*Service{e.svc, node2} {
		go func() {
			<-start
			_, err := e.refresh(svc, racer.RefreshToken, *client.ClientId)
			results <- err
		}()
	}
	close(start)
	var ok, reused int
	for range 2 {
		switch err := <-results; {
		case err == nil:
			ok++
		case errs.Is(err, errs.RefreshTokenReuseException):
			reused++
		default:
			t.Fatal(err)
		}
	}
	if ok > 1 {
		t.Fatalf("%d concurrent refreshes of one token succeeded with no grace period", ok)
	}
	if ok+reused != 2 {
		t.Fatalf("ok %d, reused %d", ok, reused)
	}
}
