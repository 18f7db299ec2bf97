package api_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// newAppleKey is a Sign in with Apple key as Apple issues it (.p8: an
// EC P-256 key, PKCS #8 in PEM).
func newAppleKey(t *testing.T) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// TestIdentityProviderCRUD drives every identity-provider operation
// through the SDK, with their errors, on both stores.
func TestIdentityProviderCRUD(t *testing.T) { eachBackend(t, testIdentityProviderCRUD) }

func testIdentityProviderCRUD(t *testing.T, c *cirrotest.Server) {
	ctx := context.Background()
	idp := c.IdentityProvider()
	poolID := newFamilyPool(t, idp)
	appleKey := newAppleKey(t)
	oidc := map[string]string{
		"client_id": "cid", "client_secret": "upstream-s3cret-value", "authorize_scopes": "openid email",
		"attributes_request_method": "GET", "oidc_issuer": "https://issuer.example.com",
	}
	created, err := idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("Corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: oidc, AttributeMapping: map[string]string{"email": "email"}, IdpIdentifiers: []string{"corp.example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := created.IdentityProvider
	if p.ProviderDetails["client_secret"] != "upstream-s3cret-value" || p.ProviderDetails["attributes_url_add_attributes"] != "false" ||
		p.AttributeMapping["username"] != "sub" || p.AttributeMapping["email"] != "email" || p.CreationDate == nil {
		t.Errorf("created %+v", p)
	}
	createIdP(t, idp, poolID, "Google", types.IdentityProviderTypeTypeGoogle,
		map[string]string{"client_id": "g", "client_secret": "gs", "authorize_scopes": "profile email openid"}, nil)
	createIdP(t, idp, poolID, "Facebook", types.IdentityProviderTypeTypeFacebook,
		map[string]string{"client_id": "f", "client_secret": "fs", "authorize_scopes": "public_profile, email"}, nil)
	createIdP(t, idp, poolID, "LoginWithAmazon", types.IdentityProviderTypeTypeLoginWithAmazon,
		map[string]string{"client_id": "a", "client_secret": "as", "authorize_scopes": "profile"}, nil)
	createIdP(t, idp, poolID, "SignInWithApple", types.IdentityProviderTypeTypeSignInWithApple,
		map[string]string{"client_id": "com.example", "team_id": "T", "key_id": "K", "private_key": appleKey, "authorize_scopes": "email name"}, nil)
	createIdP(t, idp, poolID, "Saml", types.IdentityProviderTypeTypeSaml,
		map[string]string{"MetadataURL": "https://idp.example.com/metadata", "IDPSignout": "true"}, nil)

	d, err := idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Facebook")})
	if err != nil {
		t.Fatal(err)
	}
	if fd := d.IdentityProvider.ProviderDetails; fd["api_version"] == "" || fd["token_request_method"] != "GET" || fd["client_secret"] != "fs" ||
		fd["authorize_url"] != "https://www.facebook.com/"+fd["api_version"]+"/dialog/oauth" || d.IdentityProvider.AttributeMapping["username"] != "id" {
		t.Errorf("Facebook %+v", d.IdentityProvider)
	}
	d, _ = idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("SignInWithApple")})
	if ad := d.IdentityProvider.ProviderDetails; ad["private_key"] != "" || ad["team_id"] != "T" || ad["authorize_url"] != "https://appleid.apple.com/auth/authorize" {
		t.Errorf("Apple details %v", ad)
	}
	byID, err := idp.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: &poolID, IdpIdentifier: aws.String("corp.example.com")})
	if err != nil || *byID.IdentityProvider.ProviderName != "Corp" {
		t.Errorf("by identifier: %v %v", byID, err)
	}

	// Secrets are sealed at rest: the record holds neither the client
	// secret nor the Apple key.
	for name, secret := range map[string]string{"Corp": "upstream-s3cret-value", "SignInWithApple": appleKey[28:60]} {
		var data []byte
		err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			rec, err := tx.Get(ctx, pool.KindIdentityProvider, poolID+"/"+name)
			if err == nil {
				data = rec.Data
			}
			return err
		})
		if err != nil || len(data) == 0 || bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s at rest: %v %s", name, err, data)
		}
	}

	// List pages through the six in name order.
	var names []string
	var token *string
	for {
		out, err := idp.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: &poolID, MaxResults: aws.Int32(4), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, pd := range out.Providers {
			names = append(names, *pd.ProviderName)
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(names) != 6 || names[0] != "Corp" || names[5] != "SignInWithApple" {
		t.Errorf("listed %v", names)
	}

	// Update keeps a secret left out, replaces the mapping and identifiers.
	up, err := idp.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("Corp"),
		ProviderDetails:  map[string]string{"client_id": "cid2", "authorize_scopes": "openid", "attributes_request_method": "POST", "oidc_issuer": "https://issuer.example.com"},
		AttributeMapping: map[string]string{"name": "name"}, IdpIdentifiers: []string{"corp2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u := up.IdentityProvider; u.ProviderDetails["client_secret"] != "upstream-s3cret-value" || u.ProviderDetails["client_id"] != "cid2" ||
		u.AttributeMapping["email"] != "" || u.AttributeMapping["name"] != "name" || len(u.IdpIdentifiers) != 1 {
		t.Errorf("updated %+v", u)
	}
	if _, err := idp.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: &poolID, IdpIdentifier: aws.String("corp.example.com")}); !isCode(err, errs.ResourceNotFoundException) {
		t.Errorf("old identifier: %v", err)
	}

	// Errors.
	create := func(name string, typ types.IdentityProviderTypeType, details map[string]string, ids ...string) error {
		_, err := idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: &name, ProviderType: typ, ProviderDetails: details, IdpIdentifiers: ids})
		return err
	}
	without := func(m map[string]string, k string) map[string]string {
		out := map[string]string{}
		for kk, v := range m {
			if kk != k {
				out[kk] = v
			}
		}
		return out
	}
	with := func(m map[string]string, k, v string) map[string]string {
		out := without(m, k)
		out[k] = v
		return out
	}
	for _, tc := range []struct {
		what string
		err  error
		code errs.Code
	}{
		{"duplicate", create("Corp", types.IdentityProviderTypeTypeOidc, oidc), errs.DuplicateProviderException},
		{"identifier taken", create("Corp3", types.IdentityProviderTypeTypeOidc, oidc, "corp2"), errs.DuplicateProviderException},
		{"no issuer", create("X1", types.IdentityProviderTypeTypeOidc, without(oidc, "oidc_issuer")), errs.InvalidParameterException},
		{"bad method", create("X2", types.IdentityProviderTypeTypeOidc, with(oidc, "attributes_request_method", "PUT")), errs.InvalidParameterException},
		{"unknown key", create("X3", types.IdentityProviderTypeTypeOidc, with(oidc, "colour", "blue")), errs.InvalidParameterException},
		{"bad url", create("X4", types.IdentityProviderTypeTypeOidc, with(oidc, "token_url", "ftp://x")), errs.InvalidParameterException},
		{"social name", create("Goog", types.IdentityProviderTypeTypeGoogle, map[string]string{"client_id": "g", "client_secret": "s", "authorize_scopes": "openid"}), errs.InvalidParameterException},
		{"reserved name", create("COGNITO", types.IdentityProviderTypeTypeOidc, oidc), errs.InvalidParameterException},
		{"saml both", create("S1", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataURL": "https://x", "MetadataFile": "<x/>"}), errs.InvalidParameterException},
		{"saml none", create("S2", types.IdentityProviderTypeTypeSaml, map[string]string{"IDPInit": "true"}), errs.InvalidParameterException},
		{"apple without key", create("SignInWithApple", types.IdentityProviderTypeTypeSignInWithApple, map[string]string{"client_id": "c", "team_id": "T", "key_id": "K", "authorize_scopes": "email"}), errs.InvalidParameterException},
		{"no pool", func() error {
			_, err := idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String("us-east-1_nopenope"), ProviderName: aws.String("Zed"), ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: oidc})
			return err
		}(), errs.ResourceNotFoundException},
	} {
		if !isCode(tc.err, tc.code) {
			t.Errorf("%s: want %s, got %v", tc.what, tc.code, tc.err)
		}
	}
	if _, err := idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Nope")}); !isCode(err, errs.ResourceNotFoundException) {
		t.Errorf("describe unknown: %v", err)
	}
	if _, err := idp.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Nope")}); !isCode(err, errs.ResourceNotFoundException) {
		t.Errorf("update unknown: %v", err)
	}
	if _, err := idp.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Nope")}); !isCode(err, errs.ResourceNotFoundException) {
		t.Errorf("delete unknown: %v", err)
	}

	// A client may list only providers that exist; deleting a provider
	// takes it off the clients that list it.
	_, err = idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("c"), SupportedIdentityProviders: []string{"COGNITO", "Missing"}})
	if !isCode(err, errs.InvalidParameterException) {
		t.Errorf("client with an unknown provider: %v", err)
	}
	cl, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("c"), SupportedIdentityProviders: []string{"COGNITO", "Corp", "Google"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idp.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp")}); err != nil {
		t.Fatal(err)
	}
	dc, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: cl.UserPoolClient.ClientId})
	if err != nil {
		t.Fatal(err)
	}
	if got := dc.UserPoolClient.SupportedIdentityProviders; len(got) != 2 || got[1] != "Google" {
		t.Errorf("client providers after delete: %v", got)
	}
	if _, err := idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp")}); !isCode(err, errs.ResourceNotFoundException) {
		t.Errorf("deleted provider: %v", err)
	}
}
