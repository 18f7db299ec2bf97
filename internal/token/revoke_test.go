package token

import (
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// TestRevokeRefreshToken is RevokeToken: the refresh token and every
// token of its session are refused, on every node; other sessions live.
func TestRevokeRefreshToken(t *testing.T) {
	e := newEnv(t)
	node2 := e.node(e.st)
	clientID := *e.client.ClientId
	victim := e.signIn(nil)
	refreshed, err := e.refresh(e.svc, victim.RefreshToken, clientID)
	if err != nil {
		t.Fatal(err)
	}
	bystander := e.signIn(nil)

	if err := e.svc.RevokeRefreshToken(e.ctx, victim.RefreshToken, clientID); err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*Service{e.svc, node2} {
		_, err = e.refresh(svc, victim.RefreshToken, clientID)
		wantErr(t, err, errs.NotAuthorizedException, "Refresh Token has been revoked")
		for _, at := range []string{victim.AccessToken, refreshed.AccessToken} {
			_, err = svc.VerifyAccess(e.ctx, at)
			wantErr(t, err, errs.NotAuthorizedException, "Access Token has been revoked")
		}
		if _, err := svc.VerifyAccess(e.ctx, bystander.AccessToken); err != nil {
			t.Fatalf("another session was revoked: %v", err)
		}
	}
	// Revoking again, or revoking what is unknown, succeeds silently.
	if err := e.svc.RevokeRefreshToken(e.ctx, victim.RefreshToken, clientID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RevokeRefreshToken(e.ctx, "bm90LWEtdG9rZW4", clientID); err != nil {
		t.Fatal(err)
	}
	// Another client cannot revoke it, and learns nothing.
	other := e.newClient(e.poolID, nil)
	if err := e.svc.RevokeRefreshToken(e.ctx, bystander.RefreshToken, *other.ClientId); err != nil {
		t.Fatal(err)
	}
	if _, err := e.refresh(e.svc, bystander.RefreshToken, clientID); err != nil {
		t.Fatalf("another client revoked the token: %v", err)
	}
	// Only refresh tokens can be revoked.
	err = e.svc.RevokeRefreshToken(e.ctx, bystander.AccessToken, clientID)
	wantErr(t, err, errs.UnsupportedTokenTypeException, "")
	// Clients without token revocation cannot revoke.
	off := e.newClient(e.poolID, func(in *cognitoidp.CreateUserPoolClientRequest) { in.EnableTokenRevocation = ptr(false) })
	offToks := e.signIn(func(r *IssueRequest) { r.Client = off })
	err = e.svc.RevokeRefreshToken(e.ctx, offToks.RefreshToken, *off.ClientId)
	wantErr(t, err, errs.UnsupportedOperationException, "")
}

// TestRevokeAllForUser is global sign-out: every session of the user is
// revoked — including tokens issued in the very second of the sign-out,
// which TokensValidAfter alone cannot tell apart — and a sign-in made
// right after works.
func TestRevokeAllForUser(t *testing.T) {
	e := newEnv(t)
	clientID := *e.client.ClientId
	e.clk.Set(t0.Add(300 * time.Millisecond))
	a := e.signIn(nil)
	b := e.signIn(nil)
	someoneElse := e.signIn(func(r *IssueRequest) { r.User = Subject{Sub: "other-sub", Username: "bob"} })

	e.clk.Set(t0.Add(700 * time.Millisecond))
	now := e.clk.Now()
	e.users.signOut(e.poolID, e.subject().Sub, now)
	if err := e.svc.RevokeAllForUser(e.ctx, e.poolID, e.subject().Sub, now); err != nil {
		t.Fatal(err)
	}
	for _, toks := range []*Tokens{a, b} {
		_, err := e.svc.VerifyAccess(e.ctx, toks.AccessToken)
		wantErr(t, err, errs.NotAuthorizedException, "Access Token has been revoked")
		_, err = e.refresh(e.svc, toks.RefreshToken, clientID)
		wantErr(t, err, errs.NotAuthorizedException, "Refresh Token has been revoked")
	}
	if _, err := e.svc.VerifyAccess(e.ctx, someoneElse.AccessToken); err != nil {
		t.Fatalf("another user signed out: %v", err)
	}
	e.clk.Set(t0.Add(900 * time.Millisecond))
	again := e.signIn(nil)
	if _, err := e.svc.VerifyAccess(e.ctx, again.AccessToken); err != nil {
		t.Fatalf("sign-in right after the sign-out refused: %v", err)
	}
	if _, err := e.refresh(e.svc, again.RefreshToken, clientID); err != nil {
		t.Fatal(err)
	}
}

// TestRevocationRecordsExpire: revoked sessions and tombstones are kept
// only as long as a token they concern can be alive, then swept.
func TestRevocationRecordsExpire(t *testing.T) {
	e := newEnv(t)
	toks := e.signIn(nil)
	if err := e.svc.RevokeRefreshToken(e.ctx, toks.RefreshToken, *e.client.ClientId); err != nil {
		t.Fatal(err)
	}
	count := func(kind string) int {
		var n int
		e.st.Read(e.ctx, func(tx store.Tx) error {
			n, _ = tx.Count(e.ctx, store.Query{Kind: kind, Scope: e.poolID})
			return nil
		})
		return n
	}
	if _, err := e.st.Sweep(e.ctx, e.clk.Now().Add(MaxTokenValidity)); err != nil {
		t.Fatal(err)
	}
	if count(KindRevokedOrigin) != 1 || count(KindRefreshToken) != 1 {
		t.Fatal("revocation forgotten while its tokens may live")
	}
	if _, err := e.st.Sweep(e.ctx, e.clk.Now().Add(31*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, m := count(KindRevokedOrigin), count(KindRefreshToken); n != 0 || m != 0 {
		t.Fatalf("%d revoked origins and %d refresh tokens outlived every token", n, m)
	}
}

// TestDeleteUserTokens: deleting a user removes its refresh tokens and no
// one else's; its access tokens are refused once the user is gone.
func TestDeleteUserTokens(t *testing.T) {
	e := newEnv(t)
	mine := e.signIn(nil)
	e.signIn(nil)
	theirs := e.signIn(func(r *IssueRequest) { r.User = Subject{Sub: "other-sub", Username: "bob"} })
	if err := e.st.Write(e.ctx, func(tx store.Tx) error {
		return e.svc.DeleteUserTokens(e.ctx, tx, e.poolID, e.subject().Sub)
	}); err != nil {
		t.Fatal(err)
	}
	e.users.remove(e.poolID, e.subject().Sub)
	_, err := e.refresh(e.svc, mine.RefreshToken, *e.client.ClientId)
	wantErr(t, err, errs.NotAuthorizedException, "Invalid Refresh Token.")
	_, err = e.svc.VerifyAccess(e.ctx, mine.AccessToken)
	wantErr(t, err, errs.UserNotFoundException, "User does not exist.")
	var n int
	e.st.Read(e.ctx, func(tx store.Tx) error {
		n, _ = tx.Count(e.ctx, store.Query{Kind: KindRefreshToken, Scope: e.poolID})
		return nil
	})
	if n != 1 {
		t.Fatalf("%d refresh tokens left, want only the other user's", n)
	}
	if _, err := e.svc.VerifyAccess(e.ctx, theirs.AccessToken); err != nil {
		t.Fatal(err)
	}
}
