package trigger

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/token"
)

// A pool without triggers costs nothing: no method invokes anything, and
// each returns no response.
func TestNoTriggerNoInvocation(t *testing.T) {
	rec := &recorder{}
	s := newService(t, rec, config.TriggersConfig{})
	ctx := context.Background()
	id := "us-east-1_Plain"
	p := &cognitoidp.UserPoolType{Id: &id}
	c := Caller{ClientID: testClientID, UserName: "jane"}
	if r, err := s.PreSignUp(ctx, p, PreSignUpSignUp, c, PreSignUpRequest{}); r != nil || err != nil {
		t.Errorf("PreSignUp = %v, %v", r, err)
	}
	if err := s.PostConfirmation(ctx, p, PostConfirmationConfirmSignUp, c, PostConfirmationRequest{}); err != nil {
		t.Error(err)
	}
	if err := s.PreAuthentication(ctx, p, c, PreAuthenticationRequest{}); err != nil {
		t.Error(err)
	}
	if err := s.PostAuthentication(ctx, p, c, PostAuthenticationRequest{}); err != nil {
		t.Error(err)
	}
	if cz, err := s.PreTokenGeneration(ctx, p, TokenGenerationAuthentication, c, TokenGenerationInput{}); cz != nil || err != nil {
		t.Errorf("PreTokenGeneration = %v, %v", cz, err)
	}
	if r, err := s.CustomMessage(ctx, p, CustomMessageSignUp, c, CustomMessageRequest{}); r != nil || err != nil {
		t.Errorf("CustomMessage = %v, %v", r, err)
	}
	if r, err := s.UserMigration(ctx, p, UserMigrationAuthentication, c, UserMigrationRequest{}); r != nil || err != nil {
		t.Errorf("UserMigration = %v, %v", r, err)
	}
	if sent, err := s.CustomSender(ctx, p, message.ChannelEmail, SenderSignUp, c, nil, nil, "123456"); sent || err != nil {
		t.Errorf("CustomSender = %v, %v", sent, err)
	}
	if r, err := s.InboundFederation(ctx, p, c, InboundFederationRequest{}); r != nil || err != nil {
		t.Errorf("InboundFederation = %v, %v", r, err)
	}
	_, err := s.DefineAuthChallenge(ctx, p, c, DefineAuthChallengeRequest{})
	wantErr(t, err, errs.InvalidParameterException, "Custom auth lambda trigger is not configured for the user pool.")
	// Version 1 functions never see machine-to-machine tokens.
	if cz, err := s.PreTokenGeneration(ctx, testPool("V2_0"), TokenGenerationClientCredentials, c, TokenGenerationInput{}); cz != nil || err != nil {
		t.Errorf("client credentials reached a V2 function: %v, %v", cz, err)
	}
	if n := rec.count(); n != 0 {
		t.Errorf("%d invocations", n)
	}
}

func TestRouter(t *testing.T) {
	named := func(name string) Invoker {
		return InvokerFunc(func(context.Context, Function, []byte) ([]byte, error) { return []byte(name), nil })
	}
	r := &Router{}
	r.Handle("arn:aws:lambda:us-east-1:123456789012:function:signup", named("exact"))
	r.Handle("arn:aws:lambda:*:*:function:sign*", named("pattern"))
	r.Handle("arn:aws:lambda:eu-?est-1:*", named("region"))
	for arn, want := range map[string]string{
		"arn:aws:lambda:us-east-1:123456789012:function:signup":  "exact",
		"arn:aws:lambda:us-west-2:123456789012:function:signin":  "pattern",
		"arn:aws:lambda:eu-west-1:123456789012:function:migrate": "region",
		"arn:aws:lambda:us-east-1:123456789012:function:other":   "",
	} {
		inv := r.Route(arn)
		got := ""
		if inv != nil {
			b, _ := inv.Invoke(context.Background(), Function{}, nil)
			got = string(b)
		}
		if got != want {
			t.Errorf("%s routed to %q, want %q", arn, got, want)
		}
	}
	if r.Empty() || !(&Router{}).Empty() {
		t.Error("Empty is wrong")
	}
}

// An ARN that maps nowhere fails the operation, saying how to map it.
func TestUnmappedFunction(t *testing.T) {
	s, err := New(Config{Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	if s.Reachable() {
		t.Error("a service without routes is reachable")
	}
	_, err = s.PreSignUp(context.Background(), testPool("V1_0"), PreSignUpSignUp, Caller{}, PreSignUpRequest{})
	e, ok := errs.As(err)
	if !ok || e.Code != errs.UnexpectedLambdaException || !strings.HasPrefix(e.Message, "PreSignUp invocation failed due to error cirro has no way to invoke "+testARN) ||
		!strings.Contains(e.Message, "triggers.functions") || !strings.Contains(e.Message, "triggers.lambda.endpoint") {
		t.Errorf("error = %v", err)
	}
}

func TestConfigRefused(t *testing.T) {
	for name, tc := range map[string]config.TriggersConfig{
		"no way":       {Functions: []config.TriggerFunction{{ARN: testARN}}},
		"two ways":     {Functions: []config.TriggerFunction{{ARN: testARN, Command: &config.Command{Args: []string{"x"}}, Webhook: &config.Webhook{URL: "http://x", Secret: webhookSecret}}}},
		"short secret": {Functions: []config.TriggerFunction{{ARN: testARN, Webhook: &config.Webhook{URL: "http://127.0.0.1/h", Secret: "short"}}}},
		"relative url": {Lambda: &config.LambdaEndpoint{Endpoint: "localhost:9001"}},
		"half a key":   {Lambda: &config.LambdaEndpoint{Endpoint: "http://127.0.0.1:9001", AccessKeyID: "AKIA"}},
		"empty argv":   {Functions: []config.TriggerFunction{{ARN: testARN, Command: &config.Command{}}}},
		"bad kms key":  {KMSKeys: []config.KMSKey{{KeyID: testKeyID, Key: "c2hvcnQ="}}},
	} {
		if _, err := New(Config{Triggers: tc}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTokenCustomization(t *testing.T) {
	decode := func(t *testing.T, doc string, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(doc), v); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("V1", func(t *testing.T) {
		var r TokenGenerationV1Response
		decode(t, `{"claimsOverrideDetails":{"claimsToAddOrOverride":{"tier":"gold"},"claimsToSuppress":["email"],
			"groupOverrideDetails":{"groupsToOverride":["vip"],"iamRolesToOverride":["arn:aws:iam::1:role/r"],"preferredRole":"arn:aws:iam::1:role/r"}}}`, &r)
		c := r.Customization()
		if c.ID.AddOrOverride["tier"] != "gold" || c.ID.Suppress[0] != "email" || c.Access.AddOrOverride != nil {
			t.Errorf("claims: %+v", c)
		}
		if c.Groups == nil || c.Groups.Groups[0] != "vip" || c.Groups.PreferredRole != "arn:aws:iam::1:role/r" {
			t.Errorf("groups: %+v", c.Groups)
		}
	})
	t.Run("V2", func(t *testing.T) {
		var r TokenGenerationV2Response
		decode(t, `{"claimsAndScopeOverrideDetails":{"idTokenGeneration":{"claimsToAddOrOverride":{"n":2}},
			"accessTokenGeneration":{"claimsToAddOrOverride":{"roles":["a","b"]},"claimsToSuppress":["x"],"scopesToAdd":["orders/read"],"scopesToSuppress":["aws.cognito.signin.user.admin"]}}}`, &r)
		c := r.Customization()
		if c.ID.AddOrOverride["n"] != float64(2) || len(c.Access.AddOrOverride["roles"].([]any)) != 2 || c.Access.Suppress[0] != "x" ||
			c.ScopesToAdd[0] != "orders/read" || c.ScopesToSuppress[0] != token.ScopeAdmin || c.Groups != nil {
			t.Errorf("customization: %+v", c)
		}
	})
	// groupOverrideDetails: absent keeps the groups; present, even null or
	// empty, replaces (and so may suppress) them.
	for doc, want := range map[string]*token.GroupOverride{
		`{"claimsOverrideDetails":{}}`:                                                  nil,
		`{"claimsOverrideDetails":{"groupOverrideDetails":null}}`:                       {},
		`{"claimsOverrideDetails":{"groupOverrideDetails":{}}}`:                         {},
		`{"claimsOverrideDetails":{"groupOverrideDetails":{"groupsToOverride":["g"]}}}`: {Groups: []string{"g"}},
	} {
		var r TokenGenerationV1Response
		decode(t, doc, &r)
		got := r.Customization().Groups
		if (got == nil) != (want == nil) || (got != nil && len(got.Groups) != len(want.Groups)) {
			t.Errorf("%s: groups %+v, want %+v", doc, got, want)
		}
	}
	// A V1 claim value must be a string, as Cognito's V1 event defines it.
	rec := &recorder{answer: func([]byte) ([]byte, error) {
		return []byte(`{"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"n":2}}}}`), nil
	}}
	_, err := newService(t, rec, config.TriggersConfig{}).PreTokenGeneration(context.Background(), testPool("V1_0"), TokenGenerationAuthentication, Caller{}, TokenGenerationInput{})
	wantErr(t, err, errs.InvalidLambdaResponseException, "Unrecognizable lambda output")
}

func TestCustomMessageTemplate(t *testing.T) {
	pool := message.Template{Subject: "Your code", Body: "Code: {####}"}
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name string
		resp *CustomMessageResponse
		ch   message.Channel
		want message.Template
	}{
		{"no trigger", nil, message.ChannelEmail, pool},
		{"email", &CustomMessageResponse{EmailMessage: str("<b>{####}</b> is your code, {username}"), EmailSubject: str("Welcome")}, message.ChannelEmail,
			message.Template{Subject: "Welcome", Body: "<b>{####}</b> is your code, {username}"}},
		{"email without subject keeps the pool's", &CustomMessageResponse{EmailMessage: str("Use {####}")}, message.ChannelEmail,
			message.Template{Subject: "Your code", Body: "Use {####}"}},
		{"sms", &CustomMessageResponse{SMSMessage: str("{####} - Acme"), EmailMessage: str("ignored {####}")}, message.ChannelSMS,
			message.Template{Subject: "Your code", Body: "{####} - Acme"}},
		{"a message without the code is not sent", &CustomMessageResponse{EmailMessage: str("Hello!")}, message.ChannelEmail, pool},
		{"null members keep the pool's", &CustomMessageResponse{}, message.ChannelSMS, pool},
	} {
		if got := tc.resp.Template(tc.ch, pool); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	link := message.Template{Subject: "Verify", Body: "{##Verify Email##}", ByLink: true}
	r := &CustomMessageResponse{EmailMessage: str(`Please <a href="x">{##confirm##}</a>`)}
	if got := r.Template(message.ChannelEmail, link); !got.ByLink || got.Body != *r.EmailMessage {
		t.Errorf("link message: %+v", got)
	}
	// Rendered, the function's placeholders are filled like the pool's.
	rendered := (&CustomMessageResponse{SMSMessage: str("Hi {username}, {####}")}).Template(message.ChannelSMS, pool).
		Render(message.ChannelSMS, message.Values{Code: "123456", Username: "jane"})
	if rendered.Body != "Hi jane, 123456" {
		t.Errorf("rendered %q", rendered.Body)
	}
}

func TestUserMigrationChecks(t *testing.T) {
	for answer, ok := range map[string]bool{
		`{"response":{"userAttributes":{"email":"a@b.c"},"finalUserStatus":"CONFIRMED","messageAction":"SUPPRESS","desiredDeliveryMediums":["EMAIL"]}}`: true,
		`{"response":{"userAttributes":{"email":"a@b.c"},"finalUserStatus":"UNCONFIRMED"}}`:                                                             false,
		`{"response":{"userAttributes":{"email":"a@b.c"},"messageAction":"SEND"}}`:                                                                      false,
		`{"response":{"userAttributes":{"email":"a@b.c"},"desiredDeliveryMediums":["PIGEON"]}}`:                                                         false,
		`{"response":{"finalUserStatus":"CONFIRMED"}}`:                                                                                                  false,
	} {
		rec := &recorder{answer: func([]byte) ([]byte, error) { return []byte(answer), nil }}
		resp, err := newService(t, rec, config.TriggersConfig{}).UserMigration(context.Background(), testPool("V1_0"), UserMigrationAuthentication, Caller{UserName: "jane"}, UserMigrationRequest{Password: "p"})
		if ok != (err == nil) {
			t.Errorf("%s: %v", answer, err)
		}
		if ok && (resp.UserAttributes["email"] != "a@b.c" || deref(resp.FinalUserStatus) != "CONFIRMED") {
			t.Errorf("%s: %+v", answer, resp)
		}
		if !ok && !errs.Is(err, errs.InvalidLambdaResponseException) {
			t.Errorf("%s: %v, want InvalidLambdaResponseException", answer, err)
		}
	}
	// A password reset can only bring a user over needing a new password.
	rec := &recorder{answer: func([]byte) ([]byte, error) {
		return []byte(`{"response":{"userAttributes":{"email":"a@b.c"},"finalUserStatus":"CONFIRMED"}}`), nil
	}}
	_, err := newService(t, rec, config.TriggersConfig{}).UserMigration(context.Background(), testPool("V1_0"), UserMigrationForgotPassword, Caller{UserName: "jane"}, UserMigrationRequest{})
	if !errs.Is(err, errs.InvalidLambdaResponseException) {
		t.Errorf("CONFIRMED from ForgotPassword: %v", err)
	}
}

func TestPreSignUpChecks(t *testing.T) {
	if err := CheckPreSignUp(&PreSignUpResponse{AutoVerifyEmail: true}, map[string]string{"phone_number": "+1"}); !errs.Is(err, errs.InvalidLambdaResponseException) {
		t.Errorf("autoVerifyEmail without email: %v", err)
	}
	if err := CheckPreSignUp(&PreSignUpResponse{AutoConfirmUser: true, AutoVerifyPhone: true}, map[string]string{"phone_number": "+1"}); err != nil {
		t.Error(err)
	}
}

func TestSDKVersion(t *testing.T) {
	for ua, want := range map[string]string{
		"aws-sdk-go-v2/1.36.3 os/linux lang/go#1.26":                   "aws-sdk-go-v2-1.36.3",
		"aws-sdk-js/3.600.0 ua/2.0 os/darwin#23.0.0 lang/js":           "aws-sdk-js-3.600.0",
		"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 Botocore": sdkUnknown,
		"": sdkUnknown,
	} {
		if got := SDKVersion(ua); got != want {
			t.Errorf("%q: %q, want %q", ua, got, want)
		}
	}
}

func TestUserAttributes(t *testing.T) {
	p := testPool("V1_0")
	got := UserAttributes(p, "sub-1", "CONFIRMED", map[string]string{"email": "a@b.c", "email_verified": "false"})
	if got["sub"] != "sub-1" || got["cognito:user_status"] != "CONFIRMED" || got["cognito:email_alias"] != "" {
		t.Errorf("unverified email: %v", got)
	}
	got = UserAttributes(p, "sub-1", "CONFIRMED", map[string]string{"email": "a@b.c", "email_verified": "true"})
	if got["cognito:email_alias"] != "a@b.c" {
		t.Errorf("verified alias missing: %v", got)
	}
}
