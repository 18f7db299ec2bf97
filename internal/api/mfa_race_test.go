package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// One TOTP code, presented by several sign-ins at once, signs in exactly
// one of them: accepting a code and recording it are one transaction, on
// every backend.
func TestMFATOTPReplayRace(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		ctx := context.Background()
		idp := c.IdentityProvider()
		poolID := newFamilyPool(t, idp)
		clientID, _ := appClient(t, idp, poolID, allFlows)
		f := &mfaFixture{t: t, c: c, idp: idp, poolID: poolID, clientID: clientID}
		f.mfaConfig(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: totpOn})
		createConfirmed(t, idp, poolID, "rae", "rae@example.com")
		access := f.accessToken("rae")
		a, err := idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &access})
		if err != nil {
			t.Fatal(err)
		}
		secret := aws.ToString(a.SecretCode)
		if _, err := idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: &access, UserCode: aws.String(totpCode(t, secret, time.Now()))}); err != nil {
			t.Fatal(err)
		}
		if _, err := idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: &access,
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
			t.Fatal(err)
		}

		const racers = 6
		var sessions []*string
		for range racers {
			sessions = append(sessions, f.signIn("rae").Session)
		}
		// The next step's code: accepted with one step of skew, and newer
		// than the one VerifySoftwareToken used.
		code := totpCode(t, secret, time.Now().Add(30*time.Second))
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i, s := range sessions {
			wg.Go(func() {
				_, errs[i] = f.respond(types.ChallengeNameTypeSoftwareTokenMfa, s, "rae", "SOFTWARE_TOKEN_MFA_CODE", code)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			wantCognitoErr(t, err, "ExpiredCodeException", "Your software token has already been used once.")
		}
		if won != 1 {
			t.Fatalf("%d sign-ins accepted the same code", won)
		}
	})
}
