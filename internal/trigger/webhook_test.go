package trigger

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
)

const webhookSecret = "webhook-shared-secret-0123456789"

// webhookReceiver verifies each request as a receiver should
// (VerifyWebhook) and answers with handle.
func webhookReceiver(t *testing.T, handle func(w http.ResponseWriter, ev map[string]any)) (*httptest.Server, func() []http.Header) {
	t.Helper()
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if err := VerifyWebhook([]byte(webhookSecret), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body, time.Now()); err != nil {
			t.Errorf("verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev map[string]any
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("event is not JSON: %v", err)
		}
		handle(w, ev)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []http.Header {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

func webhookTriggers(url string) config.TriggersConfig {
	return config.TriggersConfig{
		Functions: []config.TriggerFunction{{ARN: testARN, Webhook: &config.Webhook{URL: url, Secret: webhookSecret}}},
		Timeout:   200 * time.Millisecond,
	}
}

func TestWebhookInvokerAnswer(t *testing.T) {
	srv, seen := webhookReceiver(t, func(w http.ResponseWriter, ev map[string]any) {
		ev["response"] = map[string]any{"claimsOverrideDetails": map[string]any{
			"claimsToAddOrOverride": map[string]string{"tier": "gold"}, "claimsToSuppress": []string{"email"},
		}}
		json.NewEncoder(w).Encode(ev)
	})
	s := routedService(t, webhookTriggers(srv.URL))
	cz, err := s.PreTokenGeneration(sdkContext(), testPool("V1_0"), TokenGenerationAuthentication, Caller{ClientID: testClientID, UserName: "jane"}, TokenGenerationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if cz.ID.AddOrOverride["tier"] != "gold" || len(cz.ID.Suppress) != 1 || cz.ID.Suppress[0] != "email" {
		t.Errorf("customization = %+v", cz)
	}
	h := seen()[0]
	if h.Get(HeaderSource) != TokenGenerationAuthentication || h.Get(HeaderFunctionARN) != testARN || h.Get(HeaderInvocationID) == "" {
		t.Errorf("headers = %v", h)
	}
}

func TestWebhookInvokerFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		handle   func(w http.ResponseWriter, ev map[string]any)
		code     errs.Code
		msg      string
		attempts int
	}{
		{"function threw", func(w http.ResponseWriter, _ map[string]any) {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"errorMessage":"User is banned","errorType":"Error"}`))
		}, errs.UserLambdaValidationException, "PreAuthentication failed with error User is banned.", 1},
		{"not found", func(w http.ResponseWriter, _ map[string]any) {
			http.NotFound(w, nil)
		}, errs.UnexpectedLambdaException, "PreAuthentication invocation failed due to error HTTP 404 from the webhook.", 1},
		{"server fault, retried", func(w http.ResponseWriter, _ map[string]any) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, errs.UnexpectedLambdaException, "PreAuthentication invocation failed due to error HTTP 503 from the webhook.", 3},
		{"timeout, retried", func(w http.ResponseWriter, ev map[string]any) {
			time.Sleep(400 * time.Millisecond)
			json.NewEncoder(w).Encode(ev)
		}, errs.UnexpectedLambdaException, "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function.", 3},
		{"not an object", func(w http.ResponseWriter, _ map[string]any) {
			w.Write([]byte(`[1,2,3]`))
		}, errs.InvalidLambdaResponseException, "Unrecognizable lambda output", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := webhookReceiver(t, tc.handle)
			s := routedService(t, webhookTriggers(srv.URL))
			err := s.PreAuthentication(sdkContext(), testPool("V1_0"), Caller{ClientID: testClientID, UserName: "jane"}, PreAuthenticationRequest{})
			wantErr(t, err, tc.code, tc.msg)
			hs := seen()
			if len(hs) != tc.attempts {
				t.Fatalf("%d attempts, want %d", len(hs), tc.attempts)
			}
			// Every attempt of one invocation has the same id, so that a
			// receiver can tell a retry from a new event.
			for _, h := range hs {
				if h.Get(HeaderInvocationID) != hs[0].Get(HeaderInvocationID) {
					t.Errorf("invocation ids differ across attempts")
				}
			}
		})
	}
}

func TestVerifyWebhook(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"version":"1"}`)
	sig := SignWebhook([]byte(webhookSecret), ts, body)
	if err := VerifyWebhook([]byte(webhookSecret), ts, sig, body, now.Add(time.Minute)); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	for _, tc := range []struct {
		name            string
		secret, ts, sig string
		body            string
		now             time.Time
		want            error
	}{
		{"other secret", "another-secret-of-16+chars", ts, sig, string(body), now, ErrWebhookSignature},
		{"tampered body", webhookSecret, ts, sig, `{"version":"2"}`, now, ErrWebhookSignature},
		{"timestamp moved", webhookSecret, strconv.FormatInt(now.Unix()+1, 10), sig, string(body), now, ErrWebhookSignature},
		{"replayed later", webhookSecret, ts, sig, string(body), now.Add(WebhookTolerance + time.Second), ErrWebhookStale},
		{"not a timestamp", webhookSecret, "yesterday", sig, string(body), now, ErrWebhookStale},
		{"no scheme", webhookSecret, ts, sig[len("v1="):], string(body), now, ErrWebhookSignature},
	} {
		if err := VerifyWebhook([]byte(tc.secret), tc.ts, tc.sig, []byte(tc.body), tc.now); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
