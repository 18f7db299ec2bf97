package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestFederationOIDCWithCirroUpstream: a second cirro is the upstream
// OpenID Provider (a pool with a domain and a confidential app client).
// A browser starts at the downstream pool's authorize endpoint with
// identity_provider, signs in on the upstream's hosted page, and comes
// back with a code; the tokens describe the user <Provider>_<sub> in
// EXTERNAL_PROVIDER with the mapped attributes, the identities claim and
// the provider's group.
func TestFederationOIDCWithCirroUpstream(t *testing.T) {
	ctx := context.Background()
	down := newFedSite(t)
	upSrv := cirrotest.Start(t)
	upPool := newFamilyPool(t, upSrv.IdentityProvider())
	idpResponse := down.c.URL + "/" + down.poolID + "/oauth2/idpresponse"
	up := siteFor(t, upSrv, upPool, func(in *cip.CreateUserPoolClientInput) { in.CallbackURLs = []string{idpResponse} })
	createConfirmed(t, up.idp, upPool, "rory", "rory@example.com", "name", "Rory Williams")
	upUser, _ := up.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &upPool, Username: aws.String("rory")})
	upSub := ""
	for _, a := range upUser.UserAttributes {
		if *a.Name == "sub" {
			upSub = *a.Value
		}
	}
	issuer := upSrv.URL + "/" + upPool
	createIdP(t, down.idp, down.poolID, "Upstream", types.IdentityProviderTypeTypeOidc, map[string]string{
		"client_id": up.clientID, "client_secret": up.secret, "authorize_scopes": "openid email profile",
		"attributes_request_method": "GET", "oidc_issuer": issuer,
		// The upstream's discovery names its domain's host, which only the
		// test browser resolves: the server reaches the token and userInfo
		// endpoints in the path form. authorize_url and jwks_uri are
		// discovered.
		"token_url": issuer + "/oauth2/token", "attributes_url": issuer + "/oauth2/userInfo",
	}, map[string]string{"email": "email", "name": "name", "email_verified": "email_verified"})
	supportProviders(t, down, "Upstream")

	b := fedBrowser(t)
	resp, page := oauthGet(t, b, down.pathAuthorizeURL("identity_provider", "Upstream", "scope", "openid email profile"))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), up.origin+"/login") {
		t.Fatalf("want the upstream's sign-in page, got %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	resp, page = oauthSubmit(t, b, resp.Request.URL.String(), page, false, "username", "rory", "password", userPassword)
	q := callbackQuery(t, resp, page)
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	toks := down.redeem(b, q.Get("code"))

	username := "Upstream_" + upSub
	status, attrs := adminUser(t, down.idp, down.poolID, username)
	if status != "EXTERNAL_PROVIDER" || attrs["email"] != "rory@example.com" || attrs["name"] != "Rory Williams" || attrs["email_verified"] != "true" {
		t.Errorf("federated user: %s %v", status, attrs)
	}
	var ids []map[string]any
	if err := json.Unmarshal([]byte(attrs["identities"]), &ids); err != nil || len(ids) != 1 || ids[0]["userId"] != upSub || ids[0]["primary"] != true {
		t.Errorf("identities attribute %q (%v)", attrs["identities"], err)
	}
	id := cirrotest.Claims(t, toks["id_token"].(string))
	if id["cognito:username"] != username || id["email"] != "rory@example.com" || id["sub"] == upSub {
		t.Errorf("ID token: %v", id)
	}
	claim, _ := id["identities"].([]any)
	if len(claim) != 1 {
		t.Fatalf("identities claim %v", id["identities"])
	}
	got := claim[0].(map[string]any)
	if got["userId"] != upSub || got["providerName"] != "Upstream" || got["providerType"] != "OIDC" ||
		got["issuer"] != issuer || got["primary"] != "true" || got["dateCreated"] == "" {
		t.Errorf("identities claim %v", got)
	}
	groups, _ := id["cognito:groups"].([]any)
	if !slices.Contains(groups, any(down.poolID+"_Upstream")) {
		t.Errorf("cognito:groups %v", id["cognito:groups"])
	}
	if _, err := down.idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &down.poolID, GroupName: aws.String(down.poolID + "_Upstream")}); err != nil {
		t.Errorf("provider group: %v", err)
	}

	// A second sign-in (the upstream session is reused) refreshes the
	// attributes of the same user.
	if _, err := up.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &upPool, Username: aws.String("rory"),
		UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Rory Pond")}}}); err != nil {
		t.Fatal(err)
	}
	resp, page = oauthGet(t, b, down.pathAuthorizeURL("identity_provider", "Upstream"))
	q = callbackQuery(t, resp, page)
	again := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if again["sub"] != id["sub"] || again["name"] != "Rory Pond" {
		t.Errorf("second sign-in: sub %v (first %v), name %v", again["sub"], id["sub"], again["name"])
	}
}

// TestFederationRefusesBadIDTokens: an ID token altered after signing,
// one with another nonce, and one for another audience are each refused:
// the browser goes back to the app with an error and no code, and no user
// is created.
func TestFederationRefusesBadIDTokens(t *testing.T) {
	down := newFedSite(t)
	fake := newFakeOIDC(t)
	createIdP(t, down.idp, down.poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	supportProviders(t, down, "Fake")
	for _, mode := range []string{"tamper", "nonce", "audience"} {
		fake.set(mode, "user-"+mode)
		q := down.federatedCode(fedBrowser(t), "Fake")
		if q.Get("code") != "" || q.Get("error") != "invalid_request" || q.Get("state") != "st4te" {
			t.Errorf("%s: callback %v", mode, q)
		}
		if _, err := down.idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &down.poolID, Username: aws.String("Fake_user-" + mode)}); err == nil {
			t.Errorf("%s: a user was created", mode)
		}
	}
	// The upstream's own refusal reaches the app as it is.
	fake.set("deny", "user-deny")
	q := down.federatedCode(fedBrowser(t), "Fake")
	if q.Get("error") != "access_denied" || q.Get("error_description") != "The user said no" || q.Get("code") != "" {
		t.Errorf("denied: %v", q)
	}
	// And the same provider, behaving, signs in (userInfo read too).
	fake.set("", "user-ok")
	b := fedBrowser(t)
	q = down.federatedCode(b, "Fake")
	if q.Get("code") == "" {
		t.Fatalf("good token refused: %v", q)
	}
	if !fake.authBasic {
		t.Error("the client should authenticate with client_secret_basic")
	}
	_, attrs := adminUser(t, down.idp, down.poolID, "Fake_user-ok")
	if attrs["email"] != "fay@example.com" {
		t.Errorf("attributes %v", attrs)
	}
	// A callback replayed (same state) is refused.
	resp, _ := oauthGet(t, b, down.c.URL+"/"+down.poolID+"/oauth2/idpresponse?state=nope&code=x")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown state: %d", resp.StatusCode)
	}
}

// TestFederationSocialPreset: a Google provider whose endpoints point at
// another server signs in through the same path; the user is named
// Google_<sub>, and Google's ID token claims are mapped.
func TestFederationSocialPreset(t *testing.T) {
	down := newFedSite(t)
	fake := newFakeOIDC(t)
	fake.set("", "g-123")
	createIdP(t, down.idp, down.poolID, "Google", types.IdentityProviderTypeTypeGoogle, map[string]string{
		"client_id": fake.clientID, "client_secret": fake.secret, "authorize_scopes": "openid email profile",
		"authorize_url": fake.srv.URL + "/authorize", "token_url": fake.srv.URL + "/token", "oidc_issuer": fake.srv.URL,
	}, map[string]string{"email": "email", "name": "name"})
	supportProviders(t, down, "Google")
	out, err := down.idp.DescribeIdentityProvider(context.Background(), &cip.DescribeIdentityProviderInput{UserPoolId: &down.poolID, ProviderName: aws.String("Google")})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.IdentityProvider.ProviderDetails; d["token_request_method"] != "POST" || d["attributes_url_add_attributes"] != "true" || out.IdentityProvider.AttributeMapping["username"] != "sub" {
		t.Errorf("Google details %v mapping %v", d, out.IdentityProvider.AttributeMapping)
	}
	b := fedBrowser(t)
	q := down.federatedCode(b, "Google")
	if q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	if fake.authBasic {
		t.Error("a social provider gets client_secret_post")
	}
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	ids, _ := id["identities"].([]any)
	if id["cognito:username"] != "Google_g-123" || id["name"] != "Fay Upstream" || len(ids) != 1 || ids[0].(map[string]any)["issuer"] != nil {
		t.Errorf("ID token %v", id)
	}
}
