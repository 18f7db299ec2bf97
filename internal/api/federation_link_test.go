package api_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/errs"
)

// TestFederationLinking: once AdminLinkProviderForUser links an upstream
// identity to the native user amy, signing in through the upstream signs
// in as amy (her sub and username); after AdminDisableProviderForUser it
// signs in as a federated user of its own again.
func TestFederationLinking(t *testing.T) {
	ctx := context.Background()
	down := newFedSite(t)
	fake := newFakeOIDC(t)
	createIdP(t, down.idp, down.poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	supportProviders(t, down, "Fake")
	fake.set("", "linked-1")
	_, amy := adminUser(t, down.idp, down.poolID, "amy")

	link := func(dst, attr, value string) error {
		_, err := down.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{
			UserPoolId:      &down.poolID,
			DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String(dst)},
			SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Fake"),
				ProviderAttributeName: aws.String(attr), ProviderAttributeValue: aws.String(value)},
		})
		return err
	}
	if err := link("amy", "Cognito_Subject", "linked-1"); err != nil {
		t.Fatal(err)
	}
	if err := link("amy", "Cognito_Subject", "linked-1"); err != nil {
		t.Errorf("linking again: %v", err)
	}
	createConfirmed(t, down.idp, down.poolID, "clara", "clara@example.com")
	if err := link("clara", "Cognito_Subject", "linked-1"); !isCode(err, errs.AliasExistsException) {
		t.Errorf("a second destination: %v", err)
	}
	if err := link("nobody", "Cognito_Subject", "x"); !isCode(err, errs.UserNotFoundException) {
		t.Errorf("unknown destination: %v", err)
	}
	if err := link("amy", "website", "x"); !isCode(err, errs.InvalidParameterException) {
		t.Errorf("an unmapped attribute: %v", err)
	}

	b := fedBrowser(t)
	q := down.federatedCode(b, "Fake")
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if id["sub"] != amy["sub"] || id["cognito:username"] != "amy" {
		t.Fatalf("linked sign-in: sub %v username %v, want amy %s", id["sub"], id["cognito:username"], amy["sub"])
	}
	ids, _ := id["identities"].([]any)
	if len(ids) != 1 || ids[0].(map[string]any)["userId"] != "linked-1" || ids[0].(map[string]any)["primary"] != "false" {
		t.Errorf("identities %v", id["identities"])
	}
	if _, err := down.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &down.poolID, Username: aws.String("Fake_linked-1")}); !isCode(err, errs.UserNotFoundException) {
		t.Errorf("a federated user was created: %v", err)
	}

	_, err := down.idp.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserInput{UserPoolId: &down.poolID,
		User: &types.ProviderUserIdentifierType{ProviderName: aws.String("Fake"), ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String("linked-1")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, attrs := adminUser(t, down.idp, down.poolID, "amy"); attrs["identities"] != "" {
		t.Errorf("amy keeps identities %q", attrs["identities"])
	}
	b = fedBrowser(t)
	q = down.federatedCode(b, "Fake")
	id = cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if id["sub"] == amy["sub"] || id["cognito:username"] != "Fake_linked-1" {
		t.Errorf("after unlinking: sub %v username %v", id["sub"], id["cognito:username"])
	}
	// The identity has signed in now: linking it is merging, refused.
	if err := link("clara", "Cognito_Subject", "linked-1"); !isCode(err, errs.InvalidParameterException) {
		t.Errorf("merging: %v", err)
	}
}

// TestFederationLinkByAttribute: a link made by a mapped attribute (email)
// signs the identity in as the native user, and from then on is a link by
// the provider's subject.
func TestFederationLinkByAttribute(t *testing.T) {
	ctx := context.Background()
	down := newFedSite(t)
	fake := newFakeOIDC(t)
	createIdP(t, down.idp, down.poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	supportProviders(t, down, "Fake")
	fake.set("", "by-mail")
	_, amy := adminUser(t, down.idp, down.poolID, "amy")
	_, err := down.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{
		UserPoolId:      &down.poolID,
		DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("amy")},
		SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Fake"),
			ProviderAttributeName: aws.String("email"), ProviderAttributeValue: aws.String("fay@example.com")},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := fedBrowser(t)
	q := down.federatedCode(b, "Fake")
	id := cirrotest.Claims(t, down.redeem(b, q.Get("code"))["id_token"].(string))
	if id["sub"] != amy["sub"] {
		t.Fatalf("linked by email: sub %v, want %s", id["sub"], amy["sub"])
	}
	_, err = down.idp.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserInput{UserPoolId: &down.poolID,
		User: &types.ProviderUserIdentifierType{ProviderName: aws.String("Fake"), ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String("by-mail")}})
	if err != nil {
		t.Errorf("unlink by subject after the first sign-in: %v", err)
	}
}

// TestFederationEntryPoints: idp_identifier picks the provider by one of
// its IdpIdentifiers, and the hosted sign-in page's provider button starts
// the same federated sign-in; a client that lists only one provider is
// sent straight to it.
func TestFederationEntryPoints(t *testing.T) {
	ctx := context.Background()
	down := newFedSite(t)
	fake := newFakeOIDC(t)
	fake.set("", "entry-1")
	_, err := down.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &down.poolID, ProviderName: aws.String("Fake"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: fake.details(), IdpIdentifiers: []string{"fake.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	supportProviders(t, down, "Fake")
	resp, page := oauthGet(t, fedBrowser(t), down.pathAuthorizeURL("idp_identifier", "fake.example.com"))
	if q := callbackQuery(t, resp, page); q.Get("code") == "" {
		t.Errorf("idp_identifier: %v", q)
	}
	resp, page = oauthGet(t, fedBrowser(t), down.pathAuthorizeURL("idp_identifier", "nobody.example.com"))
	if q := callbackQuery(t, resp, page); q.Get("error") != "invalid_request" {
		t.Errorf("unknown idp_identifier: %v", q)
	}

	b := fedBrowser(t)
	resp, page = oauthGet(t, b, down.pathAuthorizeURL())
	m := regexp.MustCompile(`href="([^"]*identity_provider=Fake[^"]*)"`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("sign-in page without the provider's button: %d\n%s", resp.StatusCode, page)
	}
	resp, page = oauthGet(t, b, resp.Request.URL.ResolveReference(mustURL(htmlUnescape(m[1]))).String())
	if q := callbackQuery(t, resp, page); q.Get("code") == "" {
		t.Errorf("button: %v", q)
	}

	// Only Fake: authorize goes there without a page.
	d, _ := down.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &down.poolID, ClientId: &down.clientID})
	c := d.UserPoolClient
	_, err = down.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &down.poolID, ClientId: &down.clientID,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: c.AllowedOAuthFlows, AllowedOAuthScopes: c.AllowedOAuthScopes,
		CallbackURLs: c.CallbackURLs, SupportedIdentityProviders: []string{"Fake"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, page = oauthGet(t, fedBrowser(t), down.pathAuthorizeURL())
	if q := callbackQuery(t, resp, page); q.Get("code") == "" {
		t.Errorf("only provider: %v", q)
	}
}
