package api_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var providerButton = regexp.MustCompile(`<a class="[^"]*idpButton-customizable[^"]*" href="([^"]+)">([^<]+)</a>`)

// TestFederationProvidersOnlyPage: an app client that does not sign in
// with the pool (no COGNITO) but lists two providers gets, as in
// Cognito, the sign-in page with only the providers' buttons (links
// whose accessible names say where they go) and no username and
// password form; a button signs in through its provider; the pool's own
// sign-in and sign-up stay refused for that client.
func TestFederationProvidersOnlyPage(t *testing.T) {
	down := newFedSite(t)
	fake := newFakeOIDC(t)
	fake.set("", "chooser-1")
	createIdP(t, down.idp, down.poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	up := newSAMLIdP(t)
	createIdP(t, down.idp, down.poolID, "Corp", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataFile": up.metadata(t)}, nil)
	setProviders(t, down, "Fake", "Corp")

	b := fedBrowser(t)
	resp, page := oauthGet(t, b, down.pathAuthorizeURL())
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/login") {
		t.Fatalf("want the sign-in page, got %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	buttons := map[string]string{}
	for _, m := range providerButton.FindAllStringSubmatch(page, -1) {
		buttons[html.UnescapeString(m[2])] = html.UnescapeString(m[1])
	}
	if len(buttons) != 2 || buttons["Continue with Fake"] == "" || buttons["Continue with Corp"] == "" {
		t.Errorf("provider buttons %v\n%s", buttons, page)
	}
	for _, bad := range []string{"<form", `name="password"`, `name="username"`, "/signup"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has %s:\n%s", bad, page)
		}
	}

	// A button signs in through its provider.
	link, _ := url.Parse(buttons["Continue with Fake"])
	resp, page = oauthGet(t, b, resp.Request.URL.ResolveReference(link).String())
	if q := callbackQuery(t, resp, page); q.Get("code") == "" || q.Get("state") != "st4te" {
		t.Errorf("through the Fake button: %v", q)
	}

	// The pool's own pages do not serve this client.
	login, _ := url.Parse(down.pathAuthorizeURL())
	for _, path := range []string{"/login", "/signup"} {
		target := down.c.URL + "/" + down.poolID + path + "?" + login.RawQuery
		resp, err := b.PostForm(target, url.Values{"username": {"amy"}, "password": {userPassword}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if q := callbackQuery(t, resp, ""); q.Get("error") != "unauthorized_client" || q.Get("code") != "" {
			t.Errorf("POST %s: %v", path, q)
		}
	}
}
