package api_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// wantCognitoErr fails unless err is the Cognito error type code, decoded
// by the SDK into its typed exception (*types.<code>), with a message
// containing msg.
func wantCognitoErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || fmt.Sprintf("%T", ae) != "*types."+code {
		t.Fatalf("want %s, got %T %s: %s", code, ae, ae.ErrorCode(), ae.ErrorMessage())
	}
	if !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s message %q does not contain %q", code, ae.ErrorMessage(), msg)
	}
}

// familyClock is a fake clock on a whole second. Dates travel as epoch
// seconds with milliseconds; a whole second survives every encoding
// exactly, so tests compare dates with Equal. It starts now, because
// requests are signed with the real time and must stay within the
// server's allowed clock skew.
func familyClock() *clock.Fake { return clock.NewFake(time.Now().Truncate(time.Second)) }

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func sameGroup(a, b *types.GroupType) bool {
	return aws.ToString(a.GroupName) == aws.ToString(b.GroupName) && aws.ToString(a.UserPoolId) == aws.ToString(b.UserPoolId) &&
		aws.ToString(a.Description) == aws.ToString(b.Description) && aws.ToString(a.RoleArn) == aws.ToString(b.RoleArn) &&
		reflect.DeepEqual(a.Precedence, b.Precedence) && sameTime(a.CreationDate, b.CreationDate) && sameTime(a.LastModifiedDate, b.LastModifiedDate)
}

// newFamilyPool creates a pool for a test and returns its id.
func newFamilyPool(t *testing.T, idp *cip.Client, opts ...func(*cip.CreateUserPoolInput)) string {
	t.Helper()
	in := &cip.CreateUserPoolInput{PoolName: aws.String("p")}
	for _, o := range opts {
		o(in)
	}
	out, err := idp.CreateUserPool(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPool.Id
}

// countScoped counts the records of kind a pool owns, straight from the store.
func countScoped(t *testing.T, c *cirrotest.Server, kind, poolID string) int {
	t.Helper()
	var n int
	err := c.Internal().Store.Read(context.Background(), func(tx store.Tx) (err error) {
		n, err = tx.Count(context.Background(), store.Query{Kind: kind, Scope: poolID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGroupRoundTrip(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	role := "arn:aws:iam::123456789012:role/Admins"

	created, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{
		UserPoolId: &poolID, GroupName: aws.String("admins"),
		Description: aws.String("administrators"), RoleArn: &role, Precedence: aws.Int32(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	g := created.Group
	if *g.GroupName != "admins" || *g.UserPoolId != poolID || *g.Description != "administrators" ||
		*g.RoleArn != role || *g.Precedence != 3 || !g.CreationDate.Equal(clk.Now()) || !sameTime(g.CreationDate, g.LastModifiedDate) {
		t.Fatalf("created %+v", g)
	}
	got, err := idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")})
	if err != nil {
		t.Fatal(err)
	}
	if !sameGroup(got.Group, g) {
		t.Fatalf("get %+v\nwant %+v", got.Group, g)
	}
	// A group without the optional members has none of them.
	if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("bare")}); err != nil {
		t.Fatal(err)
	}
	bare, err := idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("bare")})
	if err != nil {
		t.Fatal(err)
	}
	if bare.Group.Precedence != nil || bare.Group.RoleArn != nil || bare.Group.Description != nil {
		t.Fatalf("bare group %+v", bare.Group)
	}

	// UpdateGroup changes what it is given and keeps the rest.
	clk.Advance(time.Minute)
	upd, err := idp.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"), Precedence: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.Group.Precedence != 0 || *upd.Group.Description != "administrators" || *upd.Group.RoleArn != role {
		t.Fatalf("after precedence update %+v", upd.Group)
	}
	upd, err = idp.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"), Description: aws.String("new")})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.Group.Precedence != 0 || *upd.Group.Description != "new" || *upd.Group.RoleArn != role ||
		!sameTime(upd.Group.CreationDate, g.CreationDate) || !upd.Group.LastModifiedDate.Equal(clk.Now()) {
		t.Fatalf("after description update %+v", upd.Group)
	}

	list, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Groups) != 2 || *list.Groups[0].GroupName != "admins" || *list.Groups[1].GroupName != "bare" || list.NextToken != nil {
		t.Fatalf("list %+v", list)
	}

	if _, err := idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	_, err = idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "Group not found.")
	// The name is free again.
	if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
}

func TestGroupConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	other := newFamilyPool(t, idp)
	if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("h")}); err != nil {
		t.Fatal(err)
	}
	page, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID, Limit: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("want a second page: %v %+v", err, page)
	}
	missing := "us-east-1_missing00"
	cases := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"duplicate name", func() error {
			_, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g")})
			return err
		}, "GroupExistsException", "A group with the name g already exists."},
		{"unknown pool", func() error {
			_, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &missing, GroupName: aws.String("g")})
			return err
		}, "ResourceNotFoundException", "User pool " + missing + " does not exist."},
		{"get unknown group", func() error {
			_, err := idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Group not found."},
		{"group of another pool", func() error {
			_, err := idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &other, GroupName: aws.String("g")})
			return err
		}, "ResourceNotFoundException", "Group not found."},
		{"update unknown group", func() error {
			_, err := idp.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("nope"), Precedence: aws.Int32(1)})
			return err
		}, "ResourceNotFoundException", "Group not found."},
		{"delete unknown group", func() error {
			_, err := idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Group not found."},
		{"list unknown pool", func() error {
			_, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &missing})
			return err
		}, "ResourceNotFoundException", "does not exist"},
		{"negative precedence", func() error {
			_, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("n"), Precedence: aws.Int32(-1)})
			return err
		}, "InvalidParameterException", "at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"role is not an ARN", func() error {
			_, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("n"), RoleArn: aws.String("not-an-arn-at-all-really")})
			return err
		}, "InvalidParameterException", "at 'roleArn' failed to satisfy constraint"},
		{"name too long", func() error {
			_, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(strings.Repeat("g", 129))})
			return err
		}, "InvalidParameterException", "at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"description too long", func() error {
			_, err := idp.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g"), Description: aws.String(strings.Repeat("d", 2049))})
			return err
		}, "InvalidParameterException", "at 'description' failed to satisfy constraint"},
		{"limit above 60", func() error {
			_, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID, Limit: aws.Int32(61)})
			return err
		}, "InvalidParameterException", "at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{"forged token", func() error {
			_, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID, NextToken: aws.String("forged-token")})
			return err
		}, "InvalidParameterException", "Invalid pagination token."},
		{"token of another pool", func() error {
			_, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &other, NextToken: page.NextToken})
			return err
		}, "InvalidParameterException", "Invalid pagination token."},
		{"token of another operation", func() error {
			_, err := idp.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: &poolID, NextToken: page.NextToken})
			return err
		}, "InvalidParameterException", "Invalid pagination token."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCognitoErr(t, tc.call(), tc.code, tc.msg) })
	}
}

// TestGroupQuota fills a pool up to Cognito's 10,000 groups straight in the
// store (creating them one request at a time would only be slow), then
// asks for one more.
func TestGroupQuota(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	err := c.Internal().Store.Write(ctx, func(tx store.Tx) error {
		for i := range 10000 {
			name := fmt.Sprintf("g%05d", i)
			doc := fmt.Sprintf(`{"GroupName":%q,"UserPoolId":%q}`, name, poolID)
			if err := tx.Insert(ctx, &store.Record{Kind: pool.KindGroup, ID: poolID + "/" + name, Scope: poolID, Data: []byte(doc)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("one-more")})
	wantCognitoErr(t, err, "LimitExceededException", "10000 groups")
}

// TestGroupPagination lists 250 groups completely, in order and without
// duplicates, at several page sizes, on every backend.
func TestGroupPagination(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newFamilyPool(t, idp)
		const n = 250
		for i := range n {
			if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(fmt.Sprintf("group-%03d", i))}); err != nil {
				t.Fatal(err)
			}
		}
		for _, size := range []int32{1, 7, 60, 0} {
			seen := map[string]bool{}
			var order []string
			var token *string
			for pages := 0; ; pages++ {
				if pages > n+1 {
					t.Fatalf("page size %d: pagination does not end", size)
				}
				out, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID, Limit: aws.Int32(size), NextToken: token})
				if err != nil {
					t.Fatal(err)
				}
				want := int(size)
				if size == 0 {
					want = 60
				}
				if len(out.Groups) > want || (out.NextToken != nil && len(out.Groups) != want) {
					t.Fatalf("page size %d: page of %d", size, len(out.Groups))
				}
				for _, g := range out.Groups {
					if seen[*g.GroupName] {
						t.Fatalf("page size %d: %s listed twice", size, *g.GroupName)
					}
					seen[*g.GroupName] = true
					order = append(order, *g.GroupName)
				}
				if token = out.NextToken; token == nil {
					break
				}
			}
			if len(seen) != n {
				t.Fatalf("page size %d: %d groups listed, want %d", size, len(seen), n)
			}
			for i, name := range order {
				if name != fmt.Sprintf("group-%03d", i) {
					t.Fatalf("page size %d: position %d is %s", size, i, name)
				}
			}
		}
		_, err := idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID, NextToken: aws.String("AAAA" + strings.Repeat("x", 40))})
		wantCognitoErr(t, err, "InvalidParameterException", "Invalid pagination token.")
	})
}

// TestDeleteGroupDeletesMemberships checks the cascade that group
// membership (a later issue) inherits: memberships are records keyed by
// group, and DeleteGroup removes exactly those of the deleted group.
func TestDeleteGroupDeletesMemberships(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newFamilyPool(t, idp)
		for _, g := range []string{"a", "b"} {
			if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
		err := c.Internal().Store.Write(ctx, func(tx store.Tx) error {
			for _, m := range [][2]string{{"a", "sub-1"}, {"a", "sub-2"}, {"b", "sub-1"}} {
				err := tx.Insert(ctx, &store.Record{
					Kind: pool.KindGroupMember, ID: poolID + "/" + m[0] + "/" + m[1], Scope: poolID, Data: []byte("{}"),
					Keys: []store.Key{{Name: pool.MemberKeyGroup, Value: m[0]}, {Name: pool.MemberKeyUser, Value: m[1]}},
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: aws.String("a")}); err != nil {
			t.Fatal(err)
		}
		var left []*store.Record
		err = c.Internal().Store.Read(ctx, func(tx store.Tx) (err error) {
			left, err = tx.List(ctx, store.Query{Kind: pool.KindGroupMember, Scope: poolID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 || left[0].ID != poolID+"/b/sub-1" {
			t.Fatalf("memberships left: %v", left)
		}
	})
}
