package api_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cit "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"

	"github.com/cirrohq/cirro/cirrotest"
)

const devProvider = "login.example.app"

// devFixture is an identity pool with a developer provider and a user
// pool provider.
type devFixture struct {
	*idFixture
	poolID, clientID, provider, ipID string
}

func newDevFixture(t *testing.T) *devFixture {
	f := &devFixture{idFixture: newIDFixture(t)}
	f.poolID, f.clientID = f.userPool(t)
	f.provider = f.providerName(f.poolID)
	f.ipID = f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.DeveloperProviderName = aws.String(devProvider)
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(f.provider, f.clientID, false)}
	})
	f.setRoles(t, f.ipID, map[string]string{"authenticated": authRole}, nil)
	return f
}

func (f *devFixture) devToken(t *testing.T, identityID *string, logins map[string]string) *ci.GetOpenIdTokenForDeveloperIdentityOutput {
	t.Helper()
	out, err := f.ci.GetOpenIdTokenForDeveloperIdentity(context.Background(), &ci.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: &f.ipID, IdentityId: identityID, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *devFixture) lookup(in *ci.LookupDeveloperIdentityInput) (*ci.LookupDeveloperIdentityOutput, error) {
	in.IdentityPoolId = &f.ipID
	return f.ci.LookupDeveloperIdentity(context.Background(), in)
}

// A backend registers its users as developer identities, finds them,
// links several developer user identifiers to one identity, merges two
// users' identities and unlinks; its users get credentials with the
// identity token in the enhanced flow.
func TestIdentityDeveloperIdentities(t *testing.T) {
	f := newDevFixture(t)
	ctx := context.Background()
	first := f.devToken(t, nil, map[string]string{devProvider: "alice"})
	id := *first.IdentityId
	if again := f.devToken(t, nil, map[string]string{devProvider: "alice"}); *again.IdentityId != id {
		t.Fatalf("alice again: %s, want %s", *again.IdentityId, id)
	}
	claims := cirrotest.Claims(t, *first.Token)
	if claims["sub"] != id || claims["aud"] != f.ipID ||
		!slices.Equal(amr(claims), []string{"authenticated", devProvider, devProvider + ":" + f.ipID + ":alice"}) ||
		claims["exp"].(float64)-claims["iat"].(float64) != 15*60 {
		t.Fatalf("developer token claims %v", claims)
	}

	f.devToken(t, &id, map[string]string{devProvider: "alice-2"})
	out, err := f.lookup(&ci.LookupDeveloperIdentityInput{DeveloperUserIdentifier: aws.String("alice")})
	if err != nil || aws.ToString(out.IdentityId) != id || !slices.Equal(out.DeveloperUserIdentifierList, []string{"alice", "alice-2"}) {
		t.Fatalf("lookup alice: %+v %v", out, err)
	}
	page, err := f.lookup(&ci.LookupDeveloperIdentityInput{IdentityId: &id, MaxResults: aws.Int32(1)})
	if err != nil || !slices.Equal(page.DeveloperUserIdentifierList, []string{"alice"}) || page.NextToken == nil {
		t.Fatalf("first page: %+v %v", page, err)
	}
	page, err = f.lookup(&ci.LookupDeveloperIdentityInput{IdentityId: &id, MaxResults: aws.Int32(1), NextToken: page.NextToken})
	if err != nil || !slices.Equal(page.DeveloperUserIdentifierList, []string{"alice-2"}) || page.NextToken != nil {
		t.Fatalf("second page: %+v %v", page, err)
	}

	bob := *f.devToken(t, nil, map[string]string{devProvider: "bob"}).IdentityId
	if bob == id {
		t.Fatal("bob got alice's identity")
	}
	_, err = f.lookup(&ci.LookupDeveloperIdentityInput{IdentityId: &bob, DeveloperUserIdentifier: aws.String("alice")})
	wantCognitoErr(t, err, "ResourceConflictException", "")
	_, err = f.lookup(&ci.LookupDeveloperIdentityInput{DeveloperUserIdentifier: aws.String("nobody")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
	_, err = f.lookup(&ci.LookupDeveloperIdentityInput{})
	wantCognitoErr(t, err, "InvalidParameterException", "Either IdentityId or DeveloperUserIdentifier must be provided.")
	_, err = f.ci.GetOpenIdTokenForDeveloperIdentity(ctx, &ci.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: &f.ipID, IdentityId: &bob,
		Logins: map[string]string{devProvider: "alice"}})
	wantCognitoErr(t, err, "DeveloperUserAlreadyRegisteredException", "")

	merged, err := f.ci.MergeDeveloperIdentities(ctx, &ci.MergeDeveloperIdentitiesInput{IdentityPoolId: &f.ipID, DeveloperProviderName: aws.String(devProvider),
		SourceUserIdentifier: aws.String("bob"), DestinationUserIdentifier: aws.String("alice")})
	if err != nil || aws.ToString(merged.IdentityId) != id {
		t.Fatalf("merge: %+v %v", merged, err)
	}
	if out, err := f.lookup(&ci.LookupDeveloperIdentityInput{DeveloperUserIdentifier: aws.String("bob")}); err != nil || aws.ToString(out.IdentityId) != id {
		t.Fatalf("bob after merge: %+v %v", out, err)
	}
	_, err = f.ci.DescribeIdentity(ctx, &ci.DescribeIdentityInput{IdentityId: &bob})
	wantCognitoErr(t, err, "ResourceNotFoundException", "Identity '"+bob+"' not found.")
	_, err = f.ci.MergeDeveloperIdentities(ctx, &ci.MergeDeveloperIdentitiesInput{IdentityPoolId: &f.ipID, DeveloperProviderName: aws.String("other.example"),
		SourceUserIdentifier: aws.String("bob"), DestinationUserIdentifier: aws.String("alice")})
	wantCognitoErr(t, err, "InvalidParameterException", "")

	_, err = f.ci.UnlinkDeveloperIdentity(ctx, &ci.UnlinkDeveloperIdentityInput{IdentityPoolId: &f.ipID, IdentityId: &id,
		DeveloperProviderName: aws.String(devProvider), DeveloperUserIdentifier: aws.String("alice-2")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.lookup(&ci.LookupDeveloperIdentityInput{DeveloperUserIdentifier: aws.String("alice-2")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
	if fresh := *f.devToken(t, nil, map[string]string{devProvider: "alice-2"}).IdentityId; fresh == id {
		t.Fatal("an unlinked developer user identifier must make a new identity")
	}

	// The enhanced flow: the identity token is the login, passed through
	// to STS, principal tags and all.
	tagged, err := f.ci.GetOpenIdTokenForDeveloperIdentity(ctx, &ci.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: &f.ipID,
		Logins: map[string]string{devProvider: "alice"}, PrincipalTags: map[string]string{"team": "blue"}, TokenDuration: aws.Int64(600)})
	if err != nil {
		t.Fatal(err)
	}
	call := f.mustCredentials(t, id, map[string]string{"cognito-identity.amazonaws.com": *tagged.Token})
	if call.Token != *tagged.Token || call.Role != authRole || !maps.Equal(principalTags(call.Claims), map[string]string{"team": "blue"}) {
		t.Fatalf("enhanced developer flow: %+v", call)
	}
	_, err = f.credentials(bob, map[string]string{"cognito-identity.amazonaws.com": *tagged.Token})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
	other := *f.devToken(t, nil, map[string]string{devProvider: "carol"}).IdentityId
	_, err = f.credentials(other, map[string]string{"cognito-identity.amazonaws.com": *tagged.Token})
	wantCognitoErr(t, err, "NotAuthorizedException", "issued for another identity")

	// Developer logins are for the backend's signed call only.
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &f.ipID, Logins: map[string]string{devProvider: "alice"}})
	wantCognitoErr(t, err, "NotAuthorizedException", "GetOpenIdTokenForDeveloperIdentity")
	_, err = f.ci.GetId(ctx, &ci.GetIdInput{IdentityPoolId: &f.ipID, Logins: map[string]string{"cognito-identity.amazonaws.com": *tagged.Token}})
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid login token. Can't pass in a Cognito token.")
}

// A developer identity and a user pool login link into one identity,
// and merging identities that hold different users of one public
// provider is refused.
func TestIdentityDeveloperWithPublicLogins(t *testing.T) {
	f := newDevFixture(t)
	ctx := context.Background()
	hal := map[string]string{f.provider: f.mintID(t, f.poolID, f.clientID, "hal", nil)}
	id := f.getID(t, f.ipID, hal)
	both := maps.Clone(hal)
	both[devProvider] = "hal-dev"
	if got := *f.devToken(t, nil, both).IdentityId; got != id {
		t.Fatalf("developer login with hal's token: %s, want %s", got, id)
	}
	desc, err := f.ci.DescribeIdentity(ctx, &ci.DescribeIdentityInput{IdentityId: &id})
	if err != nil || !slices.Equal(desc.Logins, []string{f.provider, devProvider}) {
		t.Fatalf("DescribeIdentity: %+v %v", desc, err)
	}
	ivy := map[string]string{f.provider: f.mintID(t, f.poolID, f.clientID, "ivy", nil), devProvider: "ivy-dev"}
	f.devToken(t, nil, ivy)
	_, err = f.ci.MergeDeveloperIdentities(ctx, &ci.MergeDeveloperIdentitiesInput{IdentityPoolId: &f.ipID, DeveloperProviderName: aws.String(devProvider),
		SourceUserIdentifier: aws.String("ivy-dev"), DestinationUserIdentifier: aws.String("hal-dev")})
	wantCognitoErr(t, err, "ResourceConflictException", "")
}

// Logins of two providers presented together link to one identity;
// UnlinkIdentity removes one, which then makes a new identity, and
// removing the last one disables the identity.
func TestIdentityLinkAndUnlink(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	poolA, clientA := f.userPool(t)
	poolB, clientB := f.userPool(t)
	provA, provB := f.providerName(poolA), f.providerName(poolB)
	ipID := f.identityPool(t, func(in *ci.CreateIdentityPoolInput) {
		in.CognitoIdentityProviders = []cit.CognitoIdentityProvider{userPoolProvider(provA, clientA, false), userPoolProvider(provB, clientB, false)}
	})
	f.setRoles(t, ipID, map[string]string{"authenticated": authRole}, nil)
	a := map[string]string{provA: f.mintID(t, poolA, clientA, "jo", nil)}
	b := map[string]string{provB: f.mintID(t, poolB, clientB, "jo-b", nil)}

	id := f.getID(t, ipID, a)
	if got := f.getID(t, ipID, map[string]string{provA: a[provA], provB: b[provB]}); got != id {
		t.Fatalf("both logins: %s, want %s", got, id)
	}
	if got := f.getID(t, ipID, b); got != id {
		t.Fatalf("second provider alone: %s, want %s", got, id)
	}
	// A second user of provider A cannot join.
	_, err := f.ci.GetOpenIdToken(ctx, &ci.GetOpenIdTokenInput{IdentityId: &id,
		Logins: map[string]string{provA: f.mintID(t, poolA, clientA, "kim", nil), provB: b[provB]}})
	wantCognitoErr(t, err, "ResourceConflictException", "")

	unlink := func(logins map[string]string, remove ...string) error {
		_, err := f.ci.UnlinkIdentity(ctx, &ci.UnlinkIdentityInput{IdentityId: &id, Logins: logins, LoginsToRemove: remove})
		return err
	}
	err = unlink(map[string]string{provA: f.mintID(t, poolA, clientA, "stranger", nil)}, provB)
	wantCognitoErr(t, err, "NotAuthorizedException", "Logins don't match")
	if err := unlink(a, provB); err != nil {
		t.Fatal(err)
	}
	desc, err := f.ci.DescribeIdentity(ctx, &ci.DescribeIdentityInput{IdentityId: &id})
	if err != nil || !slices.Equal(desc.Logins, []string{provA}) {
		t.Fatalf("after unlinking B: %+v %v", desc, err)
	}
	if got := f.getID(t, ipID, b); got == id {
		t.Fatal("an unlinked login must make a new identity")
	}
	if err := unlink(a, provA); err != nil {
		t.Fatal(err)
	}
	_, err = f.credentials(id, a)
	wantCognitoErr(t, err, "NotAuthorizedException", "Access to Identity '"+id+"' is forbidden.")

	all, err := f.ci.ListIdentities(ctx, &ci.ListIdentitiesInput{IdentityPoolId: &ipID, MaxResults: aws.Int32(60)})
	if err != nil || len(all.Identities) != 2 {
		t.Fatalf("ListIdentities: %+v %v", all, err)
	}
	enabled, err := f.ci.ListIdentities(ctx, &ci.ListIdentitiesInput{IdentityPoolId: &ipID, MaxResults: aws.Int32(60), HideDisabled: true})
	if err != nil || len(enabled.Identities) != 1 || *enabled.Identities[0].IdentityId == id {
		t.Fatalf("ListIdentities HideDisabled: %+v %v", enabled, err)
	}
}
