package sigv4

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
)

// FuzzVerify drives the whole check with hostile headers, paths and
// queries: it must fail with an *errs.Error, never panic, and never accept
// a signature it did not compute.
func FuzzVerify(f *testing.F) {
	f.Add(sdkHeader, "20261123T101010Z", "", "/", "", "host;x-amz-date", "{}")
	f.Add("AWS4-HMAC-SHA256 Credential="+testKeyID+"/20261123/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
		"20261123T101010Z", "Mon, 23 Nov 2026 10:10:10 GMT", "/a%2Fb/../c", "b=2&a=1&a=%zz;x", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential="+testKeyID+"/20261123/us-east-1/cognito-idp/aws4_request, SignedHeaders=:authority;content-length;transfer-encoding;x-amz-target, Signature=00",
		"", "Mon, 23 Nov 2026 10:10:10 GMT", "", "?", "", "\x00")
	now := time.Date(2026, 11, 23, 10, 10, 10, 0, time.UTC)
	v := NewVerifier(testCreds, at(now))
	f.Fuzz(func(t *testing.T, authz, amzDate, date, path, query, header, body string) {
		r := &http.Request{
			Method: http.MethodPost,
			URL:    &url.URL{Path: path, RawQuery: query},
			Header: http.Header{
				"Authorization": {authz},
				"X-Amz-Date":    {amzDate},
				"Date":          {date},
				"X-Fuzz":        {header},
			},
			Host:          "localhost:8080",
			ContentLength: int64(len(body)),
		}
		p, err := v.Verify(r, []byte(body), idp)
		if err == nil {
			t.Fatalf("accepted %q with principal %+v", authz, p)
		}
		if _, ok := errs.As(err); !ok {
			t.Fatalf("%T is not an *errs.Error: %v", err, err)
		}
	})
}
