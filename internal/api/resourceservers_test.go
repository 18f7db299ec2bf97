package api_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/store"
)

func scope(name, desc string) types.ResourceServerScopeType {
	return types.ResourceServerScopeType{ScopeName: &name, ScopeDescription: &desc}
}

func TestResourceServerRoundTrip(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	id := "https://api.example.com"
	scopes := []types.ResourceServerScopeType{scope("read", "Read things"), scope("write", "Write things")}

	created, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: &id, Name: aws.String("Example API"), Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	want := types.ResourceServerType{UserPoolId: &poolID, Identifier: &id, Name: aws.String("Example API"), Scopes: scopes}
	if !reflect.DeepEqual(*created.ResourceServer, want) {
		t.Fatalf("created %+v", created.ResourceServer)
	}
	got, err := idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &poolID, Identifier: &id})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got.ResourceServer, want) {
		t.Fatalf("described %+v", got.ResourceServer)
	}

	// The app-client code sees every scope as identifier/scope.
	var all map[string]bool
	err = c.Internal().Store.Read(ctx, func(tx store.Tx) (err error) {
		all, err = c.Internal().API.Pools.ResourceServerScopes(ctx, tx, poolID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if k := slices.Sorted(maps.Keys(all)); !reflect.DeepEqual(k, []string{id + "/read", id + "/write"}) {
		t.Fatalf("scopes %v", k)
	}

	// Update replaces: the name and scopes given, and no scopes when none are.
	upd, err := idp.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: &poolID, Identifier: &id, Name: aws.String("Renamed"),
		Scopes: []types.ResourceServerScopeType{scope("admin", "Everything")}})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.ResourceServer.Name != "Renamed" || len(upd.ResourceServer.Scopes) != 1 || *upd.ResourceServer.Scopes[0].ScopeName != "admin" {
		t.Fatalf("updated %+v", upd.ResourceServer)
	}
	if _, err := idp.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: &poolID, Identifier: &id, Name: aws.String("Bare")}); err != nil {
		t.Fatal(err)
	}
	got, err = idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &poolID, Identifier: &id})
	if err != nil {
		t.Fatal(err)
	}
	if *got.ResourceServer.Name != "Bare" || got.ResourceServer.Scopes == nil || len(got.ResourceServer.Scopes) != 0 {
		t.Fatalf("after replace without scopes %+v", got.ResourceServer)
	}

	list, err := idp.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: &poolID, MaxResults: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ResourceServers) != 1 || *list.ResourceServers[0].Identifier != id || list.NextToken != nil {
		t.Fatalf("list %+v", list)
	}

	if _, err := idp.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: &poolID, Identifier: &id}); err != nil {
		t.Fatal(err)
	}
	_, err = idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &poolID, Identifier: &id})
	wantCognitoErr(t, err, "ResourceNotFoundException", id)
}

func TestResourceServerConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	full := newFamilyPool(t, idp)
	for i := range 25 {
		if _, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &full, Identifier: aws.String(fmt.Sprintf("rs%02d", i)), Name: aws.String("n")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("api"), Name: aws.String("n")}); err != nil {
		t.Fatal(err)
	}
	tooMany := make([]types.ResourceServerScopeType, 101)
	for i := range tooMany {
		tooMany[i] = scope(fmt.Sprintf("s%d", i), "d")
	}
	missing := "us-east-1_missing00"
	cases := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"duplicate identifier", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("api"), Name: aws.String("n")})
			return err
		}, "InvalidParameterException", "api already exists in user pool " + poolID},
		{"26th resource server", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &full, Identifier: aws.String("one-more"), Name: aws.String("n")})
			return err
		}, "LimitExceededException", "25 resource servers"},
		{"101 scopes", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("big"), Name: aws.String("n"), Scopes: tooMany})
			return err
		}, "InvalidParameterException", "at 'scopes' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"scope named twice", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("dup"), Name: aws.String("n"),
				Scopes: []types.ResourceServerScopeType{scope("read", "a"), scope("read", "b")}})
			return err
		}, "InvalidParameterException", "Scope read is defined more than once."},
		{"scope named twice on update", func() error {
			_, err := idp.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("api"), Name: aws.String("n"),
				Scopes: []types.ResourceServerScopeType{scope("read", "a"), scope("read", "b")}})
			return err
		}, "InvalidParameterException", "Scope read is defined more than once."},
		{"slash in scope name", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("slash"), Name: aws.String("n"),
				Scopes: []types.ResourceServerScopeType{scope("a/b", "d")}})
			return err
		}, "InvalidParameterException", "at 'scopes.1.member.scopeName' failed to satisfy constraint"},
		{"name with forbidden characters", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("x"), Name: aws.String("<script>")})
			return err
		}, "InvalidParameterException", "at 'name' failed to satisfy constraint"},
		{"unknown pool", func() error {
			_, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &missing, Identifier: aws.String("x"), Name: aws.String("n")})
			return err
		}, "ResourceNotFoundException", "User pool " + missing + " does not exist."},
		{"describe unknown", func() error {
			_, err := idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Resource server nope does not exist."},
		{"update unknown", func() error {
			_, err := idp.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("nope"), Name: aws.String("n")})
			return err
		}, "ResourceNotFoundException", "Resource server nope does not exist."},
		{"delete unknown", func() error {
			_, err := idp.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Resource server nope does not exist."},
		{"describe in another pool", func() error {
			_, err := idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: &full, Identifier: aws.String("api")})
			return err
		}, "ResourceNotFoundException", "Resource server api does not exist."},
		{"max results 0", func() error {
			_, err := idp.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: &poolID, MaxResults: aws.Int32(0)})
			return err
		}, "InvalidParameterException", "at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"max results 51", func() error {
			_, err := idp.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: &poolID, MaxResults: aws.Int32(51)})
			return err
		}, "InvalidParameterException", "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"},
		{"forged token", func() error {
			_, err := idp.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: &poolID, NextToken: aws.String("forged")})
			return err
		}, "InvalidParameterException", "Invalid pagination token."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCognitoErr(t, tc.call(), tc.code, tc.msg) })
	}
}

// TestResourceServerPagination lists a pool's 25 resource servers (the
// quota) at several page sizes.
func TestResourceServerPagination(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	var want []string
	for i := range 25 {
		id := fmt.Sprintf("https://api%02d.example.com/v1", i)
		want = append(want, id)
		if _, err := idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: &id, Name: aws.String("n")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range []int32{1, 7, 50} {
		var got []string
		p := cip.NewListResourceServersPaginator(idp, &cip.ListResourceServersInput{UserPoolId: &poolID, MaxResults: aws.Int32(size)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.ResourceServers) > int(size) {
				t.Fatalf("page of %d at size %d", len(out.ResourceServers), size)
			}
			for _, rs := range out.ResourceServers {
				got = append(got, *rs.Identifier)
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("size %d: listed %v", size, got)
		}
	}
}
