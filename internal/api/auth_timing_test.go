package api_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// With PreventUserExistenceErrors ENABLED an unknown user gets the same
// error as a wrong password and takes the same time: over 200 tries each,
// in pairs of random order, the medians are within 10%. The server hashes with the
// default argon2id settings here, as in production. Pairs are 16 minutes
// apart on the fake clock, so no lockout ever starts.
func TestUnknownUserTiming(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: not in -short or -race runs")
	}
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk), cirrotest.WithConfig(func(cfg *config.Config) { cfg.UnsafeFastPasswordHashing = false }))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID, allFlows, hidingUsers)
	createConfirmed(t, idp, poolID, "amy", "amy@example.com")

	const tries = 200
	measure := func(name string, attempt func(user string) error) {
		t.Run(name, func(t *testing.T) {
			var wrong, unknown []time.Duration
			for range tries {
				// Each pair runs in a random order: what runs just before
				// an attempt (garbage to collect, caches) must not favour
				// either kind.
				order := []string{"amy", "nobody"}
				if rand.IntN(2) == 1 {
					order[0], order[1] = order[1], order[0]
				}
				clk.Advance(16 * time.Minute)
				for _, user := range order {
					start := time.Now()
					err := attempt(user)
					d := time.Since(start)
					wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)
					if user == "amy" {
						wrong = append(wrong, d)
					} else {
						unknown = append(unknown, d)
					}
				}
			}
			mw, mu := median(wrong), median(unknown)
			ratio := float64(mu) / float64(mw)
			t.Logf("%s: wrong-password median %v, unknown-user median %v (ratio %.3f)", name, mw, mu, ratio)
			if ratio < 0.9 || ratio > 1.1 {
				t.Errorf("unknown-user median %v is not within 10%% of the wrong-password median %v", mu, mw)
			}
		})
	}
	measure("USER_PASSWORD_AUTH", func(user string) error {
		_, err := passwordSignIn(idp, clientID, user, wrongPassword)
		return err
	})
	measure("USER_SRP_AUTH", func(user string) error {
		cl := srptest.NewClient(poolID, wrongPassword)
		start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
			AuthParameters: map[string]string{"USERNAME": user, "SRP_A": cl.SRPA()}})
		if err != nil {
			return err
		}
		answer, err := cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
		if err != nil {
			return err
		}
		_, err = idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ClientId: &clientID, ChallengeResponses: answer})
		return err
	})
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
