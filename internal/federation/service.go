package federation

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

// Config assembles a Service.
type Config struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
	Pools *pool.Service
	Users *user.Service
	// Triggers runs pre sign-up and inbound federation; nil runs none.
	Triggers *trigger.Service
	// HTTPClient calls upstream providers. When nil, the client of
	// outbound.go: timeouts, a size limit on answers, and no connection
	// to a loopback, private or link-local address unless
	// AllowPrivateUpstreams.
	HTTPClient            *http.Client
	AllowPrivateUpstreams bool
	Log                   *slog.Logger
}

// Service signs users in through upstream providers.
type Service struct {
	store    store.Store
	clock    clock.Clock
	keys     *secrets.Keyring
	pools    *pool.Service
	users    *user.Service
	triggers *trigger.Service
	http     *http.Client
	log      *slog.Logger

	mu        sync.Mutex
	discovery map[string]*discovered  // by issuer
	keySets   map[string]oidc.KeySet  // by JWKS URL
	metadata  map[string]*metadataDoc // by pool, provider and URL
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Keys == nil || cfg.Pools == nil || cfg.Users == nil {
		return nil, errors.New("federation: Store, Clock, Keys, Pools and Users are required")
	}
	s := &Service{
		store: cfg.Store, clock: cfg.Clock, keys: cfg.Keys, pools: cfg.Pools, users: cfg.Users,
		triggers: cfg.Triggers, http: cfg.HTTPClient, log: cfg.Log,
		discovery: map[string]*discovered{}, metadata: map[string]*metadataDoc{},
	}
	if s.http == nil {
		s.http = newUpstreamClient(cfg.AllowPrivateUpstreams)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// ProviderForIdentifier is the name of the provider an idp_identifier
// names in a pool.
func (s *Service) ProviderForIdentifier(ctx context.Context, poolID, identifier string) (string, error) {
	var name string
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		name, err = s.pools.ProviderForIdentifier(ctx, tx, poolID, identifier)
		return err
	})
	return name, err
}

// provider reads a provider's configuration, secrets included.
func (s *Service) provider(ctx context.Context, poolID, name string) (*cognitoidp.IdentityProviderType, error) {
	var idp *cognitoidp.IdentityProviderType
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		idp, err = s.pools.IdentityProviderConfig(ctx, tx, poolID, name)
		return err
	})
	return idp, err
}

// upstreamFailure is an error shown to the client as invalid_request with
// the domain error's message (a trigger's refusal, a disabled user), or,
// for anything else, as server_error after logging it.
func (s *Service) upstreamFailure(ctx context.Context, resume string, err error) error {
	var f *Failure
	if errors.As(err, &f) {
		f.Resume = resume
		return f
	}
	if e, ok := errs.As(err); ok && errs.HTTPStatus(e) < 500 {
		return &Failure{Resume: resume, Code: "invalid_request", Description: e.Message}
	}
	s.log.ErrorContext(ctx, "federation: sign-in", "err", err)
	return &Failure{Resume: resume, Code: "server_error", Description: "The sign-in through the identity provider failed."}
}
