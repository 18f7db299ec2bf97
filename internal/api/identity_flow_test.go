package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cit "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/identitypool"
	"github.com/cirrohq/cirro/internal/store"
)

// A user pool user signs in, and the ID token becomes an identity and,
// through STS, AWS credentials of the authenticated role. The same user
// signing in again gets the same identity.
func TestIdentityAuthenticatedFlow(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	poolID, clientID := f.userPool(t)
	provider := f.providerName(poolID)
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false)}
	})
	f.setRoles(t, ipID, map[string]string{"authenticated": authRole, "unauthenticated": unauthRole}, nil)
	f.signUp(t, poolID, "ana", "email", "ana@example.com")
	idToken, accessToken := f.signIn(t, poolID, clientID, "ana")
	logins := map[string]string{provider: idToken}

	id := f.getID(t, ipID, logins)
	if !strings.HasPrefix(id, "us-east-1:") || len(id) != len("us-east-1:")+36 {
		t.Fatalf("identity id %q", id)
	}
	again, _ := f.signIn(t, poolID, clientID, "ana")
	if got := f.getID(t, ipID, map[string]string{provider: again}); got != id {
		t.Fatalf("second sign-in: identity %s, want %s", got, id)
	}

	call := f.mustCredentials(t, id, logins)
	sub := cirrotest.Claims(t, idToken)["sub"].(string)
	if call.Role != authRole || call.Claims["aud"] != ipID || call.Claims["iss"] != f.c.URL+"/identitypool" ||
		!slices.Equal(amr(call.Claims), []string{"authenticated", provider, provider + ":CognitoSignIn:" + sub}) {
		t.Fatalf("STS call %+v", call)
	}

	desc, err := f.ci.DescribeIdentity(ctx, &ci.DescribeIdentityInput{IdentityId: &id})
	if err != nil || !slices.Equal(desc.Logins, []string{provider}) || desc.CreationDate == nil || desc.LastModifiedDate == nil {
		t.Fatalf("DescribeIdentity: %+v %v", desc, err)
	}

	for _, c := range []struct {
		name   string
		logins map[string]string
		code   string
		msg    string
	}{
		{"no logins", nil, "NotAuthorizedException", "Access to Identity '" + id + "' is forbidden."},
		{"access token", map[string]string{provider: accessToken}, "NotAuthorizedException", "Invalid login token. Missing a required claim: aud"},
		{"garbage", map[string]string{provider: "not.a.token"}, "NotAuthorizedException", "Invalid login token. Couldn't verify signed token."},
		{"unknown provider", map[string]string{"login.example.com": idToken}, "NotAuthorizedException", "Token is not from a supported provider of this identity pool."},
		{"cognito token", map[string]string{"cognito-identity.amazonaws.com": idToken}, "NotAuthorizedException", "Invalid login token. Couldn't verify signed token."},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.credentials(id, c.logins)
			wantCognitoErr(t, err, c.code, c.msg)
		})
	}

	// The token of another app client, or of another pool named under
	// this pool's key, is refused.
	other := f.appClient(t, poolID)
	foreign := f.mintID(t, poolID, other, "someone-else", nil)
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &ipID, Logins: map[string]string{provider: foreign}})
	wantCognitoErr(t, err, "NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
	pool2, client2 := f.userPool(t)
	_, err = f.ci.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &ipID, IdentityPoolName: aws.String("identities"),
		CognitoIdentityProviders: []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false), userPoolProvider(f.providerName(pool2), client2, false)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &ipID, Logins: map[string]string{f.providerName(pool2): idToken}})
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName")
	// The unknown pool.
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String("us-east-1:00000000-0000-4000-8000-000000000000")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "IdentityPool 'us-east-1:00000000-0000-4000-8000-000000000000' not found.")
	_, err = f.credentials("us-east-1:00000000-0000-4000-8000-000000000000", nil)
	wantCognitoErr(t, err, "ResourceNotFoundException", "Identity 'us-east-1:00000000-0000-4000-8000-000000000000' not found.")
}

// Cognito's own spelling of a user pool provider
// (cognito-idp.<region>.amazonaws.com/<poolId>), which templates carry,
// names the same provider as cirro's: both reach one identity.
func TestIdentityAWSProviderSpelling(t *testing.T) {
	f := newIDFixture(t)
	poolID, clientID := f.userPool(t)
	awsName := "cognito-idp.us-east-1.amazonaws.com/" + poolID
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(awsName, clientID, false)}
	})
	f.setRoles(t, ipID, map[string]string{"authenticated": authRole}, nil)
	tok := f.mintID(t, poolID, clientID, "sub-1", nil)
	id := f.getID(t, ipID, map[string]string{awsName: tok})
	if got := f.getID(t, ipID, map[string]string{f.providerName(poolID): tok}); got != id {
		t.Fatalf("cirro spelling: %s, AWS spelling: %s", got, id)
	}
	if got := f.getID(t, ipID, map[string]string{awsName: tok, f.providerName(poolID): tok}); got != id {
		t.Fatalf("both spellings at once: %s, want %s", got, id)
	}
	_, err := f.ci.GetId(context.Background(), &ci.GetIdInput{IdentityPoolId: &ipID,
		Logins: map[string]string{awsName: tok, f.providerName(poolID): f.mintID(t, poolID, clientID, "sub-2", nil)}})
	wantCognitoErr(t, err, "InvalidParameterException", "The logins name two users of")
	f.mustCredentials(t, id, map[string]string{f.providerName(poolID): tok})
}

// Guests get the unauthenticated role where the pool allows them, and
// nothing where it does not.
func TestIdentityUnauthenticatedFlow(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	open := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) { in.AllowUnauthenticatedIdentities = true })
	f.setRoles(t, open, map[string]string{"authenticated": authRole, "unauthenticated": unauthRole}, nil)
	guest := f.getID(t, open, nil)
	if other := f.getID(t, open, nil); other == guest {
		t.Fatal("each GetId without logins is a new guest")
	}
	call := f.mustCredentials(t, guest, nil)
	if call.Role != unauthRole || !slices.Equal(amr(call.Claims), []string{"unauthenticated"}) {
		t.Fatalf("guest STS call %+v", call)
	}
	tok, err := f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &guest})
	if err != nil || aws.ToString(tok.IdentityId) != guest {
		t.Fatalf("GetOpenIdToken: %+v %v", tok, err)
	}

	closed := f.identityPool(t, nil)
	f.setRoles(t, closed, map[string]string{"authenticated": authRole, "unauthenticated": unauthRole}, nil)
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &closed})
	wantCognitoErr(t, err, "NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.")

	// A guest made while the pool allowed guests is refused once it does not.
	_, err = f.ci.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &open, IdentityPoolName: aws.String("identities")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.credentials(guest, nil)
	wantCognitoErr(t, err, "NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.")

	// A pool without an unauthenticated role is misconfigured.
	norole := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) { in.AllowUnauthenticatedIdentities = true })
	f.setRoles(t, norole, map[string]string{"authenticated": authRole}, nil)
	_, err = f.credentials(f.getID(t, norole, nil), nil)
	wantCognitoErr(t, err, "InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.")

	// STS refusing the role (its trust policy) is reported the same way.
	f.sts.denyRole(unauthRole)
	_, err = f.credentials(f.getID(t, norole, nil), nil)
	wantCognitoErr(t, err, "InvalidIdentityPoolConfigurationException", "")
}

// A guest who signs in keeps its identity, now authenticated; a guest
// whose login already has an identity is answered with that identity.
func TestIdentityGuestSignsIn(t *testing.T) {
	f := newIDFixture(t)
	poolID, clientID := f.userPool(t)
	provider := f.providerName(poolID)
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.AllowUnauthenticatedIdentities = true
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false)}
	})
	f.setRoles(t, ipID, map[string]string{"authenticated": authRole, "unauthenticated": unauthRole}, nil)

	guest := f.getID(t, ipID, nil)
	bea := map[string]string{provider: f.mintID(t, poolID, clientID, "bea", nil)}
	if call := f.mustCredentials(t, guest, bea); call.Role != authRole {
		t.Fatalf("signed-in guest assumed %s", call.Role)
	}
	if id := f.getID(t, ipID, bea); id != guest {
		t.Fatalf("GetId after linking: %s, want the guest's %s", id, guest)
	}
	_, err := f.credentials(guest, nil)
	wantCognitoErr(t, err, "NotAuthorizedException", "is forbidden")

	second := f.getID(t, ipID, nil)
	out, err := f.credentials(second, bea)
	if err != nil || aws.ToString(out.IdentityId) != guest {
		t.Fatalf("second guest signing in as bea: %+v %v, want identity %s", out, err, guest)
	}
	// Another user's login cannot be added to bea's identity without
	// one of bea's logins.
	_, err = f.ci.GetOpenIdToken(context.Background(), &ci.GetOpenIdTokenInput{IdentityId: &guest,
		Logins: map[string]string{provider: f.mintID(t, poolID, clientID, "cal", nil)}})
	wantCognitoErr(t, err, "NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.")
}

// Identity tokens are verifiable by anyone through cirro's discovery
// document, and the basic flow is refused where the pool turned it off
// or maps roles.
func TestIdentityOpenIdTokenAndClassicFlow(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	poolID, clientID := f.userPool(t)
	provider := f.providerName(poolID)
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false)}
	})
	logins := map[string]string{provider: f.mintID(t, poolID, clientID, "dee", nil)}
	id := f.getID(t, ipID, logins)
	out, err := f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &id, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	issuer := f.c.URL + "/identitypool"
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Verifier(&oidc.Config{ClientID: ipID}).Verify(ctx, *out.Token)
	if err != nil || tok.Subject != id || tok.Expiry.Sub(tok.IssuedAt).Minutes() != 10 {
		t.Fatalf("identity token: %+v %v", tok, err)
	}
	res, err := http.Get(issuer + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	var jwks struct{ Keys []map[string]any }
	err = json.NewDecoder(res.Body).Decode(&jwks)
	res.Body.Close()
	if err != nil || len(jwks.Keys) != 1 || jwks.Keys[0]["alg"] != "RS512" || jwks.Keys[0]["d"] != nil {
		t.Fatalf("JWKS: %+v %v", jwks, err)
	}

	f.setRoles(t, ipID, map[string]string{"authenticated": authRole}, map[string]cit.RoleMapping{
		provider + ":" + clientID: {Type: cit.RoleMappingTypeToken, AmbiguousRoleResolution: cit.AmbiguousRoleResolutionTypeAuthenticatedRole},
	})
	_, err = f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &id, Logins: logins})
	wantCognitoErr(t, err, "InvalidParameterException", "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.")
	_, err = f.ci.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &ipID, IdentityPoolName: aws.String("identities"), AllowClassicFlow: aws.Bool(false),
		CognitoIdentityProviders: []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &id, Logins: logins})
	wantCognitoErr(t, err, "InvalidParameterException", "Basic (classic) flow is not enabled, please use enhanced flow.")
}

// With ServerSideTokenCheck the identity pool asks the user pool whether
// the token was revoked: after a global sign-out the same, unexpired ID
// token no longer gets credentials. Without it the token stays good
// until it expires, as in Cognito.
func TestIdentityServerSideTokenCheck(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	poolID, clientID := f.userPool(t)
	provider := f.providerName(poolID)
	pool := func(check bool) string {
		id := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
			in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, check)}
		})
		f.setRoles(t, id, map[string]string{"authenticated": authRole}, nil)
		return id
	}
	checked, unchecked := pool(true), pool(false)
	f.signUp(t, poolID, "eve")
	idToken, _ := f.signIn(t, poolID, clientID, "eve")
	logins := map[string]string{provider: idToken}
	checkedID, uncheckedID := f.getID(t, checked, logins), f.getID(t, unchecked, logins)
	f.mustCredentials(t, checkedID, logins)

	if _, err := f.idp.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: aws.String("eve")}); err != nil {
		t.Fatal(err)
	}
	_, err := f.credentials(checkedID, logins)
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid login token. The token has been revoked.")
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &checked, Logins: logins})
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid login token. The token has been revoked.")
	f.mustCredentials(t, uncheckedID, logins)

	// A deleted user's token is refused the same way.
	fresh, _ := f.signIn(t, poolID, clientID, "eve")
	f.mustCredentials(t, checkedID, map[string]string{provider: fresh})
	if _, err := f.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: aws.String("eve")}); err != nil {
		t.Fatal(err)
	}
	_, err = f.credentials(checkedID, map[string]string{provider: fresh})
	wantCognitoErr(t, err, "NotAuthorizedException", "revoked")
}

// An expired ID token is refused with Cognito's "now >= exp" message.
func TestIdentityExpiredLogin(t *testing.T) {
	clk := familyClock()
	f := newIDFixture(t, cirrotest.WithClock(clk))
	poolID, clientID := f.userPool(t)
	provider := f.providerName(poolID)
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false)}
	})
	logins := map[string]string{provider: f.mintID(t, poolID, clientID, "old", nil)}
	f.getID(t, ipID, logins)
	exp := int64(cirrotest.Claims(t, logins[provider])["exp"].(float64))
	clk.Advance(2 * time.Hour)
	// GetId is unsigned, so the server's clock may run ahead of the SDK's.
	_, err := f.ci.GetId(context.Background(), &ci.GetIdInput{IdentityPoolId: &ipID, Logins: logins})
	wantCognitoErr(t, err, "NotAuthorizedException", fmt.Sprintf("Invalid login token. Token expired: %d >= %d", clk.Now().Unix(), exp))
}

// Without an STS endpoint cirro issues no credentials, and says so.
func TestIdentityWithoutSTS(t *testing.T) {
	c := cirrotest.Start(t)
	cl := c.Identity()
	ctx := context.Background()
	out, err := cl.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("guests"), AllowUnauthenticatedIdentities: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: out.IdentityPoolId, Roles: map[string]string{"unauthenticated": unauthRole}}); err != nil {
		t.Fatal(err)
	}
	id, err := cl.GetId(ctx, &ci.GetIdInput{IdentityPoolId: out.IdentityPoolId})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cl.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	wantCognitoErr(t, err, "InvalidIdentityPoolConfigurationException", "no STS endpoint configured")
	if _, err := cl.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: id.IdentityId}); err != nil {
		t.Fatalf("GetOpenIdToken needs no STS: %v", err)
	}
}

// Concurrent first sign-ins of one user, on one database, make one
// identity: the login's unique key decides, and the losers find the
// winner's identity.
func TestIdentityConcurrentGetId(t *testing.T) {
	for _, db := range identityBackends(t) {
		t.Run(db.name, func(t *testing.T) {
			f := newIDFixture(t, db.opt)
			poolID, clientID := f.userPool(t)
			provider := f.providerName(poolID)
			ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
				in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provider, clientID, false)}
			})
			logins := map[string]string{provider: f.mintID(t, poolID, clientID, "fay", nil)}
			ids := make([]string, 8)
			var wg sync.WaitGroup
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := f.ci.GetId(context.Background(), &ci.GetIdInput{IdentityPoolId: &ipID, Logins: logins})
					if err != nil {
						t.Error(err)
						return
					}
					ids[i] = *out.IdentityId
				}()
			}
			wg.Wait()
			for _, id := range ids {
				if id != ids[0] {
					t.Fatalf("concurrent GetId made several identities: %v", ids)
				}
			}
			var n int
			err := f.c.Internal().Store.Read(context.Background(), func(tx store.Tx) (err error) {
				n, err = tx.Count(context.Background(), store.Query{Kind: identitypool.KindIdentity, Scope: ipID})
				return err
			})
			if err != nil || n != 1 {
				t.Fatalf("%d identity records (%v), want 1", n, err)
			}
		})
	}
}
