package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// passwordMatches reports whether the stored hash of a user verifies pw.
func passwordMatches(t *testing.T, c *cirrotest.Server, poolID, name, pw string) bool {
	t.Helper()
	h, err := c.Internal().API.Users.Hasher()
	if err != nil {
		t.Fatal(err)
	}
	ok, err := h.Verify(rawUser(t, c, poolID, name).Password.Hash, pw)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// ChangePassword needs the previous password, applies the pool's policy
// and history, and leaves the user's sessions signed in.
func TestChangePassword(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.UserPoolTier = types.UserPoolTierTypePlus
		in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(10), RequireNumbers: true, PasswordHistorySize: aws.Int32(2),
		}}
	})
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "pat", "pat@example.com")
	at := signIn(t, c, poolID, clientID, "pat").AccessToken
	change := func(prev *string, next string) error {
		_, err := idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: &at, PreviousPassword: prev, ProposedPassword: &next})
		return err
	}

	for _, r := range []struct {
		name       string
		prev       *string
		next       string
		code, text string
	}{
		{"short", aws.String(userPassword), "short1", "InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
		{"no digit", aws.String(userPassword), "longenoughbutnodigit", "InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters"},
		{"previous missing", nil, "another-passw0rd", "InvalidParameterException", "previousPassword"},
		{"previous wrong", aws.String("Wr0ng-password"), "another-passw0rd", "NotAuthorizedException", "Incorrect username or password."},
		{"the current one again", aws.String(userPassword), userPassword, "PasswordHistoryPolicyViolationException", ""},
	} {
		wantCognitoErr(t, change(r.prev, r.next), r.code, r.text)
		if !passwordMatches(t, c, poolID, "pat", userPassword) {
			t.Fatalf("%s: a refused change changed the password", r.name)
		}
	}

	if err := change(aws.String(userPassword), "second-passw0rd"); err != nil {
		t.Fatal(err)
	}
	if !passwordMatches(t, c, poolID, "pat", "second-passw0rd") || passwordMatches(t, c, poolID, "pat", userPassword) {
		t.Fatal("the password did not change")
	}
	if u := rawUser(t, c, poolID, "pat"); u.Password.Temporary || u.Status != "CONFIRMED" || u.Lockout.Failures != 0 {
		t.Fatalf("after the change: %+v", u)
	}
	// History of two: the last two passwords are refused, the third back is not.
	wantCognitoErr(t, change(aws.String("second-passw0rd"), userPassword), "PasswordHistoryPolicyViolationException", "")
	if err := change(aws.String("second-passw0rd"), "third-passw0rd"); err != nil {
		t.Fatal(err)
	}
	if err := change(aws.String("third-passw0rd"), userPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &at}); err != nil {
		t.Fatalf("changing the password signed the session out: %v", err)
	}
}

// Wrong previous passwords count toward sign-in's lockout: after five,
// ChangePassword answers LimitExceededException, even with the right
// password, until the lockout (1 s, then doubling) has passed; attempts
// during it do not extend it; a success clears the counter.
func TestChangePasswordLockout(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "lou", "lou@example.com")
	at := signIn(t, c, poolID, clientID, "lou").AccessToken
	change := func(prev, next string) error {
		_, err := idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: &at, PreviousPassword: &prev, ProposedPassword: &next})
		return err
	}
	const wrong, limit = "Wr0ng-passw0rd!", "Attempt limit exceeded, please try after some time."

	for range 5 {
		wantCognitoErr(t, change(wrong, "N3w-passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	}
	wantCognitoErr(t, change(userPassword, "N3w-passw0rd!"), "LimitExceededException", limit)
	clk.Advance(time.Second)
	// The sixth failure locks for two seconds; a try during them fails
	// and does not extend them.
	wantCognitoErr(t, change(wrong, "N3w-passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	clk.Advance(time.Second)
	wantCognitoErr(t, change(wrong, "N3w-passw0rd!"), "LimitExceededException", limit)
	clk.Advance(time.Second)
	if err := change(userPassword, "N3w-passw0rd!"); err != nil {
		t.Fatal(err)
	}
	if u := rawUser(t, c, poolID, "lou"); u.Lockout.Failures != 0 || !u.Lockout.LockedUntil.IsZero() {
		t.Fatalf("a success left the counter at %+v", u.Lockout)
	}
	// Fifteen quiet minutes reset the counter too.
	for range 4 {
		wantCognitoErr(t, change(wrong, "An0ther-passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	}
	clk.Advance(15 * time.Minute)
	wantCognitoErr(t, change(wrong, "An0ther-passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	if u := rawUser(t, c, poolID, "lou"); u.Lockout.Failures != 1 || !u.Lockout.LockedUntil.IsZero() {
		t.Fatalf("after fifteen quiet minutes and one failure: %+v", u.Lockout)
	}
}
