package trigger

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
)

// Webhook headers. The signature covers the timestamp and the body, so a
// receiver that checks it (VerifyWebhook) knows the request is cirro's,
// unaltered, and recent: a captured request replayed later fails the
// timestamp check.
const (
	HeaderSignature    = "X-Cirro-Signature"
	HeaderTimestamp    = "X-Cirro-Timestamp"
	HeaderInvocationID = "X-Cirro-Invocation-Id"
	HeaderFunctionARN  = "X-Cirro-Function-Arn"
	HeaderSource       = "X-Cirro-Trigger-Source"
	// signatureScheme prefixes the hex HMAC, so the scheme can change.
	signatureScheme = "v1="
	// WebhookTolerance is how old (or how far ahead) a request may be.
	WebhookTolerance = 5 * time.Minute
)

// WebhookInvoker POSTs the event to a URL and reads the function's result
// from the answer.
//
// The contract, as a Lambda function's: a 2xx answer's body is the result
// (the event with its response filled in). A function that fails on
// purpose answers 4xx with a JSON body {"errorMessage": "…", "errorType":
// "…"}, and Cognito's caller sees the message. Other 4xx answers, 408,
// 429 and 5xx answers, timeouts and network failures are failures to
// invoke; 408, 429, 5xx, timeouts and network failures are retried.
//
// Each request carries X-Cirro-Timestamp (Unix seconds) and
// X-Cirro-Signature: "v1=" + hex(HMAC-SHA256(secret, timestamp + "." +
// body)), and X-Cirro-Invocation-Id, the same on every attempt of one
// invocation, so that a receiver can tell a retry from a new event.
type WebhookInvoker struct {
	cfg    config.Webhook
	client *http.Client
	clock  clock.Clock
}

// NewWebhookInvoker returns an invoker for the webhook.
func NewWebhookInvoker(cfg config.Webhook, client *http.Client, clk clock.Clock) *WebhookInvoker {
	return &WebhookInvoker{cfg: cfg, client: client, clock: clk}
}

// Invoke implements Invoker.
func (w *WebhookInvoker) Invoke(ctx context.Context, fn Function, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, &InvokeError{Reason: "Invalid webhook URL", Err: err}
	}
	ts := strconv.FormatInt(w.clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, SignWebhook([]byte(w.cfg.Secret), ts, payload))
	req.Header.Set(HeaderInvocationID, invocationID(ctx))
	req.Header.Set(HeaderFunctionARN, fn.ARN)
	req.Header.Set(HeaderSource, fn.Source)
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	switch code := resp.StatusCode; {
	case code/100 == 2:
		return body, nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return nil, &InvokeError{Reason: fmt.Sprintf("HTTP %d from the webhook", code), Retryable: true, Err: errors.New(clip(string(body), 512))}
	case code/100 == 4:
		var le lambdaError
		if json.Unmarshal(body, &le) == nil && le.ErrorMessage != "" {
			return nil, &FunctionError{Type: le.ErrorType, Message: le.ErrorMessage}
		}
		return nil, &InvokeError{Reason: fmt.Sprintf("HTTP %d from the webhook", code), Err: errors.New(clip(string(body), 512))}
	default:
		return nil, &InvokeError{Reason: fmt.Sprintf("HTTP %d from the webhook", code), Err: errors.New(clip(string(body), 512))}
	}
}

// SignWebhook is the X-Cirro-Signature of body sent at timestamp ts.
func SignWebhook(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return signatureScheme + hex.EncodeToString(m.Sum(nil))
}

// Webhook verification failures.
var (
	ErrWebhookSignature = errors.New("webhook signature does not match")
	ErrWebhookStale     = errors.New("webhook timestamp is outside the tolerance")
)

// VerifyWebhook checks a request a receiver got: signature is the
// X-Cirro-Signature header, ts the X-Cirro-Timestamp header, body the raw
// body, now the receiver's clock. The comparison is constant-time, and a
// timestamp further than WebhookTolerance from now is refused, so that a
// captured request cannot be replayed later.
func VerifyWebhook(secret []byte, ts, signature string, body []byte, now time.Time) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrWebhookStale
	}
	if d := now.Sub(time.Unix(sec, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return ErrWebhookStale
	}
	want := SignWebhook(secret, ts, body)
	if !strings.HasPrefix(signature, signatureScheme) || !hmac.Equal([]byte(want), []byte(signature)) {
		return ErrWebhookSignature
	}
	return nil
}

type invocationKey struct{}

// withInvocationID gives every attempt of one invocation the same id.
func withInvocationID(ctx context.Context) context.Context {
	return context.WithValue(ctx, invocationKey{}, uuid.NewString())
}

func invocationID(ctx context.Context) string {
	if id, ok := ctx.Value(invocationKey{}).(string); ok {
		return id
	}
	return uuid.NewString()
}
