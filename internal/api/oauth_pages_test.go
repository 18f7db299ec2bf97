package api_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/user"
)

// TestHostedSignInIsTheAPISignIn: wrong passwords typed into the sign-in
// page count toward the same lockout as InitiateAuth's, and are the same
// auth events: the pages run the sign-in service, not a copy of it.
func TestHostedSignInIsTheAPISignIn(t *testing.T) {
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	s := newOAuthSitePool(t, c, threatProtection, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	resp, page := oauthGet(t, s.http, s.authorizeURL())
	loginURL := resp.Request.URL.String()
	for i := 0; i < 5; i++ {
		resp, page = oauthSubmit(t, s.http, loginURL, page, false, "username", "amy", "password", "Wrong-passw0rd!")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Incorrect username or password.") || !strings.Contains(page, `role="alert"`) {
			t.Fatalf("wrong password %d: %d\n%s", i, resp.StatusCode, page)
		}
	}
	resp, page = oauthSubmit(t, s.http, loginURL, page, false, "username", "amy", "password", userPassword)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Password attempts exceeded") {
		t.Fatalf("the right password during the lockout: %d", resp.StatusCode)
	}
	// The API sees the same lockout …
	_, err := passwordSignIn(s.idp, s.clientID, "amy", userPassword, "SECRET_HASH", user.SecretHash(s.secret, "amy", s.clientID))
	if err == nil || !strings.Contains(err.Error(), "Password attempts exceeded") {
		t.Errorf("InitiateAuth during a lockout from the pages: %v", err)
	}
	// … and the same events.
	ev, err := s.idp.AdminListUserAuthEvents(context.Background(), &cip.AdminListUserAuthEventsInput{UserPoolId: &s.poolID, Username: aws.String("amy")})
	if err != nil {
		t.Fatal(err)
	}
	fails := 0
	for _, e := range ev.AuthEvents {
		if e.EventResponse == types.EventResponseTypeFail {
			fails++
		}
	}
	if fails < 6 {
		t.Errorf("%d failed sign-in events, want the 5 wrong passwords and the locked attempt", fails)
	}
	clk.Advance(time.Minute)
	q := s.signInCode(s.http, s.authorizeURL(), "amy", userPassword)
	if q.Get("code") == "" {
		t.Fatal("no code after the lockout")
	}
	ev, _ = s.idp.AdminListUserAuthEvents(context.Background(), &cip.AdminListUserAuthEventsInput{UserPoolId: &s.poolID, Username: aws.String("amy")})
	if len(ev.AuthEvents) == 0 || ev.AuthEvents[0].EventResponse != types.EventResponseTypePass {
		t.Fatalf("the hosted sign-in is not the newest event: %+v", ev.AuthEvents)
	}
	if ctxData := ev.AuthEvents[0].EventContextData; ctxData == nil || aws.ToString(ctxData.IpAddress) != "127.0.0.1" || aws.ToString(ctxData.DeviceName) == "" {
		t.Errorf("the event does not say where the sign-in came from: %+v", ctxData)
	}
}

// TestHostedNewPasswordRequired: a user with a temporary password chooses
// a new one on the page, with the required attributes it lacks.
func TestHostedNewPasswordRequired(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("family_name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}}
	})
	s := siteFor(t, c, poolID)
	_, err := idp.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: aws.String("rose"), TemporaryPassword: aws.String("Temp-0rary-pw!"),
		MessageAction: types.MessageActionTypeSuppress,
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, page := oauthGet(t, s.http, s.authorizeURL())
	resp, page = oauthSubmit(t, s.http, resp.Request.URL.String(), page, false, "username", "rose", "password", "Temp-0rary-pw!")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Choose a new password") || !strings.Contains(page, `for="attr-family_name">Last name`) {
		t.Fatalf("NEW_PASSWORD_REQUIRED page: %d\n%s", resp.StatusCode, page)
	}
	pageURL := resp.Request.URL.String()
	resp, again := oauthSubmit(t, s.http, pageURL, page, false, "password", "New-Passw0rd!", "password2", "Other-Passw0rd!", "attr.family_name", "Tyler")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(again, "The passwords do not match.") {
		t.Fatalf("mismatch: %d\n%s", resp.StatusCode, again)
	}
	resp, again = oauthSubmit(t, s.http, pageURL, page, false, "password", "short", "password2", "short", "attr.family_name", "Tyler")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(again, "Password did not conform with policy") {
		t.Fatalf("weak password: %d\n%s", resp.StatusCode, again)
	}
	resp, again = oauthSubmit(t, s.http, pageURL, page, false, "password", "New-Passw0rd!", "password2", "New-Passw0rd!", "attr.family_name", "Tyler")
	if q := callbackQuery(t, resp, again); q.Get("code") == "" {
		t.Fatalf("callback %v", q)
	}
	u, err := idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("rose")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("status %s", u.UserStatus)
	}
}

// TestHostedUICustomization: the pool's UICustomization (CSS on Cognito's
// classes, and a logo) is applied to the pages.
func TestHostedUICustomization(t *testing.T) {
	s := newOAuthSite(t)
	png, _ := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
	css := ".submitButton-customizable { background-color: #0a7d55; } .banner-customizable { padding: 8px; }"
	out, err := s.idp.SetUICustomization(context.Background(), &cip.SetUICustomizationInput{UserPoolId: &s.poolID, CSS: &css, ImageFile: png})
	if err != nil {
		t.Fatal(err)
	}
	_, page := oauthGet(t, s.http, s.authorizeURL())
	if !strings.Contains(page, `href="/static/custom.css?client_id=`+s.clientID+`"`) || !strings.Contains(page, `class="logo-customizable logo" src="`+aws.ToString(out.UICustomization.ImageUrl)+`"`) {
		t.Fatalf("the page does not apply the customization:\n%s", page)
	}
	resp, body := oauthGet(t, s.http, s.origin+"/static/custom.css?client_id="+s.clientID)
	if resp.Header.Get("Content-Type") != "text/css; charset=utf-8" || body != css {
		t.Errorf("custom.css: %s %q", resp.Header.Get("Content-Type"), body)
	}
	resp, body = oauthGet(t, s.http, aws.ToString(out.UICustomization.ImageUrl))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || body != string(png) {
		t.Errorf("logo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestHostedUIOverTLS: under TLS the cookies are Secure and take the
// __Host- prefix; pages and token responses carry their security headers.
func TestHostedUIOverTLS(t *testing.T) {
	s := newOAuthSite(t)
	srv := httptest.NewUnstartedServer(s.c.Internal().Handler)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	target := strings.TrimPrefix(srv.URL, "https://")
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // the test server's own certificate
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, target)
		},
	}, CheckRedirect: s.browser().CheckRedirect}
	s.origin = "https://" + oauthDomain + ".auth.us-east-1.localhost"
	resp, page := oauthGet(t, b, s.authorizeURL())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d\n%s", resp.StatusCode, page)
	}
	for _, c := range resp.Cookies() {
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || !strings.HasPrefix(c.Name, "__Host-") {
			t.Errorf("cookie %+v", c)
		}
	}
	h := resp.Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(h.Get("Content-Security-Policy"), "form-action 'self' http://localhost:8080") ||
		h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("page headers %v", h)
	}
	resp, page = oauthSubmit(t, b, resp.Request.URL.String(), page, false, "username", "amy", "password", userPassword)
	q := callbackQuery(t, resp, page)
	setCookie := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(setCookie, "__Host-cirro-session=") || !strings.Contains(setCookie, "Secure") {
		t.Errorf("session cookie: %s", setCookie)
	}
	form := strings.NewReader("grant_type=authorization_code&redirect_uri=" + oauthCallback + "&code=" + q.Get("code"))
	req, _ := http.NewRequest(http.MethodPost, s.origin+"/oauth2/token", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.clientID, s.secret)
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Pragma") != "no-cache" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(string(body), `"refresh_token"`) {
		t.Errorf("token response %d %v %s", resp.StatusCode, resp.Header, body)
	}
}

// newOAuthSiteOn is newOAuthSite on a server the test started.
func newOAuthSiteOn(t *testing.T, c *cirrotest.Server, clientOpts ...func(*cip.CreateUserPoolClientInput)) *oauthSite {
	t.Helper()
	return newOAuthSitePool(t, c, nil, clientOpts...)
}

// newOAuthSitePool is newOAuthSiteOn with more pool settings.
func newOAuthSitePool(t *testing.T, c *cirrotest.Server, pool func(*cip.CreateUserPoolInput), clientOpts ...func(*cip.CreateUserPoolClientInput)) *oauthSite {
	t.Helper()
	var poolOpts []func(*cip.CreateUserPoolInput)
	if pool != nil {
		poolOpts = append(poolOpts, pool)
	}
	poolID := newFamilyPool(t, c.IdentityProvider(), poolOpts...)
	s := siteFor(t, c, poolID, clientOpts...)
	createConfirmed(t, s.idp, poolID, "amy", "amy@example.com", "name", "Amy Pond")
	return s
}

// TestOAuthCustomDomain: a custom domain's host serves its pool's pages,
// and the discovery document points at it; a prefix is no host name.
func TestOAuthCustomDomain(t *testing.T) {
	s := newOAuthSite(t)
	_, err := s.idp.CreateUserPoolDomain(context.Background(), &cip.CreateUserPoolDomainInput{UserPoolId: &s.poolID, Domain: aws.String("login"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(certARN)}})
	if err != nil {
		t.Fatal(err)
	}
	port := mustURL(s.c.URL).Port()
	custom := "http://login:" + port
	resp, page := oauthGet(t, s.http, strings.Replace(s.authorizeURL(), s.origin, custom, 1))
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Sign in to your account") {
		t.Fatalf("custom domain: %d", resp.StatusCode)
	}
	_, doc := oauthGet(t, s.http, s.c.URL+"/"+s.poolID+"/.well-known/openid-configuration")
	if !strings.Contains(doc, `"authorization_endpoint":"`+custom+`/oauth2/authorize"`) {
		t.Errorf("discovery document: %s", doc)
	}
	resp, _ = oauthGet(t, s.http, "http://"+oauthDomain+":"+port+"/login")
	if resp.StatusCode != http.StatusNotFound || strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("a prefix as a host name: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
