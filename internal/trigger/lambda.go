package trigger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
)

// LambdaInvoker calls the Lambda Invoke API
// (POST /2015-03-31/functions/NAME/invocations, RequestResponse), signed
// with SigV4 for service "lambda": AWS Lambda itself, or the Lambda
// Runtime Interface Emulator in front of a function run locally.
type LambdaInvoker struct {
	cfg    config.LambdaEndpoint
	creds  aws.Credentials
	client *http.Client
	clock  clock.Clock
	signer *v4.Signer
}

// placeholderCredentials sign requests to an emulator, which does not
// verify signatures, when no credentials are configured.
var placeholderCredentials = aws.Credentials{AccessKeyID: "CIRROLOCALINVOKE", SecretAccessKey: "cirro-local-invoke-placeholder"}

// NewLambdaInvoker returns an invoker for the endpoint. Credentials come
// from cfg, else from the standard AWS environment variables, else a
// placeholder only an emulator accepts.
func NewLambdaInvoker(cfg config.LambdaEndpoint, client *http.Client, clk clock.Clock) *LambdaInvoker {
	creds := aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey, SessionToken: cfg.SessionToken}
	if creds.AccessKeyID == "" {
		creds = aws.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")}
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		creds = placeholderCredentials
	}
	return &LambdaInvoker{cfg: cfg, creds: creds, client: client, clock: clk, signer: v4.NewSigner()}
}

// Invoke implements Invoker.
func (l *LambdaInvoker) Invoke(ctx context.Context, fn Function, payload []byte) ([]byte, error) {
	region, name, qualifier, ok := functionName(fn.ARN)
	if !ok {
		return nil, &InvokeError{Reason: "InvalidParameterValueException", Err: fmt.Errorf("%q is not a Lambda function ARN", fn.ARN)}
	}
	if l.cfg.FunctionName != "" {
		name = l.cfg.FunctionName
	}
	if l.cfg.Region != "" {
		region = l.cfg.Region
	}
	u := strings.TrimRight(l.cfg.Endpoint, "/") + "/2015-03-31/functions/" + url.PathEscape(name) + "/invocations"
	if qualifier != "" {
		u += "?Qualifier=" + url.QueryEscape(qualifier)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, &InvokeError{Reason: "InvalidParameterValueException", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	req.Header.Set("X-Amz-Log-Type", "None")
	sum := sha256.Sum256(payload)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := l.signer.SignHTTP(ctx, l.creds, req, hash, "lambda", region, l.clock.Now()); err != nil {
		return nil, &InvokeError{Reason: "Unable to sign the Lambda request", Err: err}
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, lambdaServiceError(resp, body)
	}
	// A function that threw: the runtime's error document, with the error
	// type in the header ("Unhandled" or "Handled") or in the body.
	if resp.Header.Get("X-Amz-Function-Error") != "" {
		var le lambdaError
		_ = json.Unmarshal(body, &le)
		if le.ErrorMessage == "" {
			le.ErrorMessage = clip(string(body), 1024)
		}
		return nil, &FunctionError{Type: le.ErrorType, Message: le.ErrorMessage}
	}
	return body, nil
}

// lambdaServiceError reads the Lambda API's own error (not the
// function's): its type is the x-amzn-ErrorType header or the body's
// __type/Type, and throttling and service faults may be retried.
func lambdaServiceError(resp *http.Response, body []byte) *InvokeError {
	var doc struct {
		Type    string `json:"__type"`
		Type2   string `json:"Type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &doc)
	typ := resp.Header.Get("X-Amzn-Errortype")
	if typ == "" {
		typ = doc.Type
	}
	if typ == "" {
		typ = doc.Type2
	}
	// "ResourceNotFoundException:http://internal.amazon.com/…" → the name.
	typ, _, _ = strings.Cut(typ, ":")
	if i := strings.LastIndex(typ, "#"); i >= 0 {
		typ = typ[i+1:]
	}
	if typ == "" {
		typ = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	return &InvokeError{Reason: typ, Retryable: retry, Err: errors.New(clip(string(body), 512))}
}

// transportError classifies a failure to exchange the request: the
// attempt's deadline is Cognito's socket timeout; anything else (refused,
// reset, DNS) is worth another attempt, as a fresh connection may succeed.
func transportError(ctx context.Context, err error) *InvokeError {
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &InvokeError{Reason: reasonTimeout, Retryable: true, Err: err}
	}
	return &InvokeError{Reason: "Unable to reach the function", Retryable: true, Err: err}
}
