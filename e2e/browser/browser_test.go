// Package browser_test drives Debian's headless Chromium through cirro's
// hosted pages with playwright-core (flow.js): sign-up, the confirmation
// code from the development outbox, sign-in and the redirect with a code
// that this test redeems for tokens, a forgotten password, TOTP MFA from
// the QR setup page to sign-in, and sign-out. Each page is saved as a
// screenshot under artifacts/ (or $CIRRO_BROWSER_ARTIFACTS) and checked
// for an accessible name on every form control.
//
// It needs node, /usr/bin/chromium (e2e/browser/setup.sh installs it) and
// the npm package of this directory (npm ci --prefix e2e/browser);
// without them it skips, unless CIRRO_BROWSER_REQUIRE=1 (set by
// scripts/test.sh) makes that a failure.
package browser_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cirrohq/cirro/cirrotest"
)

const chromiumPath = "/usr/bin/chromium"

// requireBrowser returns this directory, or skips (fails, with
// CIRRO_BROWSER_REQUIRE set) when a piece is missing.
func requireBrowser(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(chromiumPath); err != nil {
		missing = chromiumPath + " is missing; run e2e/browser/setup.sh"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = "playwright-core is not installed; run: npm ci --prefix e2e/browser"
	}
	if missing != "" {
		if os.Getenv("CIRRO_BROWSER_REQUIRE") != "" {
			t.Fatalf("browser test required but %s", missing)
		}
		t.Skipf("skipping the browser test: %s", missing)
	}
	return dir
}

// callback and signedOut are the app's URLs, on the test's app server
// (startApp).
var callback, signedOut string

// startApp serves the app the browser returns to: a page that says so.
func startApp(t *testing.T) string {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><title>Acme Notes</title><h1>Back in Acme Notes</h1></html>`)
	}))
	t.Cleanup(app.Close)
	u, _ := url.Parse(app.URL)
	base := "http://localhost:" + u.Port() + "/"
	callback, signedOut = base+"callback", base+"signed-out"
	return base
}

// domainPool is a pool with a prefix domain and a public app client of
// the code grant (PKCE), as a single-page app has.
type domainPool struct {
	id, clientID, origin string
}

func newDomainPool(t *testing.T, c *cirrotest.Server, idp *cip.Client, prefix string, in *cip.CreateUserPoolInput, flows ...types.ExplicitAuthFlowsType) domainPool {
	t.Helper()
	ctx := context.Background()
	p, err := idp.CreateUserPool(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id := *p.UserPool.Id
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &id, Domain: &prefix}); err != nil {
		t.Fatal(err)
	}
	cl, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &id, ClientName: aws.String("Acme Notes"),
		AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes:              []string{"openid", "email", "profile"},
		CallbackURLs:                    []string{callback},
		LogoutURLs:                      []string{signedOut},
		SupportedIdentityProviders:      []string{"COGNITO"},
		ExplicitAuthFlows:               flows,
	})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(c.URL)
	return domainPool{id: id, clientID: *cl.UserPoolClient.ClientId, origin: "http://" + prefix + ".auth.us-east-1.localhost:" + u.Port()}
}

// authorize is an authorization request with PKCE; the verifier redeems
// its code.
func (p domainPool) authorize() (authURL, verifier string) {
	verifier = oauth2.GenerateVerifier()
	return p.config().AuthCodeURL("st-"+verifier[:8], oauth2.S256ChallengeOption(verifier)), verifier
}

func (p domainPool) config() *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.clientID, RedirectURL: callback, Scopes: []string{"openid", "email", "profile"},
		Endpoint: oauth2.Endpoint{AuthURL: p.origin + "/oauth2/authorize", TokenURL: p.origin + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams},
	}
}

func (p domainPool) logout() string {
	return p.origin + "/logout?" + url.Values{"client_id": {p.clientID}, "logout_uri": {signedOut}}.Encode()
}

type flowResult struct {
	Pages []struct {
		Name, URL, File       string
		Controls, DOMControls int
	} `json:"pages"`
	Callbacks map[string]string `json:"callbacks"`
	A11y      []string          `json:"a11y"`
	Error     string            `json:"error"`
}

func TestHostedPagesInChromium(t *testing.T) {
	dir := requireBrowser(t)
	appBase := startApp(t)
	c := cirrotest.Start(t, cirrotest.WithDevMode())
	idp := c.IdentityProvider()
	ctx := context.Background()

	// Users sign in with their email address, which the pool verifies;
	// sign-up asks for their name too.
	main := newDomainPool(t, c, idp, "acme", &cip.CreateUserPoolInput{
		PoolName:               aws.String("acme"),
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema:                 []types.SchemaAttributeType{{Name: aws.String("name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}},
	})
	// A second pool requires TOTP MFA of everyone.
	secure := newDomainPool(t, c, idp, "acme-secure", &cip.CreateUserPoolInput{
		PoolName:           aws.String("acme-secure"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
	})
	_, err := idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: &secure.id, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	mfaUser, mfaPassword := "rory@example.com", "Centurion-2000!"
	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &secure.id, Username: &mfaUser, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &mfaUser}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &secure.id, Username: &mfaUser, Password: &mfaPassword, Permanent: true}); err != nil {
		t.Fatal(err)
	}

	// A third pool lets its users sign in with a code mailed to them
	// (choice-based sign-in), its app client allowing USER_AUTH.
	codes := newDomainPool(t, c, idp, "acme-codes", &cip.CreateUserPoolInput{
		PoolName:           aws.String("acme-codes"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		UserPoolTier:       types.UserPoolTierTypeEssentials,
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp}}},
	}, types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth)
	codeUser := "amy@example.com"
	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &codes.id, Username: &codeUser, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &codeUser}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &codes.id, Username: &codeUser, Password: aws.String("Amy-P0nd-1989!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}

	// An invited user, without the required name, with a temporary password.
	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &main.id, Username: aws.String("clara@example.com"),
		TemporaryPassword: aws.String("Temp-0rary-pw!"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("clara@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}

	artifacts := os.Getenv("CIRRO_BROWSER_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(dir, "artifacts")
	}
	os.RemoveAll(artifacts)
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	signUpURL, signUpVerifier := main.authorize()
	resetURL, resetVerifier := main.authorize()
	mfaURL, mfaVerifier := secure.authorize()
	codeURL, codeVerifier := codes.authorize()
	input := map[string]any{
		"authorizeURL": signUpURL, "authorizeURL2": resetURL, "logoutURL": main.logout(),
		"outboxURL": c.URL + "/_cirro/outbox.json", "callbackPrefix": appBase,
		"artifacts": artifacts, "chromium": chromiumPath, "usernameLabel": "Email",
		"user": map[string]any{
			"username": "zoe@example.com", "email": "zoe@example.com", "password": "Tr1cky-Parrot!",
			"newPassword": "Brand-New-Pa55!", "attributes": map[string]string{"Full name": "Zoe Heriot"},
		},
		"invited": map[string]any{
			"username": "clara@example.com", "temporaryPassword": "Temp-0rary-pw!", "password": "Clara-0swald!", "name": "Clara Oswald",
		},
		"badRedirectURL": strings.Replace(resetURL, url.QueryEscape(callback), url.QueryEscape("https://evil.example/steal"), 1),
		"mfa":            map[string]any{"authorizeURL": mfaURL, "username": mfaUser, "password": mfaPassword, "logoutURL": secure.logout()},
		"codeSignIn":     map[string]any{"authorizeURL": codeURL, "username": codeUser, "logoutURL": codes.logout()},
	}
	res := runFlow(t, dir, input)
	for _, p := range res.Pages {
		t.Logf("page %-24s %d controls  %s", p.Name, p.Controls, p.File)
	}
	if res.Error != "" {
		t.Fatalf("browser flow: %s", res.Error)
	}
	for _, f := range res.A11y {
		t.Errorf("accessibility: %s", f)
	}
	if len(res.Pages) < 10 {
		t.Errorf("only %d pages captured", len(res.Pages))
	}

	// The app redeems the codes the browser brought back.
	redeem := func(p domainPool, name, verifier, wantEmail string) {
		t.Helper()
		cb, err := url.Parse(res.Callbacks[name])
		if err != nil || cb.Query().Get("code") == "" {
			t.Fatalf("%s: callback %q", name, res.Callbacks[name])
		}
		tok, err := p.config().Exchange(resolving(ctx, c), cb.Query().Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatalf("%s: exchange: %v", name, err)
		}
		provider, err := oidc.NewProvider(resolving(ctx, c), c.URL+"/"+p.id)
		if err != nil {
			t.Fatal(err)
		}
		id, err := provider.Verifier(&oidc.Config{ClientID: p.clientID}).Verify(resolving(ctx, c), tok.Extra("id_token").(string))
		if err != nil {
			t.Fatalf("%s: ID token: %v", name, err)
		}
		var claims struct {
			Email string `json:"email"`
		}
		id.Claims(&claims)
		if claims.Email != wantEmail {
			t.Errorf("%s: ID token for %q", name, claims.Email)
		}
	}
	redeem(main, "signUp", signUpVerifier, "zoe@example.com")
	redeem(main, "reset", resetVerifier, "zoe@example.com")
	redeem(secure, "mfa", mfaVerifier, mfaUser)
	redeem(codes, "codeSignIn", codeVerifier, codeUser)
	if !strings.HasPrefix(res.Callbacks["invited"], callback+"?code=") {
		t.Errorf("the invited user's sign-in ended at %q", res.Callbacks["invited"])
	}
	if res.Callbacks["logout"] != signedOut {
		t.Errorf("sign-out landed on %q", res.Callbacks["logout"])
	}
	if !strings.HasPrefix(res.Callbacks["mfaSetup"], callback+"?code=") {
		t.Errorf("TOTP setup ended at %q", res.Callbacks["mfaSetup"])
	}
}

// resolving is ctx with an HTTP client for x/oauth2 and go-oidc that
// reaches the test server under any host name: Go's resolver, unlike
// browsers, does not resolve *.localhost.
func resolving(ctx context.Context, c *cirrotest.Server) context.Context {
	target := strings.TrimPrefix(c.URL, "http://")
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, target)
	}}
	return oidc.ClientContext(ctx, &http.Client{Transport: tr, Timeout: 30 * time.Second})
}

func runFlow(t *testing.T, dir string, input map[string]any) *flowResult {
	t.Helper()
	in, _ := json.Marshal(input)
	cfgFile := filepath.Join(t.TempDir(), "flow.json")
	if err := os.WriteFile(cfgFile, in, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "flow.js"), cfgFile)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res flowResult
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &res); err != nil {
		t.Fatalf("flow.js: %v (%v)\nstdout: %s\nstderr: %s", err, runErr, stdout.String(), stderr.String())
	}
	if runErr != nil && res.Error == "" {
		res.Error = runErr.Error() + ": " + stderr.String()
	}
	return &res
}
