package srp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/e2e/internal/noderun"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/trigger"
)

// customFunctions serves, as a signed webhook, the developer guide's three
// functions for SRP inside CUSTOM_AUTH: define auth challenge asks
// PASSWORD_VERIFIER after SRP_A, then one custom challenge, then issues
// tokens; anything else fails. The custom challenge's answer is "42".
func customFunctions(t *testing.T, secret string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := trigger.VerifyWebhook([]byte(secret), r.Header.Get(trigger.HeaderTimestamp), r.Header.Get(trigger.HeaderSignature), body, time.Now()); err != nil {
			t.Errorf("webhook signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev struct {
			TriggerSource string `json:"triggerSource"`
			Request       struct {
				Session []struct {
					ChallengeName   string `json:"challengeName"`
					ChallengeResult bool   `json:"challengeResult"`
				} `json:"session"`
				ChallengeAnswer            string            `json:"challengeAnswer"`
				PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
			} `json:"request"`
		}
		var doc map[string]any
		if json.Unmarshal(body, &ev) != nil || json.Unmarshal(body, &doc) != nil {
			t.Errorf("event is not JSON: %s", body)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s := ev.Request.Session
		passed := func(i int, name string) bool {
			return len(s) > i && s[i].ChallengeName == name && s[i].ChallengeResult
		}
		resp := map[string]any{}
		switch ev.TriggerSource {
		case trigger.DefineAuthChallengeAuthentication:
			resp["issueTokens"], resp["failAuthentication"] = false, false
			switch {
			case len(s) == 1 && passed(0, "SRP_A"):
				resp["challengeName"] = "PASSWORD_VERIFIER"
			case len(s) == 2 && passed(1, "PASSWORD_VERIFIER"):
				resp["challengeName"] = "CUSTOM_CHALLENGE"
			case len(s) == 3 && passed(2, "CUSTOM_CHALLENGE"):
				resp["issueTokens"] = true
			default:
				resp["failAuthentication"] = true
			}
		case trigger.CreateAuthChallengeAuthentication:
			resp["publicChallengeParameters"] = map[string]string{"question": "six times seven"}
			resp["privateChallengeParameters"] = map[string]string{"answer": "42"}
		case trigger.VerifyAuthChallengeResponseAuthentication:
			resp["answerCorrect"] = ev.Request.ChallengeAnswer == ev.Request.PrivateChallengeParameters["answer"]
		}
		doc["response"] = resp
		json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestCognitoIdentityJSCustomAuthWithSRP: the library's CUSTOM_AUTH
// (authenticationFlowType, as Amplify's CUSTOM_WITH_SRP) against cirro
// with real define/create/verify functions: the password by SRP, then the
// custom challenge answered through the library, then tokens; a wrong
// password fails at PASSWORD_VERIFIER; a wrong answer fails the sign-in.
func TestCognitoIdentityJSCustomAuthWithSRP(t *testing.T) {
	dir := noderun.Require(t, "amazon-cognito-identity-js", "end-to-end CUSTOM_AUTH with SRP through amazon-cognito-identity-js")
	const secret = "e2e-custom-auth-webhook-secret-0123"
	fns := customFunctions(t, secret)
	c := cirrotest.Start(t, cirrotest.WithDevMode(), cirrotest.WithConfig(func(cfg *config.Config) {
		cfg.Triggers = config.TriggersConfig{Functions: []config.TriggerFunction{{ARN: "arn:aws:lambda:*:*:function:*",
			Webhook: &config.Webhook{URL: fns.URL, Secret: secret}}}}
	}))
	idp := c.IdentityProvider()
	ctx := context.Background()
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:"
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("e2e-custom"),
		LambdaConfig: &types.LambdaConfigType{DefineAuthChallenge: aws.String(fn + "define"),
			CreateAuthChallenge: aws.String(fn + "create"), VerifyAuthChallengeResponse: aws.String(fn + "verify")}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	const password = "Corr3ct-Horse-9!"
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("alice"),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("alice"), Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatal(err)
	}

	steps := []customStep{
		{step: step{Username: "alice", Password: password}, Custom: true, Answer: "42"},
		{step: step{Username: "alice", Password: "Corr3ct-Horse-8!"}, Custom: true, Answer: "42"},
		{step: step{Username: "alice", Password: password}, Custom: true, Answer: "41"},
	}
	in := map[string]any{"endpoint": c.URL, "poolId": poolID, "clientId": clientID, "steps": steps}
	got := noderun.Run[customOutcome](t, dir, "signin.js", in, len(steps))
	want := []struct{ outcome, code, message string }{
		{"success", "", ""},
		{"failure", "NotAuthorizedException", "Incorrect username or password."},
		{"failure", "NotAuthorizedException", "Incorrect username or password."},
	}
	for i, w := range want {
		g := got[i]
		if g.Outcome != w.outcome || g.Code != w.code || g.Message != w.message {
			t.Errorf("step %d: %+v, want %+v", i, g, w)
		}
	}
	if q := got[0].CustomChallenge["question"]; q != "six times seven" {
		t.Errorf("the custom challenge as the library saw it: %v", got[0].CustomChallenge)
	}
	if got[1].CustomChallenge != nil {
		t.Errorf("a wrong password reached the custom challenge: %v", got[1].CustomChallenge)
	}
	if got[0].Outcome == "success" {
		if id := cirrotest.Claims(t, got[0].IDToken); id["cognito:username"] != "alice" || id["aud"] != clientID {
			t.Errorf("ID token: %v", id)
		}
	}
}

type customStep struct {
	step
	Custom bool   `json:"custom"`
	Answer string `json:"answer,omitempty"`
}

type customOutcome struct {
	outcome
	CustomChallenge map[string]string `json:"customChallenge"`
}
