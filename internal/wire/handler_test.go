package wire

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
)

func quietHandler(svcs []Service) *Handler {
	return New(Config{Services: svcs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func call(t *testing.T, h http.Handler, target, body string) (int, map[string]string, http.Header) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var m map[string]string
	_ = json.Unmarshal(w.Body.Bytes(), &m)
	return w.Code, m, w.Result().Header
}

func TestProtocolErrors(t *testing.T) {
	h := quietHandler(stubServices())
	big := `{"UserPoolId":"` + strings.Repeat("a", DefaultMaxBody) + `"}`
	cases := []struct {
		name, target, body string
		status             int
		typ                string
		msg                string
	}{
		{"malformed JSON", "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":`, 400, "SerializationException", "Malformed JSON"},
		{"not an object", "AWSCognitoIdentityProviderService.DescribeUserPool", `[1,2]`, 400, "SerializationException", "JSON object"},
		{"wrong member type", "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":5}`, 400, "SerializationException", "UserPoolId"},
		{"trailing garbage", "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":"us-east-1_a"} x`, 400, "SerializationException", ""},
		{"unknown operation", "AWSCognitoIdentityProviderService.NoSuchThing", `{}`, 400, "UnknownOperationException", "NoSuchThing"},
		{"unknown service", "Other.DescribeUserPool", `{}`, 400, "UnknownOperationException", ""},
		{"no target", "", `{}`, 400, "UnknownOperationException", ""},
		{"validation", "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":"bad id"}`, 400, "InvalidParameterException",
			`1 validation error detected: Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`},
		{"required", "AWSCognitoIdentityProviderService.DescribeUserPool", `{}`, 400, "InvalidParameterException",
			"1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"too large", "AWSCognitoIdentityProviderService.DescribeUserPool", big, 413, "RequestEntityTooLargeException", ""},
		{"ok", "AWSCognitoIdentityProviderService.DescribeUserPool", `{"UserPoolId":"us-east-1_abc"}`, 200, "", ""},
		{"identity ok", "AWSCognitoIdentityService.DescribeIdentityPool", `{"IdentityPoolId":"us-east-1:0f3e1c2a-1111-2222-3333-444455556666"}`, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, m, hdr := call(t, h, c.target, c.body)
			if status != c.status || m["__type"] != c.typ {
				t.Fatalf("got %d %v, want %d %s", status, m, c.status, c.typ)
			}
			if c.typ != "" && hdr.Get("x-amzn-ErrorType") != c.typ {
				t.Errorf("x-amzn-ErrorType = %q", hdr.Get("x-amzn-ErrorType"))
			}
			if !strings.Contains(m["message"], c.msg) {
				t.Errorf("message %q does not contain %q", m["message"], c.msg)
			}
			if hdr.Get("x-amzn-RequestId") == "" || hdr.Get("Content-Type") != "application/x-amz-json-1.1" {
				t.Errorf("headers %v", hdr)
			}
		})
	}
}

func TestNotImplementedIsClear(t *testing.T) {
	h := quietHandler([]Service{{TargetPrefix: cognitoidp.TargetPrefix, SigningName: cognitoidp.SigningName,
		Operations: (&cognitoidp.Handlers{}).Operations()}})
	status, m, _ := call(t, h, "AWSCognitoIdentityProviderService.AdminCreateUser", `{}`)
	if status != 400 || m["__type"] != "NotImplementedException" || !strings.Contains(m["message"], "AdminCreateUser") {
		t.Fatalf("got %d %v", status, m)
	}
}

func TestPanicAndInternalErrorsDoNotLeak(t *testing.T) {
	h := &cognitoidp.Handlers{
		DescribeUserPool: func(_ context.Context, in *cognitoidp.DescribeUserPoolRequest) (*cognitoidp.DescribeUserPoolResponse, error) {
			panic("secret internal detail")
		},
		ListUserPools: func(_ context.Context, in *cognitoidp.ListUserPoolsRequest) (*cognitoidp.ListUserPoolsResponse, error) {
			return nil, errors.New("pq: password authentication failed for secret")
		},
	}
	srv := quietHandler([]Service{{TargetPrefix: cognitoidp.TargetPrefix, SigningName: cognitoidp.SigningName, Operations: h.Operations()}})
	for target, body := range map[string]string{
		"AWSCognitoIdentityProviderService.DescribeUserPool": `{"UserPoolId":"us-east-1_abc"}`,
		"AWSCognitoIdentityProviderService.ListUserPools":    `{"MaxResults":5}`,
	} {
		status, m, _ := call(t, srv, target, body)
		if status != 500 || m["__type"] != "InternalErrorException" || strings.Contains(m["message"], "secret") {
			t.Fatalf("%s: got %d %v", target, status, m)
		}
	}
}

func TestEmptyListsAreSentAsLists(t *testing.T) {
	h := &cognitoidp.Handlers{
		ListUserPools: func(_ context.Context, in *cognitoidp.ListUserPoolsRequest) (*cognitoidp.ListUserPoolsResponse, error) {
			return &cognitoidp.ListUserPoolsResponse{UserPools: []cognitoidp.UserPoolDescriptionType{}}, nil
		},
	}
	srv := quietHandler([]Service{{TargetPrefix: cognitoidp.TargetPrefix, SigningName: cognitoidp.SigningName, Operations: h.Operations()}})
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"MaxResults":5}`))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if got := w.Body.String(); got != `{"UserPools":[]}` {
		t.Fatalf("body %s", got)
	}
}

func TestEveryOperationRoutes(t *testing.T) {
	h := quietHandler(stubServices())
	n := 0
	for _, svc := range stubServices() {
		for _, op := range svc.Operations {
			n++
			status, m, _ := call(t, h, svc.TargetPrefix+"."+op.Name, `{}`)
			// An empty body is either valid or a validation failure; never anything else.
			if status != 200 && m["__type"] != "InvalidParameterException" {
				t.Errorf("%s: %d %v", op.Name, status, m)
			}
		}
	}
	if n != 129+23 {
		t.Fatalf("%d operations, want 152", n)
	}
}

var _ shape.Auth
