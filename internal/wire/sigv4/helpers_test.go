package sigv4

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/internal/errs"
)

const (
	testKeyID  = "AKIACIRROTEST0000001"
	testSecret = "cirro/test+secret/0123456789abcdefghij"
	testName   = "admin"
	idp        = "cognito-idp"
)

var testCreds = []Credential{{AccessKeyID: testKeyID, SecretAccessKey: testSecret, Name: testName}}

// exchange is one request as the server received it, and what Verify said.
type exchange struct {
	req       *http.Request
	body      []byte
	principal *Principal
	err       error
}

// server stands in for cirro: it verifies each request as it arrives,
// answers like an AWS JSON 1.1 service (so the SDK sees our errors the way
// it would see AWS's), and keeps the request for tests that tamper with it.
type server struct {
	*httptest.Server
	verifier *Verifier
	service  string

	mu  sync.Mutex
	got []exchange
}

func newServer(t *testing.T, v *Verifier) *server {
	t.Helper()
	s := &server{verifier: v, service: idp}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p, verr := s.verifier.Verify(r, body, s.service)
	s.mu.Lock()
	s.got = append(s.got, exchange{req: r.Clone(context.Background()), body: body, principal: p, err: verr})
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if verr != nil {
		e, _ := errs.As(verr)
		w.WriteHeader(errs.HTTPStatus(verr))
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": string(e.Code), "message": e.Message})
		return
	}
	_, _ = io.WriteString(w, "{}")
}

// last is the most recent exchange.
func (s *server) last(t *testing.T) exchange {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		t.Fatal("the server received no request")
	}
	return s.got[len(s.got)-1]
}

// client is a real Cognito user-pools client aimed at the server.
func (s *server) client(keyID, secret, token, region string) *cip.Client {
	return cip.New(cip.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, token),
		Retryer:      aws.NopRetryer{},
	})
}

// clone copies an exchanged request for tampering.
func (x exchange) clone() *http.Request { return x.req.Clone(context.Background()) }

// signedAt is the request's X-Amz-Date.
func (x exchange) signedAt(t *testing.T) time.Time {
	t.Helper()
	at, err := time.Parse(timeFormat, x.req.Header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatalf("X-Amz-Date: %v", err)
	}
	return at
}

func at(t time.Time) Option { return WithClock(func() time.Time { return t }) }

// wantCode checks that err is an *errs.Error of the given type.
func wantCode(t *testing.T, err error, code errs.Code) *errs.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("got %T %v, want *errs.Error %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("got %s (%q), want %s", e.Code, e.Message, code)
	}
	return e
}

// wantAPIError checks the error a real SDK client returned.
func wantAPIError(t *testing.T, err error, code errs.Code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != string(code) || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}
