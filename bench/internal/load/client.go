package load

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// RequestTimeout bounds every request: a server that hangs shows up as a
// timeout error, never as a stuck run.
const RequestTimeout = 10 * time.Second

// Credentials sign admin operations. cirro in development mode and the
// emulators accept any key; a cirro with access keys needs real ones
// (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by the command).
type Credentials struct{ ID, Secret string }

// DevCredentials are accepted by cirro in development mode and by the
// emulators.
var DevCredentials = Credentials{ID: "AKIDCIRROBENCH", Secret: "cirro-bench-any-secret"}

// NewClient returns an SDK client for endpoint, which must be loopback,
// with retries off (the first answer is the one measured) and a
// connection pool sized for conns concurrent requests.
func NewClient(endpoint, region string, creds Credentials, conns int) (*cognitoidentityprovider.Client, error) {
	if err := CheckLoopback(endpoint); err != nil {
		return nil, err
	}
	tr := &http.Transport{
		DialContext:         loopbackDialer(),
		MaxIdleConns:        conns + 8,
		MaxIdleConnsPerHost: conns + 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	cfg := aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(creds.ID, creds.Secret, ""),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 1,
		Retryer:          func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:       &http.Client{Timeout: RequestTimeout, Transport: privateBodies{tr}},
	}
	return cognitoidentityprovider.NewFromConfig(cfg), nil
}

// privateBodies hands the transport its own copy of each request body.
// The SDK closes its body stream as soon as the response arrives; against
// a fast local server that can happen while the transport is still making
// its end-of-body read, which then tears down the connection under the
// response ("use of closed network connection") and would be counted as a
// server error. cirrotest does the same for the same reason.
type privateBodies struct{ base http.RoundTripper }

func (p privateBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return p.base.RoundTrip(req)
}

// Client is the SDK client the load runs through.
type Client = cognitoidentityprovider.Client
