package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cit "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/identitypool"
)

// fullIdentityPool is a request with every member set.
func fullIdentityPool(userPoolProvider string) *ci.CreateIdentityPoolInput {
	return &ci.CreateIdentityPoolInput{
		IdentityPoolName:               aws.String("everything"),
		AllowUnauthenticatedIdentities: true,
		AllowClassicFlow:               aws.Bool(true),
		SupportedLoginProviders:        map[string]string{"accounts.google.com": "123.apps.googleusercontent.com", "graph.facebook.com": "7346241598935555"},
		DeveloperProviderName:          aws.String("login.example.app"),
		OpenIdConnectProviderARNs:      []string{"arn:aws:iam::000000000000:oidc-provider/id.example.com"},
		CognitoIdentityProviders: []cit.CognitoIdentityProvider{{ProviderName: aws.String(userPoolProvider),
			ClientId: aws.String("1example23456789"), ServerSideTokenCheck: aws.Bool(true)}},
		SamlProviderARNs: []string{"arn:aws:iam::000000000000:saml-provider/corp"},
		IdentityPoolTags: map[string]string{"team": "identity"},
	}
}

func sameJSON(t *testing.T, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("got  %s\nwant %s", g, w)
	}
}

// Describe returns what Create stored; Update replaces it all but the
// developer provider name (immutable) and tags; Delete removes the pool
// and its identities.
func TestIdentityPoolRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		cl := c.Identity()
		ctx := context.Background()
		in := fullIdentityPool("cognito-idp.us-east-1.amazonaws.com/us-east-1_abcDEF123")
		created, err := cl.CreateIdentityPool(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		id := *created.IdentityPoolId
		if !strings.HasPrefix(id, "us-east-1:") || len(id) != len("us-east-1:")+36 {
			t.Fatalf("pool id %q", id)
		}
		got, err := cl.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: &id})
		if err != nil {
			t.Fatal(err)
		}
		want := ci.DescribeIdentityPoolOutput{IdentityPoolId: &id, IdentityPoolName: in.IdentityPoolName,
			AllowUnauthenticatedIdentities: true, AllowClassicFlow: in.AllowClassicFlow, SupportedLoginProviders: in.SupportedLoginProviders,
			DeveloperProviderName: in.DeveloperProviderName, OpenIdConnectProviderARNs: in.OpenIdConnectProviderARNs,
			CognitoIdentityProviders: in.CognitoIdentityProviders, SamlProviderARNs: in.SamlProviderARNs, IdentityPoolTags: in.IdentityPoolTags}
		got.ResultMetadata = want.ResultMetadata
		sameJSON(t, got, want)

		up, err := cl.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &id, IdentityPoolName: aws.String("renamed")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(up.IdentityPoolName) != "renamed" || up.AllowUnauthenticatedIdentities || up.SupportedLoginProviders != nil ||
			up.CognitoIdentityProviders != nil || aws.ToString(up.DeveloperProviderName) != "login.example.app" || up.IdentityPoolTags["team"] != "identity" {
			t.Fatalf("update replaces: %+v", up)
		}
		_, err = cl.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &id, IdentityPoolName: aws.String("renamed"), DeveloperProviderName: aws.String("other.app")})
		wantCognitoErr(t, err, "InvalidParameterException", "cannot be changed")

		guest, err := cl.UpdateIdentityPool(ctx, &ci.UpdateIdentityPoolInput{IdentityPoolId: &id, IdentityPoolName: aws.String("renamed"), AllowUnauthenticatedIdentities: true})
		if err != nil || !guest.AllowUnauthenticatedIdentities {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := cl.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &id}); err != nil {
				t.Fatal(err)
			}
		}
		if n := countScoped(t, c, identitypool.KindIdentity, id); n != 3 {
			t.Fatalf("%d identities", n)
		}
		if _, err := cl.DeleteIdentityPool(ctx, &ci.DeleteIdentityPoolInput{IdentityPoolId: &id}); err != nil {
			t.Fatal(err)
		}
		if n := countScoped(t, c, identitypool.KindIdentity, id); n != 0 {
			t.Fatalf("%d identities left after deleting their pool", n)
		}
		_, err = cl.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: &id})
		wantCognitoErr(t, err, "ResourceNotFoundException", "IdentityPool '"+id+"' not found.")
		_, err = cl.DeleteIdentityPool(ctx, &ci.DeleteIdentityPoolInput{IdentityPoolId: &id})
		wantCognitoErr(t, err, "ResourceNotFoundException", "")
	})
}

// ListIdentityPools and ListIdentities page with opaque tokens bound to
// the operation (and pool).
func TestIdentityPoolPagination(t *testing.T) {
	c := cirrotest.Start(t)
	cl := c.Identity()
	ctx := context.Background()
	made := map[string]bool{}
	for i := range 5 {
		out, err := cl.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String(fmt.Sprint("pool", i)), AllowUnauthenticatedIdentities: true})
		if err != nil {
			t.Fatal(err)
		}
		made[*out.IdentityPoolId] = true
	}
	seen := map[string]bool{}
	var next *string
	for pages := 0; ; pages++ {
		out, err := cl.ListIdentityPools(ctx, &ci.ListIdentityPoolsInput{MaxResults: aws.Int32(2), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.IdentityPools {
			seen[*p.IdentityPoolId] = true
		}
		if next = out.NextToken; next == nil {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
	}
	if !maps.Equal(seen, made) {
		t.Fatalf("listed %v, made %v", seen, made)
	}

	var poolID string
	for id := range made {
		poolID = id
	}
	for range 3 {
		if _, err := cl.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &poolID}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := cl.ListIdentities(ctx, &ci.ListIdentitiesInput{IdentityPoolId: &poolID, MaxResults: aws.Int32(2)})
	if err != nil || len(first.Identities) != 2 || first.NextToken == nil || aws.ToString(first.IdentityPoolId) != poolID {
		t.Fatalf("first page: %+v %v", first, err)
	}
	rest, err := cl.ListIdentities(ctx, &ci.ListIdentitiesInput{IdentityPoolId: &poolID, MaxResults: aws.Int32(2), NextToken: first.NextToken})
	if err != nil || len(rest.Identities) != 1 || rest.NextToken != nil {
		t.Fatalf("second page: %+v %v", rest, err)
	}
	_, err = cl.ListIdentityPools(ctx, &ci.ListIdentityPoolsInput{MaxResults: aws.Int32(2), NextToken: first.NextToken})
	wantCognitoErr(t, err, "InvalidParameterException", "Invalid pagination token.")

	// DeleteIdentities: identities already gone are not failures.
	del, err := cl.DeleteIdentities(ctx, &ci.DeleteIdentitiesInput{IdentityIdsToDelete: []string{
		*first.Identities[0].IdentityId, *first.Identities[1].IdentityId, "us-east-1:0f3e1c2a-1111-4222-8333-444455556666"}})
	if err != nil || len(del.UnprocessedIdentityIds) != 0 {
		t.Fatalf("DeleteIdentities: %+v %v", del, err)
	}
	left, err := cl.ListIdentities(ctx, &ci.ListIdentitiesInput{IdentityPoolId: &poolID, MaxResults: aws.Int32(60)})
	if err != nil || len(left.Identities) != 1 || *left.Identities[0].IdentityId != *rest.Identities[0].IdentityId {
		t.Fatalf("after DeleteIdentities: %+v %v", left, err)
	}
}

// Tags by the pool's ARN.
func TestIdentityPoolTags(t *testing.T) {
	c := cirrotest.Start(t)
	cl := c.Identity()
	ctx := context.Background()
	out, err := cl.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("tagged"), IdentityPoolTags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:cognito-identity:us-east-1:000000000000:identitypool/" + *out.IdentityPoolId
	if _, err := cl.TagResource(ctx, &ci.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"b": "2", "a": "one"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.UntagResource(ctx, &ci.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"b", "absent"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := cl.ListTagsForResource(ctx, &ci.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil || !maps.Equal(tags.Tags, map[string]string{"a": "one"}) {
		t.Fatalf("tags %v %v", tags, err)
	}
	desc, err := cl.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: out.IdentityPoolId})
	if err != nil || !maps.Equal(desc.IdentityPoolTags, map[string]string{"a": "one"}) {
		t.Fatalf("describe tags %v %v", desc, err)
	}
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprint("k", i)] = "v"
	}
	_, err = cl.TagResource(ctx, &ci.TagResourceInput{ResourceArn: &arn, Tags: many})
	wantCognitoErr(t, err, "InvalidParameterException", "at most 50 tags")
	_, err = cl.ListTagsForResource(ctx, &ci.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abcDEF123")})
	wantCognitoErr(t, err, "InvalidParameterException", "")
	_, err = cl.ListTagsForResource(ctx, &ci.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:cognito-identity:eu-west-1:000000000000:identitypool/eu-west-1:0f3e1c2a-1111-4222-8333-444455556666")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
}

// What a pool's configuration and roles may not be.
func TestIdentityPoolConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	cl := c.Identity()
	ctx := context.Background()
	provider := strings.TrimPrefix(c.URL, "http://") + "/us-east-1_abcDEF123"
	for _, tc := range []struct {
		name string
		edit func(*ci.CreateIdentityPoolInput)
		msg  string
	}{
		{"not a user pool", func(in *ci.CreateIdentityPoolInput) {
			in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{{ProviderName: aws.String("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"), ClientId: aws.String("c")}}
		}, "Invalid Cognito identity provider"},
		{"no client", func(in *ci.CreateIdentityPoolInput) {
			in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{{ProviderName: &provider}}
		}, "needs both ProviderName and ClientId"},
		{"client twice", func(in *ci.CreateIdentityPoolInput) {
			p := cit.CognitoIdentityProvider{ProviderName: &provider, ClientId: aws.String("c")}
			in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{p, p}
		}, "listed twice"},
		{"unknown social provider", func(in *ci.CreateIdentityPoolInput) {
			in.SupportedLoginProviders = map[string]string{"login.example.com": "x"}
		}, "is not a supported login provider"},
		{"OIDC ARN", func(in *ci.CreateIdentityPoolInput) {
			in.OpenIdConnectProviderARNs = []string{"arn:aws:iam::000000000000:role/not-a-provider"}
		}, "Invalid OpenIdConnectProviderARN"},
		{"SAML ARN", func(in *ci.CreateIdentityPoolInput) {
			in.SamlProviderARNs = []string{"arn:aws:iam::000000000000:oidc-provider/x.example"}
		}, "Invalid SamlProviderARN"},
		{"developer name of a provider", func(in *ci.CreateIdentityPoolInput) {
			in.DeveloperProviderName = aws.String("accounts.google.com")
			in.SupportedLoginProviders = map[string]string{"accounts.google.com": "x"}
		}, "is the name of another provider"},
		{"reserved tag", func(in *ci.CreateIdentityPoolInput) {
			in.IdentityPoolTags = map[string]string{"aws:owner": "me"}
		}, "reserved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("bad")}
			tc.edit(in)
			_, err := cl.CreateIdentityPool(ctx, in)
			wantCognitoErr(t, err, "InvalidParameterException", tc.msg)
		})
	}

	out, err := cl.CreateIdentityPool(ctx, &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("roles"),
		CognitoIdentityProviders: []cit.CognitoIdentityProvider{{ProviderName: &provider, ClientId: aws.String("client1")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := out.IdentityPoolId
	token := cit.RoleMapping{Type: cit.RoleMappingTypeToken, AmbiguousRoleResolution: cit.AmbiguousRoleResolutionTypeDeny}
	for _, tc := range []struct {
		name     string
		roles    map[string]string
		mappings map[string]cit.RoleMapping
		msg      string
	}{
		{"role ARN", map[string]string{"authenticated": "arn:aws:iam::000000000000:user/bob"}, nil, "is not an IAM role ARN"},
		{"unconfigured provider", nil, map[string]cit.RoleMapping{provider + ":other": token},
			provider + ":other is not a valid RoleMapping ProviderName or is not a configured provider."},
		{"no ambiguous resolution", nil, map[string]cit.RoleMapping{provider + ":client1": {Type: cit.RoleMappingTypeToken}}, "AmbiguousRoleResolution is required"},
		{"rules without rules", nil, map[string]cit.RoleMapping{provider + ":client1": {Type: cit.RoleMappingTypeRules,
			AmbiguousRoleResolution: cit.AmbiguousRoleResolutionTypeDeny}}, "RulesConfiguration is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roles := tc.roles
			if roles == nil {
				roles = map[string]string{}
			}
			_, err := cl.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: id, Roles: roles, RoleMappings: tc.mappings})
			wantCognitoErr(t, err, "InvalidParameterException", tc.msg)
		})
	}
	// Both spellings of the provider name a configured client.
	mappings := map[string]cit.RoleMapping{"cognito-idp.us-east-1.amazonaws.com/us-east-1_abcDEF123:client1": token}
	roles := map[string]string{"authenticated": authRole, "unauthenticated": unauthRole}
	if _, err := cl.SetIdentityPoolRoles(ctx, &ci.SetIdentityPoolRolesInput{IdentityPoolId: id, Roles: roles, RoleMappings: mappings}); err != nil {
		t.Fatal(err)
	}
	got, err := cl.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: id})
	if err != nil || !maps.Equal(got.Roles, roles) || len(got.RoleMappings) != 1 || aws.ToString(got.IdentityPoolId) != *id {
		t.Fatalf("GetIdentityPoolRoles: %+v %v", got, err)
	}
	sameJSON(t, got.RoleMappings, mappings)
	_, err = cl.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: aws.String("us-east-1:0f3e1c2a-1111-4222-8333-444455556666")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
}
