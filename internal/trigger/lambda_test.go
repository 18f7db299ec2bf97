package trigger

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/wire/sigv4"
)

const (
	lambdaKeyID  = "AKIALAMBDATESTKEY000"
	lambdaSecret = "lambda-test-secret-access-key-0123456789"
)

// lambdaServer is a Lambda Invoke API that checks what cirro sends: the
// path, the invocation headers and the SigV4 signature (with cirro's own
// verifier, for service "lambda"), then answers with handle.
func lambdaServer(t *testing.T, handle func(w http.ResponseWriter, event map[string]any)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	v := sigv4.NewVerifier([]sigv4.Credential{{AccessKeyID: lambdaKeyID, SecretAccessKey: lambdaSecret}})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if _, err := v.Verify(r, body, "lambda"); err != nil {
			t.Errorf("signature: %v", err)
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") || !strings.HasSuffix(r.URL.Path, "/invocations") {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		if got := r.Header.Get("X-Amz-Invocation-Type"); got != "RequestResponse" {
			t.Errorf("X-Amz-Invocation-Type = %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q", got)
		}
		if !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/lambda/aws4_request") {
			t.Errorf("not signed for lambda in the ARN's region: %s", r.Header.Get("Authorization"))
		}
		var ev map[string]any
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("event is not JSON: %v", err)
		}
		handle(w, ev)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func lambdaTriggers(endpoint string) config.TriggersConfig {
	return config.TriggersConfig{
		Functions: []config.TriggerFunction{{ARN: "arn:aws:lambda:*:*:function:cognito-*",
			Lambda: &config.LambdaEndpoint{Endpoint: endpoint, AccessKeyID: lambdaKeyID, SecretAccessKey: lambdaSecret}}},
		Timeout: 200 * time.Millisecond,
	}
}

func routedService(t *testing.T, tc config.TriggersConfig) *Service {
	t.Helper()
	s, err := New(Config{Triggers: tc, Region: testRegion, Backoff: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLambdaInvokerAnswer(t *testing.T) {
	var path, qualifier string
	srv, _ := lambdaServer(t, func(w http.ResponseWriter, ev map[string]any) {
		ev["response"] = map[string]any{"autoConfirmUser": true, "autoVerifyEmail": true}
		json.NewEncoder(w).Encode(ev)
	})
	// Record the path from a wrapping handler.
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, qualifier = r.URL.EscapedPath(), r.URL.Query().Get("Qualifier")
		inner.ServeHTTP(w, r)
	})
	s := routedService(t, lambdaTriggers(srv.URL))
	p := testPool("V1_0")
	live := testARN + ":live"
	p.LambdaConfig.PreSignUp = &live
	resp, err := s.PreSignUp(sdkContext(), p, PreSignUpSignUp, Caller{ClientID: testClientID, UserName: "jane"},
		PreSignUpRequest{UserAttributes: map[string]string{"email": "jane@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.AutoConfirmUser || !resp.AutoVerifyEmail || resp.AutoVerifyPhone {
		t.Errorf("response = %+v", resp)
	}
	if path != "/2015-03-31/functions/cognito-trigger/invocations" || qualifier != "live" {
		t.Errorf("path %q qualifier %q", path, qualifier)
	}
}

func TestLambdaInvokerFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		handle   func(w http.ResponseWriter, ev map[string]any)
		code     errs.Code
		msg      string
		attempts int32
	}{
		{"function threw", func(w http.ResponseWriter, _ map[string]any) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			w.Write([]byte(`{"errorType":"Error","errorMessage":"Sign-ups from example.org are closed","trace":[]}`))
		}, errs.UserLambdaValidationException, "PreSignUp failed with error Sign-ups from example.org are closed.", 1},
		{"function missing", func(w http.ResponseWriter, _ map[string]any) {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awslambda/")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"Type":"User","message":"Function not found"}`))
		}, errs.UnexpectedLambdaException, "PreSignUp invocation failed due to error ResourceNotFoundException.", 1},
		{"throttled, retried", func(w http.ResponseWriter, _ map[string]any) {
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"__type":"TooManyRequestsException","message":"Rate exceeded"}`))
		}, errs.UnexpectedLambdaException, "PreSignUp invocation failed due to error TooManyRequestsException.", 3},
		{"timeout, retried", func(w http.ResponseWriter, ev map[string]any) {
			time.Sleep(400 * time.Millisecond)
			json.NewEncoder(w).Encode(ev)
		}, errs.UnexpectedLambdaException, "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.", 3},
		{"not JSON", func(w http.ResponseWriter, _ map[string]any) {
			w.Write([]byte(`Task completed`))
		}, errs.InvalidLambdaResponseException, "Unrecognizable lambda output", 1},
		{"response of the wrong type", func(w http.ResponseWriter, ev map[string]any) {
			ev["response"] = map[string]any{"autoConfirmUser": "yes"}
			json.NewEncoder(w).Encode(ev)
		}, errs.InvalidLambdaResponseException, "Unrecognizable lambda output", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := lambdaServer(t, tc.handle)
			s := routedService(t, lambdaTriggers(srv.URL))
			_, err := s.PreSignUp(sdkContext(), testPool("V1_0"), PreSignUpSignUp, Caller{ClientID: testClientID, UserName: "jane"}, PreSignUpRequest{})
			wantErr(t, err, tc.code, tc.msg)
			if got := calls.Load(); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
		})
	}
}

// The default endpoint takes ARNs no entry maps, with the name and region
// from the ARN.
func TestLambdaDefaultEndpoint(t *testing.T) {
	var path string
	srv, _ := lambdaServer(t, func(w http.ResponseWriter, ev map[string]any) { json.NewEncoder(w).Encode(ev) })
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		inner.ServeHTTP(w, r)
	})
	tc := config.TriggersConfig{Lambda: &config.LambdaEndpoint{Endpoint: srv.URL, AccessKeyID: lambdaKeyID, SecretAccessKey: lambdaSecret}}
	s := routedService(t, tc)
	p := testPool("V1_0")
	other := "arn:aws:lambda:us-east-1:123456789012:function:post-auth"
	p.LambdaConfig.PostAuthentication = &other
	if err := s.PostAuthentication(sdkContext(), p, Caller{ClientID: testClientID, UserName: "jane"}, PostAuthenticationRequest{}); err != nil {
		t.Fatal(err)
	}
	if path != "/2015-03-31/functions/post-auth/invocations" {
		t.Errorf("path = %q", path)
	}
}

func wantErr(t *testing.T, err error, code errs.Code, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if e.Code != code || e.Message != msg {
		t.Errorf("error = %s: %q\n want %s: %q", e.Code, e.Message, code, msg)
	}
}
