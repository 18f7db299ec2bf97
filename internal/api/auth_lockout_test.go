package api_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
)

const (
	wrongPassword = "Wr0ng-passw0rd!"
	msgIncorrect  = "Incorrect username or password."
	msgExceeded   = "Password attempts exceeded"
)

// Cognito's lockout: five failures are free; then each failure locks for
// 1 s, doubling per further failure up to about 15 minutes; attempts during
// a lockout fail, even with the right password, without extending it; a
// success or fifteen quiet minutes reset the count. SRP proofs count the
// same as passwords.
func TestSignInLockout(t *testing.T) {
	clk := familyClock()
	f := newAuthFixture(t, cirrotest.WithClock(clk))
	try := func(pw string) error {
		_, err := passwordSignIn(f.idp, f.clientID, "amy", pw)
		return err
	}
	for i := range 4 {
		wantCognitoErr(t, try(wrongPassword), "NotAuthorizedException", msgIncorrect)
		if u := rawUser(t, f.c, f.poolID, "amy"); u.Lockout.Failures != i+1 || !u.Lockout.LockedUntil.IsZero() {
			t.Fatalf("after %d failures: %+v", i+1, u.Lockout)
		}
	}
	// The fifth failure locks for 1 s: the right password fails during it.
	wantCognitoErr(t, try(wrongPassword), "NotAuthorizedException", msgIncorrect)
	if u := rawUser(t, f.c, f.poolID, "amy"); !u.Lockout.LockedUntil.Equal(clk.Now().Add(time.Second)) {
		t.Fatalf("fifth failure: %+v", u.Lockout)
	}
	wantCognitoErr(t, try(userPassword), "NotAuthorizedException", msgExceeded)
	_, err := srpSignIn(f.idp, f.poolID, f.clientID, "amy", userPassword, clk.Now())
	wantCognitoErr(t, err, "NotAuthorizedException", msgExceeded)
	// Doubling: 2 s, 4 s, 8 s … each measured from the failure.
	for _, lock := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
		clk.Advance(lock / 2)
		wantCognitoErr(t, try(wrongPassword), "NotAuthorizedException", msgIncorrect)
		// During the lockout: refused, and not extended.
		clk.Advance(lock / 2)
		wantCognitoErr(t, try(wrongPassword), "NotAuthorizedException", msgExceeded)
		if u := rawUser(t, f.c, f.poolID, "amy"); !u.Lockout.LockedUntil.Equal(clk.Now().Add(lock / 2)) {
			t.Fatalf("lock of %v: %+v at %v", lock, u.Lockout, clk.Now())
		}
	}
	clk.Advance(4 * time.Second)
	// An SRP proof with the wrong password counts as a failure too.
	_, err = srpSignIn(f.idp, f.poolID, f.clientID, "amy", wrongPassword, clk.Now())
	wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)
	if u := rawUser(t, f.c, f.poolID, "amy"); u.Lockout.Failures != 9 || !u.Lockout.LockedUntil.Equal(clk.Now().Add(16*time.Second)) {
		t.Fatalf("after the SRP failure: %+v", u.Lockout)
	}
	// (The 15-minute cap is TestLockoutRule's, in internal/auth.)
	// A success resets the count.
	clk.Advance(15 * time.Minute)
	if err := try(userPassword); err != nil {
		t.Fatal(err)
	}
	if u := rawUser(t, f.c, f.poolID, "amy"); u.Lockout.Failures != 0 || !u.Lockout.LockedUntil.IsZero() {
		t.Fatalf("a success left %+v", u.Lockout)
	}
	// Fifteen quiet minutes reset it as well.
	for range 4 {
		wantCognitoErr(t, try(wrongPassword), "NotAuthorizedException", msgIncorrect)
	}
	clk.Advance(15 * time.Minute)
	wantCognitoErr(t, try(wrongPassword), "NotAuthorizedException", msgIncorrect)
	if u := rawUser(t, f.c, f.poolID, "amy"); u.Lockout.Failures != 1 || !u.Lockout.LockedUntil.IsZero() {
		t.Fatalf("after fifteen quiet minutes and a failure: %+v", u.Lockout)
	}
}

// The lockout lives in the database: failures on two nodes sharing one
// PostgreSQL add up, and a lock set by one is enforced by the other.
func TestSignInLockoutAcrossNodes(t *testing.T) {
	dsn := os.Getenv("CIRRO_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CIRRO_TEST_POSTGRES is not set")
	}
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	node := cirrotest.SharedNode(cirrotest.SharedPostgres(t, dsn), cirrotest.NewMasterKey(), "https://idp.example.test")
	a, b := cirrotest.Start(t, node, cirrotest.WithClock(clk)), cirrotest.Start(t, node, cirrotest.WithClock(clk))
	idpA, idpB := a.IdentityProvider(), b.IdentityProvider()
	poolID := newFamilyPool(t, idpA)
	clientID, _ := appClient(t, idpA, poolID, allFlows)
	createConfirmed(t, idpA, poolID, "amy", "amy@example.com")
	for i := range 5 {
		idp := idpA
		if i%2 == 1 {
			idp = idpB
		}
		_, err := passwordSignIn(idp, clientID, "amy", wrongPassword)
		wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)
	}
	for _, idp := range []*cip.Client{idpA, idpB} {
		_, err := passwordSignIn(idp, clientID, "amy", userPassword)
		wantCognitoErr(t, err, "NotAuthorizedException", msgExceeded)
	}
	clk.Advance(time.Second)
	out, err := passwordSignIn(idpB, clientID, "amy", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	// Tokens from one node refresh on the other.
	if _, err := idpA.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: &clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(out.AuthenticationResult.RefreshToken)}}); err != nil {
		t.Fatal(err)
	}
}
