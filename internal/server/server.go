package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cirrohq/cirro/internal/api"
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/delivery"
	"github.com/cirrohq/cirro/internal/delivery/outbox"
	"github.com/cirrohq/cirro/internal/delivery/outboxhttp"
	"github.com/cirrohq/cirro/internal/device"
	"github.com/cirrohq/cirro/internal/identitypool"
	"github.com/cirrohq/cirro/internal/mfa"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/oauth"
	"github.com/cirrohq/cirro/internal/passkey"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/backend"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/trigger/authhook"
	"github.com/cirrohq/cirro/internal/user"
	"github.com/cirrohq/cirro/internal/userimport"
	"github.com/cirrohq/cirro/internal/wire"
)

// Options are the parts tests replace; zero values mean production.
type Options struct {
	Logger *slog.Logger
	Clock  clock.Clock
	// Store, when set, is used instead of opening cfg.DB.
	Store store.Store
	// Keys, when set, is used instead of loading the master key.
	Keys *secrets.Keyring
}

// Server is an assembled cirro.
type Server struct {
	Config  config.Config
	Store   store.Store
	Keys    *secrets.Keyring
	Handler http.Handler
	Log     *slog.Logger
	API     *api.API

	// Messages delivers email and SMS; Outbox keeps what goes to no real channel.
	Messages *delivery.Router
	Outbox   *outbox.Outbox

	clock    clock.Clock
	tokens   *token.Service
	registry *prometheus.Registry
	httpSrv  *http.Server
	ownStore bool

	// wellKnown serves the pools' discovery documents and JWKS; domains
	// serves the pools' domains (OAuth endpoints, hosted pages).
	wellKnown http.Handler
	domains   *oauth.Handler
}

// New assembles a server from a checked configuration.
func New(ctx context.Context, cfg config.Config, opt Options) (*Server, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	s := &Server{Config: cfg, Log: opt.Logger, Store: opt.Store, Keys: opt.Keys}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	clk := opt.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	if s.Keys == nil {
		kr, err := loadKeys(cfg, s.Log)
		if err != nil {
			return nil, err
		}
		s.Keys = kr
	}
	if s.Store == nil {
		st, err := backend.Open(ctx, cfg.DB)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", redactDSN(cfg.DB), err)
		}
		s.Store, s.ownStore = st, true
	}
	var err error
	if err = checkKeyFingerprint(ctx, s.Store, s.Keys); err != nil {
		s.Close()
		return nil, err
	}

	s.clock = clk
	s.Outbox = outbox.New(s.Store, clk)
	if s.Messages, err = delivery.NewRouter(cfg.Delivery, s.Outbox); err != nil {
		s.Close()
		return nil, fmt.Errorf("delivery: %w", err)
	}
	if s.Messages.UsesOutbox() {
		s.Log.Info("messages without a configured channel go to the outbox", "serve_outbox", cfg.ServeOutbox())
	}

	pools := &pool.Service{Store: s.Store, Clock: clk, Keys: s.Keys, Region: cfg.Region, AccountID: cfg.AccountID, PublicURL: cfg.PublicURL, BaseDomain: "localhost",
		ImportActive: userimport.PoolImportActive}
	users := &user.Service{Store: s.Store, Clock: clk, Keys: s.Keys, Pools: pools, Messages: s.Messages, PublicURL: cfg.PublicURL}
	if cfg.UnsafeFastPasswordHashing {
		s.Log.Warn("unsafe fast password hashing: for test suites only")
		users.Hashing = password.FastParams()
	}
	tokens, err := token.New(token.Config{Store: s.Store, Clock: clk, Keys: s.Keys, PublicURL: cfg.PublicURL, Directory: pools,
		Users: token.UsersFunc(func(ctx context.Context, tx store.Tx, poolID, sub string) (time.Time, bool, error) {
			u, _, err := users.Get(ctx, tx, poolID, sub)
			if errors.Is(err, user.ErrNotFound) {
				return time.Time{}, false, nil
			}
			if err != nil {
				return time.Time{}, false, err
			}
			return u.TokensValidAfter, true, nil
		})})
	if err != nil {
		s.Close()
		return nil, err
	}
	users.OnDelete = append(users.OnDelete, tokens.DeleteUserTokens)
	users.OnDisable = append(users.OnDisable, tokens.RevokeUserTokens)
	s.tokens = tokens
	signIn, err := auth.New(auth.Config{Store: s.Store, Clock: clk, Keys: s.Keys, Pools: pools, Users: users, Tokens: tokens})
	if err != nil {
		s.Close()
		return nil, err
	}
	triggers, err := trigger.New(trigger.Config{Triggers: cfg.Triggers, Region: cfg.Region, Clock: clk, Logger: s.Log})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("triggers: %w", err)
	}
	// Sign-in's triggers (token, password and CUSTOM_AUTH hooks); the
	// directory invokes its own (sign-up, confirmation, messages).
	users.Triggers = triggers
	users.SignUpSession = signIn.SignUpSession
	authhook.Register(signIn, &authhook.Hooks{Triggers: triggers, Users: users, Store: s.Store})
	// MFA and remembered devices: device authentication around the MFA
	// step, as Cognito orders them (device.Service.Register).
	secondFactors := &mfa.Service{Store: s.Store, Clock: clk, Keys: s.Keys, Pools: pools, Users: users, Auth: signIn}
	devices := &device.Service{Store: s.Store, Clock: clk, Keys: s.Keys, Pools: pools, Auth: signIn, Tokens: tokens}
	secondFactors.Register(signIn)
	devices.Register(signIn, secondFactors.Step())
	users.OnDelete = append(users.OnDelete, devices.DeleteUserDevices)
	// Passkeys: WEB_AUTHN as a first factor of USER_AUTH, and their
	// registration.
	passkeys := &passkey.Service{Store: s.Store, Clock: clk, Keys: s.Keys, Pools: pools, Users: users, Auth: signIn}
	passkeys.Register(signIn)
	users.OnDelete = append(users.OnDelete, passkeys.DeleteUserPasskeys)
	identityPools, err := identitypool.New(identitypool.Config{Store: s.Store, Clock: clk, Keys: s.Keys, Region: cfg.Region,
		AccountID: cfg.AccountID, PublicURL: cfg.PublicURL, UserPools: tokens, STS: cfg.STS, Logger: s.Log})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("identity pools: %w", err)
	}
	s.API = &api.API{
		Pools:    pools,
		Users:    users,
		Tokens:   tokens,
		Auth:     signIn,
		MFA:      secondFactors,
		Devices:  devices,
		Passkeys: passkeys,
		Triggers: triggers,
	}
	s.API.IdentityPools = identityPools
	if s.API.Limits, err = pool.NewLimits(pool.LimitsConfig{Store: s.Store, Clock: clk, Enforce: cfg.Quotas.Enforce, Max: cfg.Quotas.Max}); err != nil {
		s.Close()
		return nil, err
	}
	s.API.Imports = &userimport.Service{Store: s.Store, Clock: clk, Keys: s.Keys, Pools: pools, Users: users,
		Log: s.Log, PublicURL: cfg.PublicURL}
	if err := s.mountDomains(pools, users, tokens, signIn); err != nil {
		s.Close()
		return nil, err
	}
	s.registry = prometheus.NewRegistry()
	metrics := newMetrics(s.registry)

	var iam wire.IAM
	if cfg.DevMode() {
		s.Log.Warn("development mode: no access keys configured and listening on loopback, so admin operations accept any signature", "addr", cfg.Addr)
	} else {
		iam = newIAM(cfg)
		if len(cfg.AccessKeys) == 0 {
			s.Log.Warn("--insecure: serving a non-loopback address without access keys; every admin operation will be refused", "addr", cfg.Addr)
		}
	}
	idp := s.API.IdentityProvider()
	identity := s.API.Identity()
	edge := wire.New(wire.Config{
		Services: []wire.Service{
			s.stackService(),
			{TargetPrefix: cognitoidp.TargetPrefix, SigningName: cognitoidp.SigningName, Operations: idp.Operations(),
				ScopeARN: s.API.Pools.PoolARN},
			{TargetPrefix: cognitoidentity.TargetPrefix, SigningName: cognitoidentity.SigningName, Operations: identity.Operations(),
				ScopeARN: func(id string) string {
					return fmt.Sprintf("arn:aws:cognito-identity:%s:%s:identitypool/%s", cfg.Region, cfg.AccountID, id)
				}},
		},
		IAM:      iam,
		Logger:   s.Log,
		Observer: metrics.observe,
		Admit:    s.API.Limits.Admit,
	})
	s.Handler = s.routes(edge)
	return s, nil
}

// routes lays out the HTTP surface.
func (s *Server) routes(edge http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /{$}", edge)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain")
		if err := s.Store.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "store unavailable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", metricsHandler(s.registry))
	mux.Handle("GET /confirmUser", s.confirmLinkHandler())
	// The PreSignedUrl of CSV user import jobs (the URL is the credential).
	mux.Handle("PUT /_cirro/import/{pool}/{job}", s.API.Imports.UploadHandler())
	// The identity pools' issuer: discovery document and JWKS.
	mux.Handle("GET /identitypool/.well-known/", s.API.IdentityPools.DiscoveryHandler())
	// Per-pool JWKS and discovery documents (/<poolId>/.well-known/…).
	// A catch-all, since a pattern with a leading wildcard would conflict
	// with the fixed paths above; unknown paths get a JSON 404.
	mux.Handle("GET /", s.wellKnown)
	// UICustomization logos, at the ImageUrl the control plane gives out.
	mux.Handle("GET /ui-assets/", s.domains.LogoHandler())
	if s.Config.ServeOutbox() {
		mux.Handle("GET /_cirro/", outboxhttp.Handler(s.Outbox))
	}
	// Requests for a pool's domain (by host name, or /domain/<prefix>/…
	// and /<poolId>/oauth2/… paths) go to the domain; the rest to mux.
	return s.domains.Wrap(mux)
}

// Serve accepts connections on l until ctx is cancelled, then shuts down
// gracefully: in-flight requests finish (up to grace) before it returns.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	s.httpSrv = &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- s.httpSrv.Serve(l) }()
	sweepCtx, stopSweep := context.WithCancel(ctx)
	defer stopSweep()
	go s.sweep(sweepCtx, time.Minute)
	// Import jobs left running by a previous process go on where they stopped.
	if s.API != nil && s.API.Imports != nil {
		if err := s.API.Imports.Resume(ctx); err != nil {
			s.Log.Warn("cannot resume user import jobs", "error", err)
		}
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: finishing in-flight requests", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := s.httpSrv.Shutdown(sctx)
	// Import runners stop between two batches; their jobs resume at the next start.
	if s.API != nil && s.API.Imports != nil {
		s.API.Imports.Close()
	}
	if err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close releases the store if the server opened it.
func (s *Server) Close() error {
	if s.API != nil && s.API.Imports != nil {
		s.API.Imports.Close()
	}
	if s.ownStore && s.Store != nil {
		return s.Store.Close()
	}
	return nil
}

func loadKeys(cfg config.Config, log *slog.Logger) (*secrets.Keyring, error) {
	if v := os.Getenv("CIRRO_MASTER_KEY"); v != "" {
		k, err := secrets.ParseKey(v)
		if err != nil {
			return nil, fmt.Errorf("CIRRO_MASTER_KEY: %w", err)
		}
		return secrets.New(k)
	}
	if cfg.DB == "memory" && cfg.MasterKeyFile == "" {
		return secrets.Random(), nil
	}
	kr, created, err := secrets.LoadOrCreateFile(cfg.MasterKeyFile)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	if created {
		log.Warn("created a new master key; keep it safe and give every node the same one", "file", cfg.MasterKeyFile)
	}
	return kr, nil
}
