package token

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

func TestVerifyAccess(t *testing.T) {
	e := newEnv(t)
	toks := e.signIn(func(r *IssueRequest) {
		r.User.Groups = []Group{{Name: "admins"}}
		r.DeviceKey = "us-east-1_device"
	})
	c, err := e.svc.VerifyAccess(e.ctx, toks.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	want := AccessClaims{
		PoolID: e.poolID, ClientID: *e.client.ClientId, Sub: e.subject().Sub, Username: "jane",
		Scopes: []string{ScopeAdmin}, Groups: []string{"admins"}, OriginJTI: toks.OriginJTI, DeviceKey: "us-east-1_device",
		AuthTime: t0, IssuedAt: t0, ExpiresAt: t0.Add(time.Hour),
	}
	if c.PoolID != want.PoolID || c.ClientID != want.ClientID || c.Sub != want.Sub || c.Username != want.Username ||
		strings.Join(c.Scopes, " ") != ScopeAdmin || strings.Join(c.Groups, ",") != "admins" || c.OriginJTI != want.OriginJTI ||
		c.DeviceKey != want.DeviceKey || !c.AuthTime.Equal(t0) || !c.IssuedAt.Equal(t0) || !c.ExpiresAt.Equal(want.ExpiresAt) ||
		!uuidRE.MatchString(c.JTI) || !uuidRE.MatchString(c.EventID) {
		t.Errorf("claims %+v", c)
	}
	if err := c.RequireScope(ScopeAdmin); err != nil {
		t.Error(err)
	}
	wantErr(t, c.RequireScope("openid"), errs.NotAuthorizedException, "Access Token does not have required scopes")

	// Expiry is exact: valid one second before exp, expired at exp.
	e.clk.Advance(time.Hour - time.Second)
	if _, err := e.svc.VerifyAccess(e.ctx, toks.AccessToken); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Second)
	_, err = e.svc.VerifyAccess(e.ctx, toks.AccessToken)
	wantErr(t, err, errs.NotAuthorizedException, "Access Token has expired")
}

// resign replaces a token's payload and signs it again with key.
func resign(t testing.TB, key *signingKey, token string, edit func(claimSet)) string {
	t.Helper()
	c := claimSet{}
	if err := json.Unmarshal(decodePart(t, strings.Split(token, ".")[1]), &c); err != nil {
		t.Fatal(err)
	}
	edit(c)
	out, err := key.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodePart(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encodePart(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestVerifyRejectsForgeries: every way of presenting a token cirro did
// not issue as a valid access token of this pool fails with "Invalid
// Access Token" before anything else is checked.
func TestVerifyRejectsForgeries(t *testing.T) {
	e := newEnv(t)
	toks := e.signIn(nil)
	parts := strings.Split(toks.AccessToken, ".")
	ks, err := e.svc.keySet(e.ctx, e.poolID, false)
	if err != nil {
		t.Fatal(err)
	}
	idKey, accessKey := ks.signer(UseID, t0), ks.signer(UseAccess, t0)

	otherPool := e.newPool("other")
	otherClient := e.newClient(otherPool, nil)
	other, err := e.svc.IssueTokens(e.ctx, IssueRequest{PoolID: otherPool, Client: otherClient, User: e.subject()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyAccess(e.ctx, other.AccessToken); err != nil {
		t.Fatalf("the other pool's own token: %v", err)
	}
	otherParts := strings.Split(other.AccessToken, ".")

	payload := map[string]any{}
	json.Unmarshal(decodePart(t, parts[1]), &payload)
	header := map[string]any{}
	json.Unmarshal(decodePart(t, parts[0]), &header)

	// HS256 keyed with the access key's public key: the classic
	// algorithm-confusion forgery.
	pubDER, _ := x509.MarshalPKIXPublicKey(accessKey.public.Key)
	hs, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pubDER}, (&jose.SignerOptions{}).WithHeader("kid", accessKey.kid))
	hsObj, _ := hs.Sign(decodePart(t, parts[1]))
	hsToken, _ := hsObj.CompactSerialize()

	flipped := []byte(parts[2])
	flipped[10] ^= 'A' ^ 'B'

	for name, token := range map[string]string{
		"tampered signature": parts[0] + "." + parts[1] + "." + string(flipped),
		"tampered payload": parts[0] + "." + encodePart(func() map[string]any {
			p := map[string]any{}
			for k, v := range payload {
				p[k] = v
			}
			p["username"] = "admin"
			return p
		}()) + "." + parts[2],
		"no signature":              parts[0] + "." + parts[1] + ".",
		"alg none":                  encodePart(map[string]any{"alg": "none", "kid": header["kid"]}) + "." + parts[1] + ".",
		"HS256 with the public key": hsToken,
		"another pool's signature on this pool's claims": otherParts[0] + "." + parts[1] + "." + otherParts[2],
		"another pool's key, this pool's iss":            resign(t, mustSigner(t, e, otherPool, UseAccess), toks.AccessToken, func(c claimSet) {}),
		"this pool's key, another pool's iss":            resign(t, accessKey, toks.AccessToken, func(c claimSet) { c["iss"] = e.svc.Issuer(otherPool) }),
		"foreign issuer":                                 resign(t, accessKey, toks.AccessToken, func(c claimSet) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/" + e.poolID }),
		"ID token as access token":                       toks.IDToken,
		"access claims signed by the ID key":             resign(t, idKey, toks.AccessToken, func(c claimSet) {}),
		"token_use id signed by the access key":          resign(t, accessKey, toks.AccessToken, func(c claimSet) { c["token_use"] = "id" }),
		"no client_id":                                   resign(t, accessKey, toks.AccessToken, func(c claimSet) { delete(c, "client_id") }),
		"unknown kid":                                    encodePart(map[string]any{"alg": "RS256", "kid": "nope"}) + "." + parts[1] + "." + parts[2],
		"JSON serialization":                             `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`,
		"garbage":                                        "not a token",
		"empty":                                          "",
		"huge":                                           strings.Repeat("a", maxTokenBytes+1),
	} {
		_, err := e.svc.VerifyAccess(e.ctx, token)
		if e, ok := errs.As(err); !ok || e.Code != errs.NotAuthorizedException || e.Message != msgInvalidAccess {
			t.Errorf("%s: %v, want NotAuthorizedException %q", name, err, msgInvalidAccess)
		}
	}
}

func mustSigner(t testing.TB, e *env, poolID, use string) *signingKey {
	t.Helper()
	ks, err := e.svc.keySet(e.ctx, poolID, true)
	if err != nil {
		t.Fatal(err)
	}
	return ks.signer(use, e.clk.Now())
}

// TestVerifyChecksPoolClientAndUser: a valid signature is not enough once
// the client or pool is deleted, or the user signed out or was deleted.
func TestVerifyChecksPoolClientAndUser(t *testing.T) {
	e := newEnv(t)

	client := e.newClient(e.poolID, nil)
	toks := e.signIn(func(r *IssueRequest) { r.Client = client })
	if err := e.pools.DeleteUserPoolClient(e.ctx, &cognitoidp.DeleteUserPoolClientRequest{UserPoolId: &e.poolID, ClientId: client.ClientId}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.VerifyAccess(e.ctx, toks.AccessToken)
	wantErr(t, err, errs.NotAuthorizedException, msgInvalidAccess)

	// Global sign-out: TokensValidAfter, compared at iat's resolution.
	e.clk.Advance(2 * time.Second)
	toks = e.signIn(nil)
	e.users.signOut(e.poolID, e.subject().Sub, e.clk.Now().Add(time.Second))
	_, err = e.svc.VerifyAccess(e.ctx, toks.AccessToken)
	wantErr(t, err, errs.NotAuthorizedException, msgAccessRevoked)
	e.clk.Advance(time.Second)
	after := e.signIn(nil)
	if _, err := e.svc.VerifyAccess(e.ctx, after.AccessToken); err != nil {
		t.Fatalf("token issued at the sign-out instant: %v", err)
	}

	e.users.remove(e.poolID, e.subject().Sub)
	_, err = e.svc.VerifyAccess(e.ctx, after.AccessToken)
	wantErr(t, err, errs.UserNotFoundException, "User does not exist.")

	// A deleted pool takes its tokens along.
	poolID := e.newPool("doomed")
	c := e.newClient(poolID, nil)
	toks, err = e.svc.IssueTokens(e.ctx, IssueRequest{PoolID: poolID, Client: c, User: Subject{Sub: "s", Username: "u"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.pools.DeleteUserPool(e.ctx, &cognitoidp.DeleteUserPoolRequest{UserPoolId: &poolID}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.VerifyAccess(e.ctx, toks.AccessToken)
	wantErr(t, err, errs.NotAuthorizedException, msgInvalidAccess)
}
