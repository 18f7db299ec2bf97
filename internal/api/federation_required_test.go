package api_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/errs"
)

// TestFederationRequiredAttributes: a pool that requires name refuses
// the first sign-in of an identity whose mapping yields no name, as
// Cognito does: back to the app with error=invalid_request and
// "Invalid user attributes: name: Attribute is required.", and no user.
// Once the mapping gives name, the same identity signs in.
func TestFederationRequiredAttributes(t *testing.T) {
	ctx := context.Background()
	c := cirrotest.Start(t, withPrivateUpstreams)
	poolID := newFamilyPool(t, c.IdentityProvider(), func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}}
	})
	down := siteFor(t, c, poolID)
	fake := newFakeOIDC(t)
	fake.set("", "req-1")
	createIdP(t, down.idp, poolID, "Fake", types.IdentityProviderTypeTypeOidc, fake.details(), map[string]string{"email": "email"})
	supportProviders(t, down, "Fake")

	q := down.federatedCode(fedBrowser(t), "Fake")
	if q.Get("code") != "" || q.Get("error") != "invalid_request" || q.Get("error_description") != "Invalid user attributes: name: Attribute is required." {
		t.Errorf("callback %v", q)
	}
	if _, err := down.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("Fake_req-1")}); !isCode(err, errs.UserNotFoundException) {
		t.Errorf("a user was created: %v", err)
	}

	_, err := down.idp.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Fake"),
		AttributeMapping: map[string]string{"email": "email", "name": "name"}})
	if err != nil {
		t.Fatal(err)
	}
	if q := down.federatedCode(fedBrowser(t), "Fake"); q.Get("code") == "" {
		t.Fatalf("with name mapped: %v", q)
	}
	if _, attrs := adminUser(t, down.idp, poolID, "Fake_req-1"); attrs["name"] != "Fay Upstream" {
		t.Errorf("attributes %v", attrs)
	}
}
