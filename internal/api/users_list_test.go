package api_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/pool"
)

// listNames pages through ListUsers and returns the usernames, sorted.
func listNames(t *testing.T, idp *cip.Client, poolID, filter string, limit int32) []string {
	t.Helper()
	var names []string
	var token *string
	for {
		in := &cip.ListUsersInput{UserPoolId: &poolID, PaginationToken: token, Limit: aws.Int32(limit)}
		if filter != "" {
			in.Filter = &filter
		}
		out, err := idp.ListUsers(context.Background(), in)
		if err != nil {
			t.Fatalf("ListUsers %q: %v", filter, err)
		}
		if len(out.Users) > int(limit) {
			t.Fatalf("%d users on a page of %d", len(out.Users), limit)
		}
		for _, u := range out.Users {
			names = append(names, *u.Username)
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	slices.Sort(names)
	return names
}

func TestListUsersFilters(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
	})
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "Ann", "Ann@Example.com", "given_name", "Ann", "family_name", "Reddy", "name", "Ann Reddy", "phone_number", "+15550000001", "preferred_username", "annie")
	createConfirmed(t, idp, poolID, "andy", "andy@example.com", "given_name", "Andy", "family_name", "Reddy")
	createConfirmed(t, idp, poolID, "bea", "bea@example.org", "given_name", "Bea")
	if _, err := idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String("bea")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("cid"), Password: aws.String(userPassword)}); err != nil {
		t.Fatal(err)
	}
	sub := attrOf(adminGet(t, idp, poolID, "andy").UserAttributes, "sub")

	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"", []string{"Ann", "andy", "bea", "cid"}},
		{`username = "ann"`, []string{"Ann"}}, // the pool is case-insensitive
		{`username ^= "An"`, []string{"Ann", "andy"}},
		{`email = "ann@example.com"`, []string{"Ann"}},
		{`email ^= "an"`, []string{"Ann", "andy"}},
		{`phone_number = "+15550000001"`, []string{"Ann"}},
		{`name ^= "Ann "`, []string{"Ann"}},
		{`given_name ^= "An"`, []string{"Ann", "andy"}},
		{`given_name = "an"`, nil}, // given_name is compared exactly
		{`family_name = "Reddy"`, []string{"Ann", "andy"}},
		{`preferred_username = "ANNIE"`, []string{"Ann"}},
		{`cognito:user_status = "unconfirmed"`, []string{"cid"}},
		{`cognito:user_status = "CONFIRMED"`, []string{"Ann", "andy", "bea"}},
		{`status = "Disabled"`, []string{"bea"}},
		{`status = "Enabled"`, []string{"Ann", "andy", "cid"}},
		{`sub = "` + sub + `"`, []string{"andy"}},
		{`sub ^= "` + sub[:8] + `"`, []string{"andy"}},
		{`email = "nobody@example.com"`, nil},
	} {
		for _, limit := range []int32{1, 2, 60} {
			if got := listNames(t, idp, poolID, tc.filter, limit); !slices.Equal(got, tc.want) {
				t.Errorf("%q (limit %d): %v, want %v", tc.filter, limit, got, tc.want)
			}
		}
	}

	// AttributesToGet selects attributes; the other members stay.
	out, err := idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Filter: aws.String(`username = "Ann"`), AttributesToGet: []string{"email", "sub"}})
	if err != nil {
		t.Fatal(err)
	}
	u := out.Users[0]
	if len(u.Attributes) != 2 || attrOf(u.Attributes, "email") != "Ann@Example.com" || u.UserStatus != types.UserStatusTypeConfirmed || !u.Enabled {
		t.Fatalf("AttributesToGet: %+v", u)
	}

	// A token belongs to its listing.
	first, err := idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(1), Filter: aws.String(`status = "Enabled"`), PaginationToken: first.PaginationToken})
	wantCognitoErr(t, err, "InvalidParameterException", "Invalid pagination token.")
}

// Case-insensitive pools fold usernames, emails and preferred usernames
// everywhere, uniqueness included.
func TestCaseInsensitivePool(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, emailAlias, func(in *cip.CreateUserPoolInput) {
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
		in.AliasAttributes = append(in.AliasAttributes, types.AliasAttributeTypePreferredUsername)
	})
	createConfirmed(t, idp, poolID, "Mixed", "Mixed@Example.com", "preferred_username", "Mixy")
	for _, name := range []string{"mixed", "MIXED", "mixed@example.com", "MIXY"} {
		if got := adminGet(t, idp, poolID, name); *got.Username != "Mixed" {
			t.Fatalf("%s names %s", name, *got.Username)
		}
	}
	_, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("MIXED"), MessageAction: types.MessageActionTypeSuppress})
	wantCognitoErr(t, err, "UsernameExistsException", "User account already exists")
	createConfirmed(t, idp, poolID, "other", "other@example.com")
	_, err = idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("other"),
		UserAttributes: uattrs("preferred_username", "mixy")})
	wantCognitoErr(t, err, "AliasExistsException", "An account with the given preferred_username already exists.")
	_, err = idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("other"),
		UserAttributes: uattrs("email", "MIXED@example.com", "email_verified", "true")})
	wantCognitoErr(t, err, "AliasExistsException", "An account with the given email already exists.")

	// A case-sensitive pool (the API default) keeps them apart.
	sensitive := newFamilyPool(t, idp)
	createConfirmed(t, idp, sensitive, "Mixed", "m@example.com")
	createConfirmed(t, idp, sensitive, "mixed", "m@example.com")
}

// ForceAliasCreation moves a verified alias to the new user; the old
// holder keeps the value, unverified.
func TestForceAliasCreation(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail, emailAlias)
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "old", "same@example.com")
	if _, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("new"), Password: aws.String(userPassword), UserAttributes: uattrs("email", "same@example.com")}); err != nil {
		t.Fatal(err)
	}
	code := outboxMessage(t, c, poolID, "same@example.com").Code
	_, err := idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("new"), ConfirmationCode: &code, ForceAliasCreation: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := adminGet(t, idp, poolID, "same@example.com"); *got.Username != "new" {
		t.Fatalf("the alias names %s", *got.Username)
	}
	if old := adminGet(t, idp, poolID, "old"); attrOf(old.UserAttributes, "email_verified") != "false" || attrOf(old.UserAttributes, "email") != "same@example.com" {
		t.Fatalf("the previous holder: %v", old.UserAttributes)
	}
	// AdminCreateUser moves it too.
	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("newest"), MessageAction: types.MessageActionTypeSuppress,
		ForceAliasCreation: true, UserAttributes: uattrs("email", "same@example.com", "email_verified", "true")})
	if err != nil {
		t.Fatal(err)
	}
	if got := adminGet(t, idp, poolID, "same@example.com"); *got.Username != "newest" {
		t.Fatalf("the alias names %s", *got.Username)
	}
}

// An email-as-username pool: the username is the sub, the email signs in.
func TestUsernameAttributesPool(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail, func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	})
	clientID, _ := appClient(t, idp, poolID)
	out, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("pat@example.com"), Password: aws.String(userPassword)})
	if err != nil {
		t.Fatal(err)
	}
	got := adminGet(t, idp, poolID, "pat@example.com")
	if *got.Username != *out.UserSub || attrOf(got.UserAttributes, "email") != "pat@example.com" {
		t.Fatalf("username %s, attributes %v", *got.Username, got.UserAttributes)
	}
	code := outboxMessage(t, c, poolID, "pat@example.com").Code
	if _, err := idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("pat@example.com"), ConfirmationCode: &code}); err != nil {
		t.Fatal(err)
	}
	// ListUsers finds users by their real username only.
	if names := listNames(t, idp, poolID, `username = "pat@example.com"`, 60); len(names) != 0 {
		t.Fatalf("username filter matched an email: %v", names)
	}
	if names := listNames(t, idp, poolID, `email = "pat@example.com"`, 60); len(names) != 1 {
		t.Fatalf("email filter: %v", names)
	}
}

// Group membership: both directions, idempotence, and what deleting a
// user or a group does to it.
func TestGroupMembership(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	for _, g := range []string{"admins", "editors", "readers"} {
		if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		createConfirmed(t, idp, poolID, fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i))
	}
	add := func(name, group string) {
		t.Helper()
		if _, err := idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &name, GroupName: &group}); err != nil {
			t.Fatal(err)
		}
	}
	add("u0", "readers")
	add("u0", "admins")
	add("u0", "admins") // again: no change
	add("u1", "readers")
	add("u2", "readers")

	groupsOf := func(name string) []string {
		t.Helper()
		var out []string
		var token *string
		for {
			page, err := idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: &name, Limit: aws.Int32(1), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range page.Groups {
				out = append(out, *g.GroupName)
			}
			if token = page.NextToken; token == nil {
				return out
			}
		}
	}
	membersOf := func(group string) []string {
		t.Helper()
		var out []string
		var token *string
		for {
			page, err := idp.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: &poolID, GroupName: &group, Limit: aws.Int32(2), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range page.Users {
				out = append(out, *u.Username)
			}
			if token = page.NextToken; token == nil {
				slices.Sort(out)
				return out
			}
		}
	}
	if got := groupsOf("u0"); !slices.Equal(got, []string{"admins", "readers"}) {
		t.Fatalf("groups of u0: %v", got)
	}
	if got := membersOf("readers"); !slices.Equal(got, []string{"u0", "u1", "u2"}) {
		t.Fatalf("readers: %v", got)
	}
	if _, err := idp.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &poolID, Username: aws.String("u1"), GroupName: aws.String("readers")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: aws.String("u2")}); err != nil {
		t.Fatal(err)
	}
	if got := membersOf("readers"); !slices.Equal(got, []string{"u0"}) {
		t.Fatalf("readers after removal and deletion: %v", got)
	}
	if _, err := idp.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	if got := groupsOf("u0"); !slices.Equal(got, []string{"readers"}) {
		t.Fatalf("groups of u0 after DeleteGroup: %v", got)
	}
	if n := countScoped(t, c, pool.KindGroupMember, poolID); n != 1 {
		t.Fatalf("%d membership records left, want 1", n)
	}
}
