package api_test

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// oauthCallback and oauthLogout are the app's registered URLs. Nothing
// listens there: the browser stops at the redirect and the test reads it.
const (
	oauthCallback = "http://localhost:8080/callback"
	oauthLogout   = "http://localhost:8080/signed-out"
	oauthDomain   = "acme"
)

// oauthSite is a pool with a prefix domain, a confidential app client
// for the code grant and the user "amy", reached by a browser-like HTTP
// client: a cookie jar, and a resolver that sends every host name
// (acme.auth.us-east-1.localhost included, which Go does not resolve) to
// the test server.
type oauthSite struct {
	t                *testing.T
	c                *cirrotest.Server
	idp              *cip.Client
	poolID           string
	clientID, secret string
	// origin is the domain's URL, http://acme.auth.us-east-1.localhost:<port>.
	origin string
	http   *http.Client
}

func newOAuthSite(t *testing.T, clientOpts ...func(*cip.CreateUserPoolClientInput)) *oauthSite {
	t.Helper()
	return newOAuthSiteOn(t, cirrotest.Start(t), clientOpts...)
}

// siteFor gives a pool the prefix domain and a confidential code-grant
// client.
func siteFor(t *testing.T, c *cirrotest.Server, poolID string, clientOpts ...func(*cip.CreateUserPoolClientInput)) *oauthSite {
	t.Helper()
	idp := c.IdentityProvider()
	if _, err := idp.CreateUserPoolDomain(context.Background(), &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(oauthDomain)}); err != nil {
		t.Fatal(err)
	}
	opts := append([]func(*cip.CreateUserPoolClientInput){withSecret, codeGrantClient}, clientOpts...)
	id, secret := appClient(t, idp, poolID, opts...)
	u, _ := url.Parse(c.URL)
	s := &oauthSite{t: t, c: c, idp: idp, poolID: poolID, clientID: id, secret: secret,
		origin: "http://" + oauthDomain + ".auth.us-east-1.localhost:" + u.Port()}
	s.http = s.browser()
	return s
}

// codeGrantClient is an app client of the hosted UI: the code grant,
// the OIDC scopes, and the callback and sign-out URLs above.
func codeGrantClient(in *cip.CreateUserPoolClientInput) {
	in.AllowedOAuthFlowsUserPoolClient = true
	in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeCode, types.OAuthFlowTypeImplicit}
	in.AllowedOAuthScopes = []string{"openid", "email", "profile"}
	in.CallbackURLs = []string{oauthCallback}
	in.LogoutURLs = []string{oauthLogout}
	in.SupportedIdentityProviders = []string{"COGNITO"}
}

// browser is a fresh HTTP client with its own cookies that stops at
// redirects to the app (so the test can read the code) and follows the
// domain's own.
func (s *oauthSite) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	target := strings.TrimPrefix(s.c.URL, "http://")
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, target)
	}}
	s.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://localhost:8080/") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

func (s *oauthSite) authorizeURL(params ...string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {s.clientID}, "redirect_uri": {oauthCallback}, "scope": {"openid email"}, "state": {"st4te"}}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] == "" {
			q.Del(params[i])
		} else {
			q.Set(params[i], params[i+1])
		}
	}
	return s.origin + "/oauth2/authorize?" + q.Encode()
}

// get fetches a URL with a browser and returns the final response and
// its body.
func oauthGet(t *testing.T, b *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]+)" class="form">`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// submit posts the page's main form with fields (and its CSRF token
// unless noCSRF) and returns the response, redirects to the domain
// followed.
func oauthSubmit(t *testing.T, b *http.Client, pageURL, page string, noCSRF bool, fields ...string) (*http.Response, string) {
	t.Helper()
	m := formAction.FindStringSubmatchIndex(page)
	if m == nil {
		t.Fatalf("no form on the page:\n%s", page)
	}
	action, _ := url.Parse(htmlUnescape(page[m[2]:m[3]]))
	base, _ := url.Parse(pageURL)
	// The form's hidden inputs go with it, as a browser sends them.
	html := page[m[0]:]
	html = html[:strings.Index(html, "</form>")]
	form := url.Values{}
	for _, h := range hiddenInput.FindAllStringSubmatch(html, -1) {
		form.Set(h[1], htmlUnescape(h[2]))
	}
	if noCSRF {
		form.Del("_csrf")
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	resp, err := b.PostForm(base.ResolveReference(action).String(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }

// signInCode runs the code flow's browser half: authorize, the sign-in
// form, and the redirect back with the code.
func (s *oauthSite) signInCode(b *http.Client, authorizeURL, username, password string) url.Values {
	s.t.Helper()
	resp, page := oauthGet(s.t, b, authorizeURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Sign in") {
		s.t.Fatalf("authorize: %d\n%s", resp.StatusCode, page)
	}
	resp, page = oauthSubmit(s.t, b, resp.Request.URL.String(), page, false, "username", username, "password", password)
	return callbackQuery(s.t, resp, page)
}

// callbackQuery reads the parameters of a redirect to the app.
func callbackQuery(t *testing.T, resp *http.Response, page string) url.Values {
	t.Helper()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, oauthCallback) {
		t.Fatalf("want a redirect to the app, got %d %q\n%s", resp.StatusCode, loc, page)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}
