package sigv4

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cirrohq/cirro/internal/errs"
)

var testAWSCreds = aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}

// signAndSend signs req with the SDK's signer, as any AWS client library
// would, sends it to s and returns what the server made of it.
func signAndSend(t *testing.T, s *server, req *http.Request, body []byte, creds aws.Credentials, service, region string, at time.Time) exchange {
	t.Helper()
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hashHex(body), service, region, at); err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return s.last(t)
}

func jsonRequest(t *testing.T, rawURL, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+target)
	return req
}

// The CLI (botocore) sends the same canonical form the SDK signer builds:
// POST to "/" with no query, content type, target, host, date and length.
func TestSignHTTPLikeTheCLI(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	body := []byte(`{"UserPoolId":"` + pool + `","Username":"José"}`)
	for _, path := range []string{"", "/", "/?"} {
		t.Run("path "+path, func(t *testing.T) {
			req := jsonRequest(t, s.URL+path, "AdminGetUser", body)
			req.Header.Set("User-Agent", "aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.0 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6 md/installer#exe cfg/retry-mode#standard md/command#cognito-idp.admin-get-user")
			x := signAndSend(t, s, req, body, testAWSCreds, idp, "us-east-1", time.Now())
			if x.err != nil {
				t.Fatal(x.err)
			}
			if x.req.URL.Path != "/" || x.req.URL.RawQuery != "" {
				t.Fatalf("request went to %q", x.req.URL)
			}
		})
	}
}

func TestSignedContentSha256IsAccepted(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	body := []byte(`{"UserPoolId":"` + pool + `"}`)
	req := jsonRequest(t, s.URL, "ListUsers", body)
	req.Header.Set("X-Amz-Content-Sha256", hashHex(body))
	x := signAndSend(t, s, req, body, testAWSCreds, idp, "us-east-1", time.Now())
	if x.err != nil {
		t.Fatal(x.err)
	}
	if !strings.Contains(x.req.Header.Get("Authorization"), "x-amz-content-sha256") {
		t.Fatal("content hash was not signed")
	}
}

// A target added after signing could turn a captured AdminGetUser into an
// AdminDeleteUser with the same body.
func TestTargetMustBeSigned(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	body := []byte(`{"UserPoolId":"` + pool + `","Username":"bob"}`)
	req := jsonRequest(t, s.URL, "AdminDeleteUser", body)
	req.Header.Del("X-Amz-Target")
	if err := v4.NewSigner().SignHTTP(t.Context(), testAWSCreds, req, hashHex(body), idp, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	e := wantCode(t, s.last(t).err, errs.InvalidSignatureException)
	if e.Message != "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization." {
		t.Fatalf("message %q", e.Message)
	}
}

// The messages quote the three instants as AWS does.
func TestSkewMessages(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	signed := time.Date(2026, 11, 23, 10, 10, 10, 0, time.UTC)
	body := []byte(`{}`)
	x := signAndSend(t, s, jsonRequest(t, s.URL, "ListUserPools", body), body, testAWSCreds, idp, "us-east-1", signed)

	_, err := NewVerifier(testCreds, at(time.Date(2026, 11, 23, 10, 40, 10, 500, time.UTC))).Verify(x.clone(), x.body, idp)
	if e := wantCode(t, err, errs.InvalidSignatureException); e.Message != "Signature expired: 20261123T101010Z is now earlier than 20261123T102510Z (20261123T104010Z - 15 min.)" {
		t.Fatalf("message %q", e.Message)
	}
	_, err = NewVerifier(testCreds, at(time.Date(2026, 11, 23, 9, 50, 0, 0, time.UTC))).Verify(x.clone(), x.body, idp)
	if e := wantCode(t, err, errs.InvalidSignatureException); e.Message != "Signature not yet current: 20261123T101010Z is still later than 20261123T100500Z (20261123T095000Z + 15 min.)" {
		t.Fatalf("message %q", e.Message)
	}
	if _, err := NewVerifier(testCreds, at(signed.Add(-15*time.Minute))).Verify(x.clone(), x.body, idp); err != nil {
		t.Fatal(err)
	}
}

// A request signed just before midnight is still checked against the day
// in its scope, not the server's day.
func TestSignedAcrossMidnight(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	signed := time.Date(2026, 11, 23, 23, 59, 59, 0, time.UTC)
	body := []byte(`{}`)
	x := signAndSend(t, s, jsonRequest(t, s.URL, "ListUserPools", body), body, testAWSCreds, idp, "us-east-1", signed)
	if _, err := NewVerifier(testCreds, at(signed.Add(5*time.Minute))).Verify(x.clone(), x.body, idp); err != nil {
		t.Fatal(err)
	}
}

// TestAgainstSDKSigner signs randomized requests (paths, queries, odd
// header values, repeated headers, methods, bodies) with the SDK signer and
// sends them over HTTP: whatever the SDK signs and net/http delivers must
// verify.
func TestAgainstSDKSigner(t *testing.T) {
	s := newServer(t, NewVerifier(testCreds))
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "Z", "0", "-", "_", ".", "~", " ", "+", "=", "&", "%", "/", "*", "é", "山", "🚀", "'", "!", "(", ",", ";", ":", "@", "$"}
	word := func(n int) string {
		var b strings.Builder
		for range 1 + rng.IntN(n) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	headerPieces := []string{"a", "B", "1", " ", "  ", ",", ";", "=", "\"", "/", ":"}
	headerValue := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(headerPieces[rng.IntN(len(headerPieces))])
		}
		return b.String()
	}
	methods := []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodDelete}

	for i := range 300 {
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		for range rng.IntN(4) {
			u.Path += "/" + strings.ReplaceAll(word(6), "/", "")
		}
		q := url.Values{}
		for range rng.IntN(4) {
			k := word(5)
			for range 1 + rng.IntN(2) {
				q.Add(k, word(5))
			}
		}
		u.RawQuery = q.Encode()
		body := []byte(word(40))
		if rng.IntN(4) == 0 {
			body = nil
		}
		req, err := http.NewRequestWithContext(t.Context(), methods[rng.IntN(len(methods))], u.String(), bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body == nil {
			req.Body, req.ContentLength = http.NoBody, 0
		}
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUsers")
		for j := range rng.IntN(5) {
			name := fmt.Sprintf("X-Cirro-Test-%d", j)
			for range 1 + rng.IntN(3) {
				req.Header.Add(name, headerValue())
			}
		}
		creds := testAWSCreds
		if rng.IntN(3) == 0 {
			creds.SessionToken = "token/" + strings.Repeat("x", rng.IntN(40)) + "=="
		}
		x := signAndSend(t, s, req, body, creds, idp, "us-west-2", time.Now())
		if x.err != nil {
			t.Fatalf("request %d: %s %s headers %q: %v", i, x.req.Method, x.req.URL, x.req.Header, x.err)
		}
	}
}

// TestAWSTestSuiteVectors checks requests from AWS's published SigV4 test
// suite, parsed off the wire: an oracle independent of the Go SDK.
func TestAWSTestSuiteVectors(t *testing.T) {
	const (
		key    = "AKIDEXAMPLE"
		secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	)
	vectors := []struct {
		name, raw, service string
		now                time.Time
	}{
		{"get-vanilla", "GET / HTTP/1.1\r\nHost: example.amazonaws.com\r\nX-Amz-Date: 20150830T123600Z\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\r\n\r\n",
			"service", time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)},
		{"post-vanilla", "POST / HTTP/1.1\r\nHost: example.amazonaws.com\r\nX-Amz-Date: 20150830T123600Z\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b\r\n\r\n",
			"service", time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)},
		{"get-vanilla-query-order-key-case", "GET /?Param2=value2&Param1=value1 HTTP/1.1\r\nHost: example.amazonaws.com\r\nX-Amz-Date: 20150830T123600Z\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500\r\n\r\n",
			"service", time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)},
		// The 2011 suite dates requests with the Date header.
		{"get-vanilla (Date header)", "GET / HTTP/1.1\r\nHost: host.foo.com\r\nDate: Mon, 09 Sep 2011 23:36:00 GMT\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, SignedHeaders=date;host, Signature=b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470\r\n\r\n",
			"host", time.Date(2011, 9, 9, 23, 40, 0, 0, time.UTC)},
	}
	for _, vec := range vectors {
		t.Run(vec.name, func(t *testing.T) {
			r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(vec.raw)))
			if err != nil {
				t.Fatal(err)
			}
			v := NewVerifier([]Credential{{AccessKeyID: key, SecretAccessKey: secret}}, at(vec.now))
			p, err := v.Verify(r, nil, vec.service)
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "" || p.AccessKeyID != key || p.Region != "us-east-1" {
				t.Fatalf("principal %+v", p)
			}
			if _, err := v.Verify(r, []byte("x"), vec.service); err == nil {
				t.Fatal("a body the vector did not sign verified")
			}
		})
	}
}
