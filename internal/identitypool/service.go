package identitypool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// Record kinds owned by this package.
const (
	KindPool     = "identitypool"
	KindIdentity = "identity"
	kindKey      = "identitypoolkey"
)

// UserPools verifies cirro user pools' ID tokens; *token.Service
// implements it.
type UserPools interface {
	VerifyID(ctx context.Context, idToken string) (*token.IDClaims, error)
	CheckIDLive(ctx context.Context, c *token.IDClaims) error
}

// Config assembles a Service.
type Config struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
	// Region is the prefix of pool and identity ids; AccountID appears in
	// pool ARNs.
	Region    string
	AccountID string
	// PublicURL is cirro's base URL: user pools' issuers hang under it,
	// and so does the identity pools' own issuer.
	PublicURL string
	UserPools UserPools
	// STS is where credentials come from; without an endpoint
	// GetCredentialsForIdentity refuses.
	STS config.STSConfig
	// HTTPClient reaches STS and OpenID Connect providers; the default
	// times out after 15 seconds.
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Service implements the cognito-identity operations. It is safe for
// concurrent use; several Services (nodes) may share one store.
type Service struct {
	store     store.Store
	clock     clock.Clock
	keys      *secrets.Keyring
	region    string
	accountID string
	publicURL string
	// hostPrefix is the public URL without its scheme, plus "/": the
	// start of every cirro user pool's provider name.
	hostPrefix string
	userPools  UserPools
	sts        *stsExchange
	oidc       *oidcVerifier
	log        *slog.Logger

	keyMu sync.Mutex
	key   *signingKey
	// newKey makes the signing key pair; tests replace it because RSA key
	// generation dominates their run time.
	newKey func() (*rsa.PrivateKey, error)
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Keys == nil || cfg.UserPools == nil {
		return nil, errors.New("identitypool: Store, Clock, Keys and UserPools are required")
	}
	if cfg.Region == "" || cfg.AccountID == "" {
		return nil, errors.New("identitypool: Region and AccountID are required")
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("identitypool: PublicURL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	publicURL := strings.TrimRight(cfg.PublicURL, "/")
	s := &Service{
		store: cfg.Store, clock: cfg.Clock, keys: cfg.Keys,
		region: cfg.Region, accountID: cfg.AccountID,
		publicURL:  publicURL,
		hostPrefix: strings.TrimPrefix(strings.TrimPrefix(publicURL, "https://"), "http://") + "/",
		userPools:  cfg.UserPools,
		oidc:       newOIDCVerifier(cfg.HTTPClient, cfg.Clock),
		log:        cfg.Logger,
		newKey:     func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) },
	}
	if s.sts, err = newSTS(cfg.STS, cfg.Region, cfg.HTTPClient, cfg.Logger); err != nil {
		return nil, err
	}
	return s, nil
}

// PoolARN is the ARN of an identity pool, as IAM grants and the tagging
// operations name it.
func (s *Service) PoolARN(id string) string {
	return fmt.Sprintf("arn:aws:cognito-identity:%s:%s:identitypool/%s", s.region, s.accountID, id)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // model types and our documents always marshal
	}
	return b
}

func decode(rec *store.Record, v any) error {
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return fmt.Errorf("identitypool: decode %s %s: %w", rec.Kind, rec.ID, err)
	}
	return nil
}
