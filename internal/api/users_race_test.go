package api_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/user"
)

const racers = 200

// race runs f racers times at once and counts the outcomes by error
// code ("" for success).
func race(t *testing.T, f func(i int) error) map[string]int {
	t.Helper()
	var mu sync.Mutex
	outcomes := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := f(i)
			code := ""
			if err != nil {
				var ae smithy.APIError
				if errors.As(err, &ae) {
					code = ae.ErrorCode()
				} else {
					code = err.Error()
				}
			}
			mu.Lock()
			outcomes[code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return outcomes
}

// 200 sign-ups of one username: the database's unique key lets exactly
// one through, on every backend.
func TestSignUpRaceOneUsername(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		poolID := newFamilyPool(t, idp)
		clientID, _ := appClient(t, idp, poolID)
		got := race(t, func(int) error {
			_, err := idp.SignUp(context.Background(), &cip.SignUpInput{
				ClientId: &clientID, Username: aws.String("contested"), Password: aws.String(userPassword),
			})
			return err
		})
		if got[""] != 1 || got["UsernameExistsException"] != racers-1 {
			t.Fatalf("outcomes %v: want 1 success and %d UsernameExistsException", got, racers-1)
		}
		if n := countScoped(t, c, user.Kind, poolID); n != 1 {
			t.Fatalf("%d users stored", n)
		}
	})
}

// 200 users sign up with one email in an email-alias pool (allowed: the
// email is no alias until verified), then all confirm at once: exactly
// one confirmation takes the alias, the others get AliasExistsException.
func TestConfirmRaceOneEmailAlias(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newFamilyPool(t, idp, verifyingEmail, emailAlias)
		clientID, _ := appClient(t, idp, poolID)
		const shared = "shared@example.com"
		got := race(t, func(i int) error {
			_, err := idp.SignUp(ctx, &cip.SignUpInput{
				ClientId: &clientID, Username: aws.String(fmt.Sprintf("user%03d", i)), Password: aws.String(userPassword),
				UserAttributes: uattrs("email", shared),
			})
			return err
		})
		if got[""] != racers {
			t.Fatalf("sign-ups: %v", got)
		}
		msgs, err := c.Internal().Outbox.Recent(ctx, poolID, shared, racers)
		if err != nil || len(msgs) != racers {
			t.Fatalf("%d codes in the outbox (%v)", len(msgs), err)
		}
		codes := map[string]string{}
		for _, m := range msgs {
			codes[m.Username] = m.Code
		}
		got = race(t, func(i int) error {
			name := fmt.Sprintf("user%03d", i)
			_, err := idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(codes[name])})
			return err
		})
		if got[""] != 1 || got["AliasExistsException"] != racers-1 {
			t.Fatalf("confirmations %v: want 1 success and %d AliasExistsException", got, racers-1)
		}
		// The alias names exactly one user.
		out, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String(shared)})
		if err != nil || attrOf(out.UserAttributes, "email_verified") != "true" {
			t.Fatalf("the alias: %v %v", out, err)
		}
	})
}
