package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/wire/sigv4"
)

const (
	hookSecret = "trigger-webhook-secret-0123456789"
	fnARN      = "arn:aws:lambda:us-east-1:123456789012:function:"
)

// functions is a stand-in for a pool's Lambda functions: one handler per
// trigger source (a handler edits the event's response, or returns an
// error document), every event recorded.
type functions struct {
	t        *testing.T
	mu       sync.Mutex
	events   []map[string]any
	handlers map[string]func(ev map[string]any) (status int, body any)
}

func newFunctions(t *testing.T) *functions {
	return &functions{t: t, handlers: map[string]func(map[string]any) (int, any){}}
}

func (f *functions) on(source string, h func(ev map[string]any) (int, any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handlers[source] = h
}

// serve answers one invocation whose body is the event.
func (f *functions) serve(w http.ResponseWriter, body []byte) {
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		f.t.Errorf("event is not JSON: %v", err)
		return
	}
	// The event as received: handlers edit their own copy.
	var recorded map[string]any
	json.Unmarshal(body, &recorded)
	f.mu.Lock()
	f.events = append(f.events, recorded)
	h := f.handlers[ev["triggerSource"].(string)]
	f.mu.Unlock()
	status, out := http.StatusOK, any(ev)
	if h != nil {
		status, out = h(ev)
	}
	w.WriteHeader(status)
	switch b := out.(type) {
	case string:
		io.WriteString(w, b)
	default:
		json.NewEncoder(w).Encode(b)
	}
}

// webhook serves the functions as a webhook that verifies cirro's
// signature.
func (f *functions) webhook() *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := trigger.VerifyWebhook([]byte(hookSecret), r.Header.Get(trigger.HeaderTimestamp), r.Header.Get(trigger.HeaderSignature), body, time.Now()); err != nil {
			f.t.Errorf("webhook signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		f.serve(w, body)
	}))
	f.t.Cleanup(srv.Close)
	return srv
}

// sources lists the trigger sources invoked so far, in order.
func (f *functions) sources() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, ev := range f.events {
		out = append(out, ev["triggerSource"].(string))
	}
	return out
}

// last returns the last event of source.
func (f *functions) last(source string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.events) - 1; i >= 0; i-- {
		if f.events[i]["triggerSource"] == source {
			return f.events[i]
		}
	}
	f.t.Fatalf("no %s event", source)
	return nil
}

// withWebhookTriggers routes every function ARN to url.
func withWebhookTriggers(url string, timeout time.Duration, attempts int) cirrotest.Option {
	return cirrotest.WithConfig(func(c *config.Config) {
		c.Triggers = config.TriggersConfig{
			Functions: []config.TriggerFunction{{ARN: "arn:aws:lambda:*:*:function:*", Webhook: &config.Webhook{URL: url, Secret: hookSecret}}},
			Timeout:   timeout, Attempts: attempts,
		}
	})
}

func respond(ev map[string]any, resp map[string]any) (int, any) {
	ev["response"] = resp
	return http.StatusOK, ev
}

func req(ev map[string]any) map[string]any { return ev["request"].(map[string]any) }

func lambdaConfig(lc *types.LambdaConfigType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) { in.LambdaConfig = lc }
}

// triggerFixture is a server whose functions are f, a pool with lc, a
// client that allows every flow and custom auth, and a confirmed user
// "amy" in group "admins".
func triggerFixture(t *testing.T, f *functions, lc *types.LambdaConfigType, opts ...cirrotest.Option) *authFixture {
	t.Helper()
	return triggerFixtureOn(t, f, lc, nil, opts...)
}

// triggerFixtureOn is triggerFixture with more pool settings.
func triggerFixtureOn(t *testing.T, f *functions, lc *types.LambdaConfigType, pool func(*cip.CreateUserPoolInput), opts ...cirrotest.Option) *authFixture {
	t.Helper()
	if len(opts) == 0 {
		opts = []cirrotest.Option{withWebhookTriggers(f.webhook().URL, 2*time.Second, 0)}
	}
	c := cirrotest.Start(t, opts...)
	idp := c.IdentityProvider()
	poolOpts := []func(*cip.CreateUserPoolInput){lambdaConfig(lc)}
	if pool != nil {
		poolOpts = append(poolOpts, pool)
	}
	poolID := newFamilyPool(t, idp, poolOpts...)
	clientID, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		allFlows(in)
		in.ExplicitAuthFlows = append(in.ExplicitAuthFlows, types.ExplicitAuthFlowsTypeAllowCustomAuth)
	})
	createConfirmed(t, idp, poolID, "amy", "amy@example.com")
	ctx := context.Background()
	if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"),
		Precedence: aws.Int32(1), RoleArn: aws.String("arn:aws:iam::123456789012:role/admins")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: aws.String("amy"), GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	return &authFixture{c: c, idp: idp, poolID: poolID, clientID: clientID}
}

// Pre token generation V1 adds and suppresses ID token claims and
// replaces the groups, at sign-in and at refresh.
func TestTriggerPreTokenGenerationV1(t *testing.T) {
	f := newFunctions(t)
	for _, src := range []string{trigger.TokenGenerationAuthentication, trigger.TokenGenerationRefreshTokens} {
		f.on(src, func(ev map[string]any) (int, any) {
			return respond(ev, map[string]any{"claimsOverrideDetails": map[string]any{
				"claimsToAddOrOverride": map[string]string{"tier": "gold", "sub": "not-yours"},
				"claimsToSuppress":      []string{"email"},
				"groupOverrideDetails":  map[string]any{"groupsToOverride": []string{"vip"}},
			}})
		})
	}
	fx := triggerFixture(t, f, &types.LambdaConfigType{PreTokenGeneration: aws.String(fnARN + "pretoken")})
	out, err := fx.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy", "PASSWORD": userPassword},
		ClientMetadata: map[string]string{"app": "web"},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := cirrotest.Claims(t, *out.AuthenticationResult.IdToken)
	if id["tier"] != "gold" || id["email"] != nil || id["sub"] == "not-yours" {
		t.Errorf("ID token claims: %v", id)
	}
	if g, _ := id["cognito:groups"].([]any); len(g) != 1 || g[0] != "vip" {
		t.Errorf("ID token groups: %v", id["cognito:groups"])
	}
	access := cirrotest.Claims(t, *out.AuthenticationResult.AccessToken)
	if access["tier"] != nil {
		t.Errorf("a V1 claim reached the access token: %v", access)
	}
	ev := f.last(trigger.TokenGenerationAuthentication)
	r := req(ev)
	attrs := r["userAttributes"].(map[string]any)
	gc := r["groupConfiguration"].(map[string]any)
	if ev["version"] != "1" || ev["userName"] != "amy" || attrs["email"] != "amy@example.com" || attrs["cognito:user_status"] != "CONFIRMED" ||
		attrs["sub"] != id["sub"] || r["clientMetadata"].(map[string]any)["app"] != "web" ||
		gc["groupsToOverride"].([]any)[0] != "admins" || gc["preferredRole"] != "arn:aws:iam::123456789012:role/admins" {
		t.Errorf("event: %v", ev)
	}

	// A refresh runs the trigger again, under its own source.
	ref, err := fx.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cirrotest.Claims(t, *ref.AuthenticationResult.IdToken)["tier"] != "gold" {
		t.Error("refreshed ID token lacks the claim")
	}
	if got := f.sources(); !slices.Equal(got, []string{trigger.TokenGenerationAuthentication, trigger.TokenGenerationRefreshTokens}) {
		t.Errorf("sources = %v", got)
	}
}

// Pre token generation V2 changes both tokens and the access token's
// scopes.
func TestTriggerPreTokenGenerationV2(t *testing.T) {
	f := newFunctions(t)
	f.on(trigger.TokenGenerationAuthentication, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"claimsAndScopeOverrideDetails": map[string]any{
			"idTokenGeneration":     map[string]any{"claimsToAddOrOverride": map[string]any{"favorite_number": 2}},
			"accessTokenGeneration": map[string]any{"claimsToAddOrOverride": map[string]any{"roles": []string{"reader"}}, "scopesToAdd": []string{"orders/read"}},
		}})
	})
	fx := triggerFixture(t, f, &types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{
		LambdaArn: aws.String(fnARN + "pretoken"), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20}})
	out, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	id, access := cirrotest.Claims(t, *out.AuthenticationResult.IdToken), cirrotest.Claims(t, *out.AuthenticationResult.AccessToken)
	if id["favorite_number"] != float64(2) {
		t.Errorf("ID token: %v", id)
	}
	if r, _ := access["roles"].([]any); len(r) != 1 || r[0] != "reader" {
		t.Errorf("access token roles: %v", access["roles"])
	}
	if access["scope"] != token.ScopeAdmin+" orders/read" {
		t.Errorf("scope = %v", access["scope"])
	}
	ev := f.last(trigger.TokenGenerationAuthentication)
	if ev["version"] != "2" || req(ev)["scopes"].([]any)[0] != token.ScopeAdmin {
		t.Errorf("event: %v", ev)
	}
}

// A post authentication function that throws, times out or answers
// nonsense fails the sign-in with Cognito's error, and no refresh token is
// stored.
func TestTriggerFailuresIssueNoTokens(t *testing.T) {
	f := newFunctions(t)
	var mode atomic.Value
	mode.Store("")
	f.on(trigger.PostAuthenticationAuthentication, func(ev map[string]any) (int, any) {
		switch mode.Load() {
		case "throw":
			return http.StatusBadRequest, map[string]string{"errorType": "Error", "errorMessage": "Sign-in blocked by policy"}
		case "timeout":
			time.Sleep(700 * time.Millisecond)
		case "malformed":
			return http.StatusOK, "OK"
		}
		return http.StatusOK, ev
	})
	fx := triggerFixture(t, f, &types.LambdaConfigType{PostAuthentication: aws.String(fnARN + "postauth")},
		withWebhookTriggers(f.webhook().URL, 300*time.Millisecond, 1))
	for _, tc := range []struct{ mode, code, msg string }{
		{"throw", "UserLambdaValidationException", "PostAuthentication failed with error Sign-in blocked by policy."},
		{"timeout", "UnexpectedLambdaException", "PostAuthentication invocation failed due to error Socket timeout while invoking Lambda function."},
		{"malformed", "InvalidLambdaResponseException", "Unrecognizable lambda output"},
	} {
		mode.Store(tc.mode)
		_, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
		wantAPIError(t, err, tc.code, tc.msg)
		if n := countScoped(t, fx.c, token.KindRefreshToken, fx.poolID); n != 0 {
			t.Errorf("%s: %d refresh tokens stored", tc.mode, n)
		}
	}
	mode.Store("")
	if _, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword); err != nil {
		t.Fatal(err)
	}
	if ev := f.last(trigger.PostAuthenticationAuthentication); req(ev)["userAttributes"].(map[string]any)["email"] != "amy@example.com" {
		t.Errorf("event: %v", ev)
	}
}

// customAuthFunctions are define/create/verify functions for a sign-in of
// three rounds: two correct answers issue tokens, two wrong ones fail it.
// Round n's answer is "answer-n".
func customAuthFunctions(f *functions) {
	results := func(ev map[string]any) (right, wrong int) {
		for _, s := range req(ev)["session"].([]any) {
			if s.(map[string]any)["challengeResult"] == true {
				right++
			} else {
				wrong++
			}
		}
		return
	}
	f.on(trigger.DefineAuthChallengeAuthentication, func(ev map[string]any) (int, any) {
		right, wrong := results(ev)
		switch {
		case right >= 2:
			return respond(ev, map[string]any{"issueTokens": true, "failAuthentication": false})
		case wrong >= 2:
			return respond(ev, map[string]any{"issueTokens": false, "failAuthentication": true})
		}
		return respond(ev, map[string]any{"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false})
	})
	f.on(trigger.CreateAuthChallengeAuthentication, func(ev map[string]any) (int, any) {
		round := len(req(ev)["session"].([]any)) + 1
		n := string(rune('0' + round))
		return respond(ev, map[string]any{
			"publicChallengeParameters":  map[string]string{"round": n},
			"privateChallengeParameters": map[string]string{"answer": "answer-" + n},
			"challengeMetadata":          "round-" + n,
		})
	})
	f.on(trigger.VerifyAuthChallengeResponseAuthentication, func(ev map[string]any) (int, any) {
		r := req(ev)
		return respond(ev, map[string]any{"answerCorrect": r["challengeAnswer"] == r["privateChallengeParameters"].(map[string]any)["answer"]})
	})
}

var customAuthLC = &types.LambdaConfigType{
	PreAuthentication:           aws.String(fnARN + "preauth"),
	DefineAuthChallenge:         aws.String(fnARN + "define"),
	CreateAuthChallenge:         aws.String(fnARN + "create"),
	VerifyAuthChallengeResponse: aws.String(fnARN + "verify"),
}

// runCustomAuth signs amy in with CUSTOM_AUTH, answering each round with
// answers[i], and checks what each round asks.
func runCustomAuth(t *testing.T, fx *authFixture, answers ...string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	ctx := context.Background()
	start, err := fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy"}, ClientMetadata: map[string]string{"device": "kiosk"}})
	if err != nil {
		return nil, err
	}
	if start.ChallengeName != types.ChallengeNameTypeCustomChallenge || start.ChallengeParameters["round"] != "1" || start.ChallengeParameters["USERNAME"] != "amy" {
		t.Fatalf("first challenge: %s %v", start.ChallengeName, start.ChallengeParameters)
	}
	session := start.Session
	var out *cip.RespondToAuthChallengeOutput
	for i, a := range answers {
		out, err = fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
			ClientId: &fx.clientID, Session: session, ChallengeResponses: map[string]string{"USERNAME": "amy", "ANSWER": a}})
		if err != nil {
			return nil, err
		}
		if out.AuthenticationResult == nil && out.ChallengeParameters["round"] != string(rune('0'+i+2)) {
			t.Fatalf("round %d: %v", i+2, out.ChallengeParameters)
		}
		session = out.Session
	}
	return out, nil
}

// CUSTOM_AUTH over three rounds: wrong, right, right.
func TestTriggerCustomAuthThreeRounds(t *testing.T) {
	f := newFunctions(t)
	customAuthFunctions(f)
	fx := triggerFixture(t, f, customAuthLC)
	out, err := runCustomAuth(t, fx, "wrong", "answer-2", "answer-3")
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.IdToken == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	want := []string{trigger.PreAuthenticationAuthentication,
		trigger.DefineAuthChallengeAuthentication, trigger.CreateAuthChallengeAuthentication,
		trigger.VerifyAuthChallengeResponseAuthentication, trigger.DefineAuthChallengeAuthentication, trigger.CreateAuthChallengeAuthentication,
		trigger.VerifyAuthChallengeResponseAuthentication, trigger.DefineAuthChallengeAuthentication, trigger.CreateAuthChallengeAuthentication,
		trigger.VerifyAuthChallengeResponseAuthentication, trigger.DefineAuthChallengeAuthentication}
	if got := f.sources(); !slices.Equal(got, want) {
		t.Errorf("sources:\n got %v\nwant %v", got, want)
	}
	// The last decision saw the whole history, metadata included.
	session := req(f.last(trigger.DefineAuthChallengeAuthentication))["session"].([]any)
	var results []any
	for _, s := range session {
		m := s.(map[string]any)
		results = append(results, m["challengeResult"], m["challengeMetadata"])
	}
	if !slices.Equal(results, []any{false, "round-1", true, "round-2", true, "round-3"}) {
		t.Errorf("session = %v", session)
	}
	pre := req(f.last(trigger.PreAuthenticationAuthentication))
	if pre["validationData"].(map[string]any)["device"] != "kiosk" || pre["userAttributes"].(map[string]any)["email"] != "amy@example.com" {
		t.Errorf("pre authentication: %v", pre)
	}
	if req(f.last(trigger.VerifyAuthChallengeResponseAuthentication))["challengeAnswer"] != "answer-3" {
		t.Error("verify did not get the answer")
	}
}

// failAuthentication ends the sign-in, and its session cannot be answered
// again for another try, on every store (the session is spent in it).
func TestTriggerCustomAuthFails(t *testing.T) {
	backends := map[string]cirrotest.Option{"sqlite": cirrotest.WithDB("sqlite:" + filepath.Join(t.TempDir(), "cirro.db"))}
	if dsn := os.Getenv("CIRRO_TEST_POSTGRES"); dsn != "" {
		backends["postgres"] = cirrotest.WithPostgres(dsn)
	}
	for name, db := range backends {
		t.Run(name, func(t *testing.T) { customAuthFails(t, db) })
	}
}

func customAuthFails(t *testing.T, db cirrotest.Option) {
	f := newFunctions(t)
	customAuthFunctions(f)
	fx := triggerFixture(t, f, customAuthLC, withWebhookTriggers(f.webhook().URL, 2*time.Second, 0), db)
	ctx := context.Background()
	start, err := fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy"}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
		ClientId: &fx.clientID, Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "amy", "ANSWER": "no"}})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(a string) error {
		_, err := fx.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
			ClientId: &fx.clientID, Session: second.Session, ChallengeResponses: map[string]string{"USERNAME": "amy", "ANSWER": a}})
		return err
	}
	wantAPIError(t, answer("still no"), "NotAuthorizedException", "Incorrect username or password.")
	wantAPIError(t, answer("answer-2"), "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	// A pre authentication function that throws stops the sign-in first.
	f.on(trigger.PreAuthenticationAuthentication, func(map[string]any) (int, any) {
		return http.StatusBadRequest, map[string]string{"errorMessage": "Outside business hours"}
	})
	_, err = fx.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy"}})
	wantAPIError(t, err, "UserLambdaValidationException", "PreAuthentication failed with error Outside business hours.")
}

func TestTriggerCustomAuthNotConfigured(t *testing.T) {
	f := newFunctions(t)
	fx := triggerFixture(t, f, &types.LambdaConfigType{PostAuthentication: aws.String(fnARN + "post")})
	_, err := fx.idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: &fx.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy"}})
	wantAPIError(t, err, "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.")
}

// An ARN that cirro cannot reach fails the sign-in, saying how to map it.
func TestTriggerUnmappedFunction(t *testing.T) {
	f := newFunctions(t)
	c := cirrotest.WithConfig(func(c *config.Config) {
		c.Triggers = config.TriggersConfig{Functions: []config.TriggerFunction{{ARN: fnARN + "mapped", Webhook: &config.Webhook{URL: f.webhook().URL, Secret: hookSecret}}}}
	})
	fx := triggerFixture(t, f, &types.LambdaConfigType{PostAuthentication: aws.String(fnARN + "elsewhere")}, c)
	_, err := passwordSignIn(fx.idp, fx.clientID, "amy", userPassword)
	wantAPIError(t, err, "UnexpectedLambdaException", "PostAuthentication invocation failed due to error cirro has no way to invoke "+fnARN+"elsewhere")
}

// The same triggers through the Lambda Invoke API: a test server that
// checks the SigV4 signature and the invocation headers of every call.
func TestTriggerLambdaInvokeAPI(t *testing.T) {
	const keyID, secret = "AKIALAMBDAINVOKETEST", "lambda-invoke-test-secret-0123456789"
	f := newFunctions(t)
	customAuthFunctions(f)
	f.on(trigger.TokenGenerationAuthentication, func(ev map[string]any) (int, any) {
		return respond(ev, map[string]any{"claimsOverrideDetails": map[string]any{"claimsToAddOrOverride": map[string]string{"via": "lambda"}}})
	})
	srv, invoked := lambdaEndpoint(t, f, keyID, secret)
	lc := *customAuthLC
	lc.PreTokenGeneration = aws.String(fnARN + "pretoken")
	fx := triggerFixture(t, f, &lc, cirrotest.WithConfig(func(c *config.Config) {
		c.Triggers = config.TriggersConfig{Lambda: &config.LambdaEndpoint{Endpoint: srv.URL, AccessKeyID: keyID, SecretAccessKey: secret}}
	}))
	out, err := runCustomAuth(t, fx, "answer-1", "answer-2")
	if err != nil {
		t.Fatal(err)
	}
	if cirrotest.Claims(t, *out.AuthenticationResult.IdToken)["via"] != "lambda" {
		t.Error("pre token generation did not reach the tokens")
	}
	want := []string{"preauth", "define", "create", "verify", "define", "create", "verify", "define", "pretoken"}
	if names := invoked(); !slices.Equal(names, want) {
		t.Errorf("functions invoked:\n got %v\nwant %v", names, want)
	}
}

// lambdaEndpoint serves the functions f through the Lambda Invoke API,
// checking the SigV4 signature (service "lambda", key keyID) and the
// invocation headers of every call; invoked lists the function names
// called so far.
func lambdaEndpoint(t *testing.T, f *functions, keyID, secret string) (srv *httptest.Server, invoked func() []string) {
	v := sigv4.NewVerifier([]sigv4.Credential{{AccessKeyID: keyID, SecretAccessKey: secret}})
	var mu sync.Mutex
	var names []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := v.Verify(r, body, "lambda"); err != nil {
			t.Errorf("SigV4: %v", err)
			w.WriteHeader(http.StatusForbidden)
			return
		}
		if r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" || r.Method != http.MethodPost {
			t.Errorf("invocation: %s %v", r.Method, r.Header)
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
		name, ok2 := strings.CutSuffix(name, "/invocations")
		if !ok || !ok2 {
			t.Errorf("path %s", r.URL.Path)
		}
		mu.Lock()
		names = append(names, name)
		mu.Unlock()
		f.serve(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(names)
	}
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.HasPrefix(ae.ErrorMessage(), msg) {
		t.Errorf("error = %v\nwant %s: %s", err, code, msg)
	}
}
