package trigger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const (
	testRegion   = "us-east-1"
	testPoolID   = "us-east-1_EXAMPLE"
	testClientID = "1example23456789example12"
	testARN      = "arn:aws:lambda:us-east-1:123456789012:function:cognito-trigger"
	testKeyID    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// testKey is the local stand-in of testKeyID.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// testPool attaches testARN at every trigger point; version selects the
// pre token generation version.
func testPool(version string) *cognitoidp.UserPoolType {
	arn := func() *string { s := testARN; return &s }
	v := func(s string) *string { return &s }
	return &cognitoidp.UserPoolType{
		Id: v(testPoolID),
		LambdaConfig: &cognitoidp.LambdaConfigType{
			PreSignUp: arn(), PostConfirmation: arn(), PreAuthentication: arn(), PostAuthentication: arn(),
			CustomMessage: arn(), UserMigration: arn(), DefineAuthChallenge: arn(), CreateAuthChallenge: arn(),
			VerifyAuthChallengeResponse: arn(), PreTokenGeneration: arn(),
			PreTokenGenerationConfig: &cognitoidp.PreTokenGenerationVersionConfigType{LambdaArn: arn(), LambdaVersion: v(version)},
			CustomEmailSender:        &cognitoidp.CustomEmailLambdaVersionConfigType{LambdaArn: arn(), LambdaVersion: v("V1_0")},
			CustomSMSSender:          &cognitoidp.CustomSMSLambdaVersionConfigType{LambdaArn: arn(), LambdaVersion: v("V1_0")},
			InboundFederation:        &cognitoidp.InboundFederationLambdaType{LambdaArn: arn(), LambdaVersion: v("V1_0")},
			KMSKeyID:                 v(testKeyID),
		},
		AliasAttributes: []string{"email"},
	}
}

// recorder is an invoker that keeps what it is sent and answers with
// answer(payload), or the payload itself (a function that changes
// nothing).
type recorder struct {
	mu       sync.Mutex
	payloads [][]byte
	answer   func(payload []byte) ([]byte, error)
}

func (r *recorder) Invoke(_ context.Context, _ Function, payload []byte) ([]byte, error) {
	r.mu.Lock()
	r.payloads = append(r.payloads, payload)
	r.mu.Unlock()
	if r.answer != nil {
		return r.answer(payload)
	}
	return payload, nil
}

func (r *recorder) last(t *testing.T) map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.payloads) == 0 {
		t.Fatal("nothing was invoked")
	}
	var m map[string]any
	if err := json.Unmarshal(r.payloads[len(r.payloads)-1], &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.payloads)
}

// newService is a Service whose every function is inv.
func newService(t *testing.T, inv Invoker, tc config.TriggersConfig) *Service {
	t.Helper()
	rt := &Router{}
	rt.Handle("arn:aws:lambda:*", inv)
	tc.KMSKeys = append(tc.KMSKeys, config.KMSKey{KeyID: "arn:aws:kms:*", Key: base64.StdEncoding.EncodeToString(testKey)})
	s, err := New(Config{Triggers: tc, Region: testRegion, Router: rt, Backoff: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sdkContext is a request from the Go SDK, as the edge records it.
func sdkContext() context.Context {
	return caller.With(context.Background(), &caller.Caller{UserAgent: "aws-sdk-go-v2/1.36.3 os/linux lang/go#1.26 md/GOOS#linux api/cognitoidentityprovider#1.61.0"})
}

// defaultTriggers is a configuration with nothing but Cognito's defaults.
func defaultTriggers() config.TriggersConfig { return config.TriggersConfig{} }
