package api_test

import (
	"context"
	"sync"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// The database decides races, on SQLite and PostgreSQL: of concurrent
// answers with one SECRET_BLOCK exactly one signs in, and concurrent wrong
// passwords are all counted.
func TestSignInRaces(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newFamilyPool(t, idp)
		clientID, _ := appClient(t, idp, poolID, allFlows)
		createConfirmed(t, idp, poolID, "amy", "amy@example.com")

		cl := srptest.NewClient(poolID, userPassword)
		start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
			AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
		if err != nil {
			t.Fatal(err)
		}
		answer, err := cl.PasswordVerifier(start.ChallengeParameters, familyClock().Now())
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, used := 0, 0
		for range n {
			wg.Go(func() {
				_, err := idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
					ClientId: &clientID, ChallengeResponses: answer})
				mu.Lock()
				defer mu.Unlock()
				switch code, msg := apiError(err); {
				case err == nil:
					wins++
				case code == "NotAuthorizedException" && msg == "Invalid session for the user, session can only be used once.":
					used++
				default:
					t.Errorf("concurrent answer: %v", err)
				}
			})
		}
		wg.Wait()
		if wins != 1 || used != n-1 {
			t.Fatalf("%d sign-ins and %d refusals from one SECRET_BLOCK", wins, used)
		}

		for range 4 {
			wg.Go(func() {
				_, err := passwordSignIn(idp, clientID, "amy", wrongPassword)
				if code, _ := apiError(err); code != "NotAuthorizedException" {
					t.Errorf("wrong password: %v", err)
				}
			})
		}
		wg.Wait()
		if u := rawUser(t, c, poolID, "amy"); u.Lockout.Failures != 4 {
			t.Fatalf("4 concurrent failures counted as %d", u.Lockout.Failures)
		}
	})
}
