package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// userAuthOAuthClient is a hosted-UI client that allows choice-based
// sign-in.
func userAuthOAuthClient(in *cip.CreateUserPoolClientInput) {
	in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
		types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
}

// TestHostedCodeSignIn: choice-based sign-in (USER_AUTH) on the hosted
// pages. With a pool that allows EMAIL_OTP as a first factor and a client
// that allows USER_AUTH, the sign-in page offers a one-time code; the
// user names themselves, chooses email, types the code (a wrong one is
// refused on the same page) and lands in the app with an authorization
// code whose tokens are theirs. Five codes in a row to one user, then
// the page refuses for a while. A user with no verified address is told
// to use their password; a client without USER_AUTH is not offered it.
func TestHostedCodeSignIn(t *testing.T) {
	c := cirrotest.Start(t)
	s := newOAuthSitePool(t, c, firstFactors("PASSWORD", "EMAIL_OTP"), userAuthOAuthClient)
	resp, page := oauthGet(t, s.http, s.authorizeURL())
	if !strings.Contains(page, "Sign in with a one-time code") {
		t.Fatalf("the sign-in page offers no one-time code:\n%s", page)
	}
	loginURL := resp.Request.URL.String()

	resp, page = oauthSubmit(t, s.http, loginURL, page, false, "username", "amy", "method", "code")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Where should we send your code?") || !strings.Contains(page, "Email me a code") ||
		strings.Contains(page, "Text me a code") {
		t.Fatalf("the choice: %d\n%s", resp.StatusCode, page)
	}
	resp, page = oauthSubmit(t, s.http, resp.Request.URL.String(), page, false, "answer", "EMAIL_OTP")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Sign in with a one-time code") || !strings.Contains(page, "Code sent by email") {
		t.Fatalf("the code page: %d\n%s", resp.StatusCode, page)
	}
	codePage, codeURL := page, resp.Request.URL.String()
	code := sixDigits.FindStringSubmatch(outboxMessage(t, c, s.poolID, "amy@example.com").Body)[1]
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	resp, page = oauthSubmit(t, s.http, codeURL, codePage, false, "code", wrong)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Sign in with a one-time code") || !strings.Contains(page, `role="alert"`) {
		t.Fatalf("a wrong code: %d\n%s", resp.StatusCode, page)
	}
	resp, page = oauthSubmit(t, s.http, codeURL, page, false, "code", code)
	q := callbackQuery(t, resp, page)
	tokens := s.redeem(s.http, q.Get("code"))
	if id := cirrotest.Claims(t, tokens["id_token"].(string)); id["cognito:username"] != "amy" {
		t.Errorf("ID token of the code sign-in: %v", id)
	}

	// The page sends a few codes in a row to one user, then refuses for a
	// while: it is open to anyone, and every code is a message.
	askCode := func() (*http.Response, string) {
		b := s.browser()
		resp, page := oauthGet(t, b, s.authorizeURL())
		resp, page = oauthSubmit(t, b, resp.Request.URL.String(), page, false, "username", "amy", "method", "code")
		return oauthSubmit(t, b, resp.Request.URL.String(), page, false, "answer", "EMAIL_OTP")
	}
	for i := range 4 { // the fifth code since the first above
		if resp, page := askCode(); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Code sent by email") {
			t.Fatalf("code %d: %d\n%s", i+2, resp.StatusCode, page)
		}
	}
	if resp, page := askCode(); resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Too many codes were sent to this account.") {
		t.Fatalf("the sixth code in a row: %d\n%s", resp.StatusCode, page)
	}

	// No verified address: only the password would do.
	if _, err := s.idp.AdminCreateUser(context.Background(), &cip.AdminCreateUserInput{UserPoolId: &s.poolID, Username: ptrTo("nomail"),
		MessageAction: types.MessageActionTypeSuppress, TemporaryPassword: ptrTo("Temp-0rary-pw!")}); err != nil {
		t.Fatal(err)
	}
	fresh := s.browser() // amy's browser would be signed in at once
	resp, page = oauthGet(t, fresh, s.authorizeURL())
	resp, page = oauthSubmit(t, fresh, resp.Request.URL.String(), page, false, "username", "nomail", "method", "code")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "This account cannot sign in with a one-time code.") {
		t.Fatalf("a user without a verified address: %d\n%s", resp.StatusCode, page)
	}

	// A client without USER_AUTH.
	plain := *s
	plain.clientID, plain.secret = appClient(t, s.idp, s.poolID, withSecret, codeGrantClient, allFlows)
	plain.http = plain.browser()
	_, page = oauthGet(t, plain.http, plain.authorizeURL())
	if strings.Contains(page, "Sign in with a one-time code") {
		t.Errorf("a client without USER_AUTH is offered a one-time code")
	}
}

func ptrTo(s string) *string { return &s }
