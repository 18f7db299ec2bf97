package identitypool

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
)

// stsStub answers AssumeRoleWithWebIdentity with a fixed status and
// body, and records the requests.
type stsStub struct {
	srv    *httptest.Server
	status int
	body   string

	mu   sync.Mutex
	reqs []*http.Request
}

func newSTSStub(t *testing.T, status int, body string) *stsStub {
	s := &stsStub{status: status, body: body}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(s.status)
		io.WriteString(w, s.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

const stsOK = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>tok</SessionToken>
<Expiration>2030-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`

func stsFailure(code string) string {
	return fmt.Sprintf(`<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>no</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code)
}

func exchange(t *testing.T, cfg config.STSConfig) *stsExchange {
	t.Helper()
	e, err := newSTS(cfg, "us-east-1", &http.Client{Timeout: 5 * time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The call is AssumeRoleWithWebIdentity as Cognito makes it: unsigned,
// session CognitoIdentityCredentials, one hour.
func TestSTSAssume(t *testing.T) {
	stub := newSTSStub(t, 200, stsOK)
	c, err := exchange(t, config.STSConfig{Endpoint: stub.srv.URL}).assume(context.Background(), "arn:aws:iam::1:role/r", "jwt")
	if err != nil {
		t.Fatal(err)
	}
	if c.accessKeyID != "ASIAEXAMPLE" || c.secretKey != "s3cr3t" || c.sessionToken != "tok" || !c.expiration.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("credentials %+v", c)
	}
	r := stub.reqs[0]
	if r.Header.Get("Authorization") != "" || r.Form.Get("Action") != "AssumeRoleWithWebIdentity" || r.Form.Get("RoleArn") != "arn:aws:iam::1:role/r" ||
		r.Form.Get("WebIdentityToken") != "jwt" || r.Form.Get("RoleSessionName") != sessionName || r.Form.Get("DurationSeconds") != "3600" {
		t.Fatalf("request %v %v", r.Header, r.Form)
	}
}

// With access keys configured the call is SigV4-signed for sts.
func TestSTSSigned(t *testing.T) {
	stub := newSTSStub(t, 200, stsOK)
	e := exchange(t, config.STSConfig{Endpoint: stub.srv.URL, Region: "eu-west-1", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"})
	if _, err := e.assume(context.Background(), "arn:aws:iam::1:role/r", "jwt"); err != nil {
		t.Fatal(err)
	}
	auth := stub.reqs[0].Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(auth, "/eu-west-1/sts/aws4_request") {
		t.Fatalf("Authorization %q", auth)
	}
}

// STS refusing is a misconfigured pool; STS failing or gone is an
// external failure.
func TestSTSErrors(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		want   errs.Code
	}{
		{403, stsFailure("AccessDenied"), errs.InvalidIdentityPoolConfigurationException},
		{400, stsFailure("InvalidIdentityToken"), errs.InvalidIdentityPoolConfigurationException},
		{500, `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code></Error></ErrorResponse>`, errs.ExternalServiceException},
		{200, `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`, errs.ExternalServiceException},
	} {
		stub := newSTSStub(t, c.status, c.body)
		_, err := exchange(t, config.STSConfig{Endpoint: stub.srv.URL}).assume(context.Background(), "arn:aws:iam::1:role/r", "jwt")
		wantCode(t, err, c.want)
	}
	stub := newSTSStub(t, 200, stsOK)
	stub.srv.Close()
	_, err := exchange(t, config.STSConfig{Endpoint: stub.srv.URL}).assume(context.Background(), "arn:aws:iam::1:role/r", "jwt")
	wantCode(t, err, errs.ExternalServiceException)
}

// A bad STS configuration stops the server from starting.
func TestSTSConfigChecked(t *testing.T) {
	for _, cfg := range []config.STSConfig{
		{Endpoint: "sts.example.com"},
		{Endpoint: "https://sts.example.com", AccessKeyID: "AKID"},
		{AccessKeyID: "AKID", SecretAccessKey: "s"},
	} {
		if _, err := newSTS(cfg, "us-east-1", http.DefaultClient, slog.Default()); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	if e, err := newSTS(config.STSConfig{}, "us-east-1", http.DefaultClient, slog.Default()); e != nil || err != nil {
		t.Fatalf("no STS: %v %v", e, err)
	}
}
