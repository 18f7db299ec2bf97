package api_test

import (
	"context"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cit "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/token"
)

// roleFixture is an identity pool that trusts one user pool client, with
// default roles.
type roleFixture struct {
	*idFixture
	poolID, clientID, provider, ipID string
}

func newRoleFixture(t *testing.T) *roleFixture {
	f := &roleFixture{idFixture: newIDFixture(t)}
	f.poolID, f.clientID = f.userPool(t)
	f.provider = f.providerName(f.poolID)
	f.ipID = f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(f.provider, f.clientID, false)}
	})
	return f
}

// credentialsAs signs a user in (a minted token) and returns the STS
// call its credentials made, or the error.
func (f *roleFixture) credentialsAs(t *testing.T, sub string, groups []token.Group, custom *string, attrs ...string) (stsCall, error) {
	t.Helper()
	logins := map[string]string{f.provider: f.mintID(t, f.poolID, f.clientID, sub, groups, attrs...)}
	id := f.getID(t, f.ipID, logins)
	_, err := f.ci.GetCredentialsForIdentity(context.Background(), &ci.GetCredentialsForIdentityInput{IdentityId: &id, Logins: logins, CustomRoleArn: custom})
	if err != nil {
		return stsCall{}, err
	}
	return f.sts.last(t), nil
}

func group(name string, precedence int32, role string) token.Group {
	return token.Group{Name: name, Precedence: &precedence, RoleArn: role}
}

// Token mapping: the user pool's group roles (cognito:preferred_role,
// cognito:roles) choose the role; AmbiguousRoleResolution decides when
// they cannot.
func TestIdentityRoleMappingByToken(t *testing.T) {
	f := newRoleFixture(t)
	mapping := func(resolution cit.AmbiguousRoleResolutionType) {
		f.setRoles(t, f.ipID, map[string]string{"authenticated": authRole}, map[string]cit.RoleMapping{
			f.provider + ":" + f.clientID: {Type: cit.RoleMappingTypeToken, AmbiguousRoleResolution: resolution},
		})
	}
	mapping(cit.AmbiguousRoleResolutionTypeAuthenticatedRole)
	tied := []token.Group{group("admins", 1, adminRole), group("readers", 1, readRole)}
	for _, c := range []struct {
		name   string
		groups []token.Group
		custom *string
		want   string
	}{
		{"preferred role", []token.Group{group("admins", 1, adminRole), group("readers", 2, readRole)}, nil, adminRole},
		{"only role", []token.Group{group("readers", 5, readRole)}, nil, readRole},
		{"ambiguous: authenticated role", tied, nil, authRole},
		{"no group roles: authenticated role", nil, nil, authRole},
		{"custom role among the token's", tied, aws.String(readRole), readRole},
	} {
		t.Run(c.name, func(t *testing.T) {
			call, err := f.credentialsAs(t, c.name, c.groups, c.custom)
			if err != nil || call.Role != c.want {
				t.Fatalf("role %q (%v), want %s", call.Role, err, c.want)
			}
		})
	}
	_, err := f.credentialsAs(t, "outsider", tied, aws.String(goldRole))
	wantCognitoErr(t, err, "NotAuthorizedException", "CustomRoleArn is not one of the roles")

	mapping(cit.AmbiguousRoleResolutionTypeDeny)
	_, err = f.credentialsAs(t, "tied", tied, nil)
	wantCognitoErr(t, err, "NotAuthorizedException", "The ambiguous role mapping rules for: "+f.provider+" denied this request.")
	if call, err := f.credentialsAs(t, "admin", []token.Group{group("admins", 0, adminRole)}, nil); err != nil || call.Role != adminRole {
		t.Fatalf("deny mapping, preferred role: %q %v", call.Role, err)
	}
}

// Rules mapping: the first rule whose claim matches gives the role.
func TestIdentityRoleMappingByRules(t *testing.T) {
	f := newRoleFixture(t)
	rule := func(claim string, match cit.MappingRuleMatchType, value, role string) cit.MappingRule {
		return cit.MappingRule{Claim: &claim, MatchType: match, Value: &value, RoleARN: &role}
	}
	set := func(resolution cit.AmbiguousRoleResolutionType) {
		f.setRoles(t, f.ipID, map[string]string{"authenticated": authRole}, map[string]cit.RoleMapping{
			f.provider + ":" + f.clientID: {Type: cit.RoleMappingTypeRules, AmbiguousRoleResolution: resolution,
				RulesConfiguration: &cit.RulesConfigurationType{Rules: []cit.MappingRule{
					rule("custom:tier", cit.MappingRuleMatchTypeEquals, "gold", goldRole),
					rule("cognito:groups", cit.MappingRuleMatchTypeEquals, "admins", adminRole),
					rule("email", cit.MappingRuleMatchTypeContains, "@readers.", readRole),
					rule("custom:tenant", cit.MappingRuleMatchTypeStartsWith, "acme-", readRole),
					rule("custom:tenant", cit.MappingRuleMatchTypeNotEqual, "nobody", adminRole),
				}}},
		})
	}
	set(cit.AmbiguousRoleResolutionTypeDeny)
	for _, c := range []struct {
		name   string
		groups []token.Group
		attrs  []string
		want   string
	}{
		{"equals", nil, []string{"custom:tier", "gold", "custom:tenant", "nobody"}, goldRole},
		{"first rule wins", []token.Group{{Name: "admins"}}, []string{"custom:tier", "gold"}, goldRole},
		{"list claim", []token.Group{{Name: "staff"}, {Name: "admins"}}, nil, adminRole},
		{"contains", nil, []string{"email", "rita@readers.example"}, readRole},
		{"starts with", nil, []string{"custom:tenant", "acme-west"}, readRole},
		{"not equal", nil, []string{"custom:tenant", "globex"}, adminRole},
	} {
		t.Run(c.name, func(t *testing.T) {
			call, err := f.credentialsAs(t, c.name, c.groups, nil, c.attrs...)
			if err != nil || call.Role != c.want {
				t.Fatalf("role %q (%v), want %s", call.Role, err, c.want)
			}
		})
	}
	_, err := f.credentialsAs(t, "nomatch", nil, nil, "custom:tenant", "nobody")
	wantCognitoErr(t, err, "NotAuthorizedException", "denied this request")
	set(cit.AmbiguousRoleResolutionTypeAuthenticatedRole)
	if call, err := f.credentialsAs(t, "nomatch", nil, nil, "custom:tenant", "nobody"); err != nil || call.Role != authRole {
		t.Fatalf("no rule matches, AuthenticatedRole: %q %v", call.Role, err)
	}
}

// Principal tags: a provider's attribute map turns token claims into the
// identity token's session tags, which STS applies to the session.
func TestIdentityPrincipalTags(t *testing.T) {
	f := newRoleFixture(t)
	ctx := context.Background()
	f.setRoles(t, f.ipID, map[string]string{"authenticated": authRole}, nil)
	in := &ci.GetPrincipalTagAttributeMapInput{IdentityPoolId: &f.ipID, IdentityProviderName: &f.provider}
	_, err := f.ci.GetPrincipalTagAttributeMap(ctx, in)
	wantCognitoErr(t, err, "ResourceNotFoundException", "")

	call, err := f.credentialsAs(t, "untagged", nil, nil)
	if err != nil || len(principalTags(call.Claims)) != 0 {
		t.Fatalf("no map, tags %v (%v)", principalTags(call.Claims), err)
	}

	set := func(defaults bool, tags map[string]string) *ci.SetPrincipalTagAttributeMapOutput {
		t.Helper()
		out, err := f.ci.SetPrincipalTagAttributeMap(ctx, &ci.SetPrincipalTagAttributeMapInput{IdentityPoolId: &f.ipID,
			IdentityProviderName: &f.provider, UseDefaults: &defaults, PrincipalTags: tags})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	defaults := map[string]string{"username": "sub", "client": "aud"}
	if out := set(true, map[string]string{"ignored": "email"}); !maps.Equal(out.PrincipalTags, defaults) || !aws.ToBool(out.UseDefaults) {
		t.Fatalf("UseDefaults: %+v", out)
	}
	if got, err := f.ci.GetPrincipalTagAttributeMap(ctx, in); err != nil || !maps.Equal(got.PrincipalTags, defaults) || !aws.ToBool(got.UseDefaults) {
		t.Fatalf("Get after UseDefaults: %+v %v", got, err)
	}
	call, err = f.credentialsAs(t, "tagged", nil, nil)
	if err != nil || !maps.Equal(principalTags(call.Claims), map[string]string{"username": "tagged", "client": f.clientID}) {
		t.Fatalf("default tags %v (%v)", principalTags(call.Claims), err)
	}

	set(false, map[string]string{"tenant": "custom:tenant", "missing": "custom:tier"})
	call, err = f.credentialsAs(t, "tenant", nil, nil, "custom:tenant", "acme")
	if err != nil || !maps.Equal(principalTags(call.Claims), map[string]string{"tenant": "acme"}) {
		t.Fatalf("custom tags %v (%v)", principalTags(call.Claims), err)
	}

	set(false, nil)
	_, err = f.ci.GetPrincipalTagAttributeMap(ctx, in)
	wantCognitoErr(t, err, "ResourceNotFoundException", "")

	_, err = f.ci.SetPrincipalTagAttributeMap(ctx, &ci.SetPrincipalTagAttributeMapInput{IdentityPoolId: &f.ipID,
		IdentityProviderName: aws.String("accounts.google.com"), UseDefaults: aws.Bool(true)})
	wantCognitoErr(t, err, "InvalidParameterException", "accounts.google.com is not a configured provider of this identity pool.")
}

// The identity pool of the PDK's UserIdentity construct (the CDK
// templates fixture): Cognito's provider spelling, classic flow off,
// ServerSideTokenCheck, a Token mapping that falls back to the
// authenticated role, and a tenant principal tag.
func TestIdentityPoolOfUserIdentityTemplate(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	poolID, clientID := f.userPool(t)
	providerName := "cognito-idp.us-east-1.amazonaws.com/" + poolID
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.AllowClassicFlow = aws.Bool(false)
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(providerName, clientID, true)}
	})
	f.setRoles(t, ipID, map[string]string{"authenticated": authRole}, map[string]cit.RoleMapping{
		providerName + ":" + clientID: {Type: cit.RoleMappingTypeToken, AmbiguousRoleResolution: cit.AmbiguousRoleResolutionTypeAuthenticatedRole},
	})
	_, err := f.ci.SetPrincipalTagAttributeMap(ctx, &ci.SetPrincipalTagAttributeMapInput{IdentityPoolId: &ipID,
		IdentityProviderName: &providerName, UseDefaults: aws.Bool(false), PrincipalTags: map[string]string{"tenant": "custom:tenant"}})
	if err != nil {
		t.Fatal(err)
	}
	f.signUp(t, poolID, "gus", "custom:tenant", "acme")
	idToken, _ := f.signIn(t, poolID, clientID, "gus")
	// As Amplify does: the logins key is the token's iss without scheme.
	iss := cirrotest.Claims(t, idToken)["iss"].(string)
	logins := map[string]string{iss[len("http://"):]: idToken}
	id := f.getID(t, ipID, logins)
	call := f.mustCredentials(t, id, logins)
	if call.Role != authRole || !maps.Equal(principalTags(call.Claims), map[string]string{"tenant": "acme"}) {
		t.Fatalf("STS call %+v", call)
	}
	_, err = f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &id, Logins: logins})
	wantCognitoErr(t, err, "InvalidParameterException", "Basic (classic) flow is not enabled")
}
