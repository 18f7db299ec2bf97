package cirrotest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/server"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/backend"
)

// Server is a running in-process cirro.
type Server struct {
	// URL is the base URL of the API (http://127.0.0.1:port).
	URL string
	// Region is the region clients are configured for.
	Region string
	// AccessKeyID and SecretAccessKey sign admin operations.
	AccessKeyID, SecretAccessKey string

	srv       *server.Server
	t         testing.TB
	transport *http.Transport
}

type settings struct {
	cfg    config.Config
	opts   server.Options
	db     string
	pgBase string
	logOut io.Writer
	wrap   func(store.Store) store.Store
}

// Option changes how Start configures the server.
type Option func(*settings)

// WithDB selects the store: "memory" (the default), "sqlite:PATH" or a
// postgres:// DSN.
func WithDB(spec string) Option { return func(s *settings) { s.db = spec } }

// WithRegion sets the region (default us-east-1).
func WithRegion(region string) Option { return func(s *settings) { s.cfg.Region = region } }

// WithDevMode starts without access keys: admin operations accept any
// signature, as `cirro serve` on loopback does.
func WithDevMode() Option { return func(s *settings) { s.cfg.AccessKeys = nil } }

// WithLogs sends the server's logs to w (default: discarded).
func WithLogs(w io.Writer) Option { return func(s *settings) { s.logOut = w } }

// WithClock starts the server on a fake clock that the test moves.
func WithClock(c *clock.Fake) Option { return func(s *settings) { s.opts.Clock = c } }

// WithConfig edits the server configuration directly (cirro's own tests).
func WithConfig(f func(*config.Config)) Option { return func(s *settings) { f(&s.cfg) } }

// WithStoreWrapper puts wrap(store) between the server and the store it
// opens, for cirro's own tests that count or disturb store calls
// (storetest.NewCounting). The harness still closes the store it opened.
func WithStoreWrapper(wrap func(store.Store) store.Store) Option {
	return func(s *settings) { s.wrap = wrap }
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB, options ...Option) *Server {
	t.Helper()
	st := &settings{cfg: config.Default(), db: "memory"}
	st.cfg.Addr = "127.0.0.1:0"
	st.cfg.MasterKeyFile = ""
	// Thousands of test users must cost nothing; cirro refuses this setting
	// anywhere but on loopback.
	st.cfg.UnsafeFastPasswordHashing = true
	st.cfg.AccessKeys = []config.AccessKey{{
		Name: "cirrotest", ID: "AKIA" + ids.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
		Secret: ids.Secret(30), Actions: []string{"*"}, Resources: []string{"*"},
	}}
	for _, o := range options {
		o(st)
	}
	if st.pgBase != "" {
		st.db = freshSchema(t, st.pgBase)
	}
	st.cfg.DB = st.db
	if st.opts.Keys == nil {
		st.opts.Keys = secrets.Random() // secrets at rest in a test die with it
	}
	if st.logOut == nil {
		st.logOut = io.Discard
	}
	st.opts.Logger = slog.New(slog.NewTextHandler(st.logOut, &slog.HandlerOptions{Level: slog.LevelDebug}))

	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cirrotest: listen: %v", err)
	}
	st.cfg.Addr = l.Addr().String()
	if st.opts.Store == nil {
		s, err := backend.Open(ctx, st.cfg.DB)
		if err != nil {
			t.Fatalf("cirrotest: open store: %v", err)
		}
		st.opts.Store = s
		t.Cleanup(func() { s.Close() })
	}
	if st.wrap != nil {
		st.opts.Store = st.wrap(st.opts.Store)
	}
	srv, err := server.New(ctx, st.cfg, st.opts)
	if err != nil {
		l.Close()
		t.Fatalf("cirrotest: %v", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The grace must exceed net/http's own 5 s: Shutdown counts a
		// connection accepted but not yet used (a client's dial that its
		// cancelled request left behind) as busy until it is 5 s old, and
		// a grace of exactly 5 s then expires first.
		if err := srv.Serve(sctx, l, 10*time.Second); err != nil {
			t.Errorf("cirrotest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	// Each server gets its own transport: a shared one could hand a new
	// server's request an idle connection to an earlier server that
	// listened on the same port.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	s := &Server{URL: "http://" + l.Addr().String(), Region: st.cfg.Region, srv: srv, t: t, transport: tr}
	if len(st.cfg.AccessKeys) > 0 {
		s.AccessKeyID, s.SecretAccessKey = st.cfg.AccessKeys[0].ID, st.cfg.AccessKeys[0].Secret
	} else {
		s.AccessKeyID, s.SecretAccessKey = "AKIDDEVMODE", "dev-mode-accepts-any-signature"
	}
	return s
}

// AWSConfig is an SDK configuration for this server: its region, its
// access key, and no retries (a test should see the first answer).
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:           s.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Timeout: 60 * time.Second, Transport: BufferedBodies(s.transport)},
	}
}

// IdentityProvider returns a cognito-idp client for this server.
func (s *Server) IdentityProvider(opts ...func(*cognitoidentityprovider.Options)) *cognitoidentityprovider.Client {
	return cognitoidentityprovider.NewFromConfig(s.AWSConfig(), opts...)
}

// Identity returns a cognito-identity client for this server.
func (s *Server) Identity(opts ...func(*cognitoidentity.Options)) *cognitoidentity.Client {
	return cognitoidentity.NewFromConfig(s.AWSConfig(), opts...)
}

// Internal exposes the assembled server to cirro's own tests.
func (s *Server) Internal() *server.Server { return s.srv }

// BufferedBodies wraps base so that it gets a private copy of each request
// body: use it for SDK clients of any cirro a test starts itself (a child
// process, a server on a file database).
// The SDK closes its request body stream as soon as the response arrives;
// against a server as fast as an in-process cirro that can happen while
// the transport is still making its final end-of-body read, which then
// fails and tears down the connection under the response being read
// ("use of closed network connection"). A private copy cannot be closed
// from outside.
func BufferedBodies(base http.RoundTripper) http.RoundTripper { return bufferedBodies{base} }

type bufferedBodies struct{ base http.RoundTripper }

func (b bufferedBodies) RoundTrip(req *http.Request) (*http.Response, error) {
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
	return b.base.RoundTrip(req)
}
