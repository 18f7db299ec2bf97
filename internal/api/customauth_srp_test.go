package api_test

import (
	"context"
	"slices"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/srp/srptest"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/trigger"
)

// customSRPFunctions are the developer guide's define auth challenge for
// SRP inside CUSTOM_AUTH: SRP_A → PASSWORD_VERIFIER → one custom
// challenge (answer "42") → tokens; anything else fails. Each session
// define sees is kept, as challengeName:challengeResult pairs.
func customSRPFunctions(f *functions, seen *[][]string) {
	f.on(trigger.DefineAuthChallengeAuthentication, func(ev map[string]any) (int, any) {
		var s []string
		for _, e := range req(ev)["session"].([]any) {
			m := e.(map[string]any)
			r := "false"
			if m["challengeResult"] == true {
				r = "true"
			}
			s = append(s, m["challengeName"].(string)+":"+r)
		}
		*seen = append(*seen, s)
		next := map[string]any{"issueTokens": false, "failAuthentication": false}
		switch {
		case slices.Equal(s, []string{"SRP_A:true"}):
			next["challengeName"] = "PASSWORD_VERIFIER"
		case slices.Equal(s, []string{"SRP_A:true", "PASSWORD_VERIFIER:true"}):
			next["challengeName"] = "CUSTOM_CHALLENGE"
		case slices.Equal(s, []string{"SRP_A:true", "PASSWORD_VERIFIER:true", "CUSTOM_CHALLENGE:true"}):
			next["issueTokens"] = true
		default:
			next["failAuthentication"] = true
		}
		return respond(ev, next)
	})
	f.on(trigger.CreateAuthChallengeAuthentication, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{
			"publicChallengeParameters":  map[string]string{"question": "six times seven"},
			"privateChallengeParameters": map[string]string{"answer": "42"},
		})
	})
	f.on(trigger.VerifyAuthChallengeResponseAuthentication, func(ev map[string]any) (int, any) {
		r := req(ev)
		return respond(ev, map[string]any{"answerCorrect": r["challengeAnswer"] == r["privateChallengeParameters"].(map[string]any)["answer"]})
	})
}

// startCustomSRP is InitiateAuth CUSTOM_AUTH with SRP_A, as
// amazon-cognito-identity-js sends it for authenticationFlowType
// CUSTOM_AUTH.
func startCustomSRP(t *testing.T, fx *authFixture, cl *srptest.Client) *cip.InitiateAuthOutput {
	t.Helper()
	out, err := fx.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA(), "CHALLENGE_NAME": "SRP_A"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier || out.Session == nil || out.ChallengeParameters["SRP_B"] == "" ||
		out.ChallengeParameters["USER_ID_FOR_SRP"] != "amy" {
		t.Fatalf("first challenge: %s %v (session %v)", out.ChallengeName, out.ChallengeParameters, out.Session != nil)
	}
	return out
}

// SRP inside CUSTOM_AUTH: the password proved by SRP, then a custom
// challenge, then tokens; define auth challenge sees the history the
// developer guide describes at each step.
func TestCustomAuthWithSRP(t *testing.T) {
	f := newFunctions(t)
	var seen [][]string
	customSRPFunctions(f, &seen)
	fx := triggerFixture(t, f, customAuthLC)
	ctx := context.Background()

	cl := srptest.NewClient(fx.poolID, userPassword)
	start := startCustomSRP(t, fx, cl)
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pv, err := fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ClientId: &fx.clientID, Session: start.Session, ChallengeResponses: answer})
	if err != nil {
		t.Fatal(err)
	}
	if pv.ChallengeName != types.ChallengeNameTypeCustomChallenge || pv.ChallengeParameters["question"] != "six times seven" || pv.Session == nil {
		t.Fatalf("after PASSWORD_VERIFIER: %s %v", pv.ChallengeName, pv.ChallengeParameters)
	}
	// The same PASSWORD_VERIFIER answer again: its Session and block are spent.
	_, err = fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ClientId: &fx.clientID, Session: start.Session, ChallengeResponses: answer})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	done, err := fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
		ClientId: &fx.clientID, Session: pv.Session, ChallengeResponses: map[string]string{"USERNAME": "amy", "ANSWER": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	if done.AuthenticationResult == nil || done.AuthenticationResult.AccessToken == nil {
		t.Fatalf("no tokens: %+v", done)
	}
	want := [][]string{{"SRP_A:true"}, {"SRP_A:true", "PASSWORD_VERIFIER:true"}, {"SRP_A:true", "PASSWORD_VERIFIER:true", "CUSTOM_CHALLENGE:true"}}
	if !slices.EqualFunc(seen, want, slices.Equal) {
		t.Errorf("define auth challenge saw %v, want %v", seen, want)
	}
	wantSources := []string{trigger.PreAuthenticationAuthentication, trigger.DefineAuthChallengeAuthentication,
		trigger.DefineAuthChallengeAuthentication, trigger.CreateAuthChallengeAuthentication,
		trigger.VerifyAuthChallengeResponseAuthentication, trigger.DefineAuthChallengeAuthentication}
	if got := f.sources(); !slices.Equal(got, wantSources) {
		t.Errorf("sources:\n got %v\nwant %v", got, wantSources)
	}
}

// A wrong password ends a custom sign-in at PASSWORD_VERIFIER as it ends
// USER_SRP_AUTH, and counts toward the lockout; define auth challenge is
// not asked again. The PASSWORD_VERIFIER of a custom sign-in cannot be
// answered without its Session (which would make it a whole
// USER_SRP_AUTH, skipping the custom challenge), nor with another one.
func TestCustomAuthWithSRPRefusals(t *testing.T) {
	f := newFunctions(t)
	var seen [][]string
	customSRPFunctions(f, &seen)
	fx := triggerFixture(t, f, customAuthLC)
	ctx := context.Background()
	respondPV := func(answer map[string]string, session *string) (*cip.RespondToAuthChallengeOutput, error) {
		return fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ClientId: &fx.clientID, Session: session, ChallengeResponses: answer})
	}

	wrong := srptest.NewClient(fx.poolID, "Not-the-password-1")
	start := startCustomSRP(t, fx, wrong)
	answer, err := wrong.PasswordVerifier(start.ChallengeParameters, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = respondPV(answer, start.Session)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if len(seen) != 1 {
		t.Errorf("define auth challenge asked %d times, want once (before the password)", len(seen))
	}

	// Without the Session: refused, no tokens.
	cl := srptest.NewClient(fx.poolID, userPassword)
	start = startCustomSRP(t, fx, cl)
	answer, err = cl.PasswordVerifier(start.ChallengeParameters, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = respondPV(answer, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// With the Session of another custom sign-in of the same user.
	other := startCustomSRP(t, fx, srptest.NewClient(fx.poolID, userPassword))
	_, err = respondPV(answer, other.Session)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	if n := countScoped(t, fx.c, token.KindRefreshToken, fx.poolID); n != 0 {
		t.Errorf("%d refresh tokens stored", n)
	}
	// The right pair still works.
	if out, err := respondPV(answer, start.Session); err != nil || out.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("the sign-in's own Session: %v, %v", out, err)
	}

	// Five wrong passwords since the right one above (which reset the
	// count): the lockout refuses even the right one.
	for range 5 {
		start := startCustomSRP(t, fx, wrong)
		answer, _ := wrong.PasswordVerifier(start.ChallengeParameters, time.Now())
		_, err = respondPV(answer, start.Session)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	start = startCustomSRP(t, fx, cl)
	answer, _ = cl.PasswordVerifier(start.ChallengeParameters, time.Now())
	_, err = respondPV(answer, start.Session)
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")

	// define auth challenge asking PASSWORD_VERIFIER of a sign-in that
	// brought no SRP_A is the function's mistake.
	f.on(trigger.DefineAuthChallengeAuthentication, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"challengeName": "PASSWORD_VERIFIER", "issueTokens": false, "failAuthentication": false})
	})
	_, err = fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy"}})
	wantAPIError(t, err, "InvalidLambdaResponseException", "Invalid lambda response: PASSWORD_VERIFIER can only follow SRP_A, sent with CUSTOM_AUTH")
}
