package api_test

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// setRawPassword replaces a user's stored password with an imported hash
// and no SRP verifier, as a migration from another system leaves it.
func setRawPassword(t *testing.T, c *cirrotest.Server, poolID, name, hash string) {
	t.Helper()
	ctx := context.Background()
	srv := c.Internal()
	err := srv.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := srv.API.Pools.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		u, rec, err := srv.API.Users.FindForSignIn(ctx, tx, p, name)
		if err != nil {
			return err
		}
		u.Password = user.Password{Hash: hash}
		return srv.API.Users.Save(ctx, tx, p, u, rec)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An imported bcrypt hash verifies, is replaced by argon2id at the first
// successful sign-in, and gets the SRP verifier it lacked: SRP fails
// before (as a wrong password) and works after.
func TestSignInUpgradesImportedHash(t *testing.T) {
	clk := familyClock()
	f := newAuthFixture(t, cirrotest.WithClock(clk))
	h, err := bcrypt.GenerateFromPassword([]byte(userPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	setRawPassword(t, f.c, f.poolID, "amy", string(h))

	_, err = srpSignIn(f.idp, f.poolID, f.clientID, "amy", userPassword, clk.Now())
	wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)
	_, err = passwordSignIn(f.idp, f.clientID, "amy", wrongPassword)
	wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)
	if u := rawUser(t, f.c, f.poolID, "amy"); u.Password.Hash != string(h) {
		t.Fatal("a wrong password changed the hash")
	}
	if _, err := passwordSignIn(f.idp, f.clientID, "amy", userPassword); err != nil {
		t.Fatal(err)
	}
	u := rawUser(t, f.c, f.poolID, "amy")
	if !strings.HasPrefix(u.Password.Hash, "$argon2id$") || len(u.Password.SRPVerifier) == 0 || len(u.Password.SRPSalt) == 0 {
		t.Fatalf("not upgraded: %+v", u.Password)
	}
	if _, err := srpSignIn(f.idp, f.poolID, f.clientID, "amy", userPassword, clk.Now()); err != nil {
		t.Fatalf("SRP after the upgrade: %v", err)
	}
	if _, err := passwordSignIn(f.idp, f.clientID, "amy", userPassword); err != nil {
		t.Fatal(err)
	}
}
