package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
)

const (
	// DefaultPublishDelay is how long a rotated key is published before it
	// signs. Relying parties commonly cache a JWKS for minutes; an hour
	// leaves every reasonable cache time to pick the key up.
	DefaultPublishDelay = time.Hour
	// DefaultKeyCacheTTL bounds how stale a node's copy of a pool's keys
	// may be. It must stay well below the publish delay, so that every
	// node has seen a rotated key before the key signs.
	DefaultKeyCacheTTL = 30 * time.Second
	// MaxTokenValidity is the longest an ID or access token can live
	// (model: "AccessTokenValidity duration can range from five minutes to
	// one day"; the same for ID tokens). It bounds how long a superseded
	// key and a revoked origin must be remembered.
	MaxTokenValidity = 24 * time.Hour
	// retireLeeway keeps a superseded key published a little longer than
	// its last token can live, for verifiers whose clocks run behind.
	retireLeeway = 5 * time.Minute
)

// Directory is what the token service reads of the control plane:
// *pool.Service implements it. Both methods answer ResourceNotFoundException
// for what does not exist.
type Directory interface {
	Pool(ctx context.Context, tx store.Tx, id string) (*cognitoidp.UserPoolType, *store.Record, error)
	Client(ctx context.Context, tx store.Tx, clientID string) (*cognitoidp.UserPoolClientType, error)
}

// Users reads the one fact about a user that revocation needs. It is a
// port rather than an import because the user directory revokes tokens
// when it disables or deletes a user, and so depends on this package.
type Users interface {
	// TokensValidAfter returns the instant before which the user's tokens
	// are revoked (zero if never), and exists=false when the user is gone.
	TokensValidAfter(ctx context.Context, tx store.Tx, poolID, sub string) (t time.Time, exists bool, err error)
}

// UsersFunc adapts a function to Users.
type UsersFunc func(ctx context.Context, tx store.Tx, poolID, sub string) (time.Time, bool, error)

// TokensValidAfter calls f.
func (f UsersFunc) TokensValidAfter(ctx context.Context, tx store.Tx, poolID, sub string) (time.Time, bool, error) {
	return f(ctx, tx, poolID, sub)
}

// Config assembles a Service.
type Config struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
	// PublicURL is cirro's base URL; a pool's issuer (the tokens' iss) is
	// PublicURL + "/" + poolID, as Cognito's is
	// https://cognito-idp.<region>.amazonaws.com/<poolID>.
	PublicURL string
	Directory Directory
	Users     Users
	// PublishDelay and KeyCacheTTL default to DefaultPublishDelay and
	// DefaultKeyCacheTTL. PublishDelay must not be shorter than KeyCacheTTL.
	PublishDelay time.Duration
	KeyCacheTTL  time.Duration
}

// Service issues and verifies tokens. It is safe for concurrent use, and
// several Services (nodes) may share one store.
type Service struct {
	store     store.Store
	clock     clock.Clock
	sealer    *secrets.Keyring
	dir       Directory
	users     Users
	publicURL string

	publishDelay time.Duration
	cacheTTL     time.Duration
	cache        keyCache
	// newKey makes key pairs; tests replace it with pre-generated keys
	// because RSA key generation dominates their run time.
	newKey func() (*rsa.PrivateKey, error)
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Keys == nil || cfg.Directory == nil || cfg.Users == nil {
		return nil, errors.New("token: Store, Clock, Keys, Directory and Users are required")
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("token: PublicURL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	if cfg.PublishDelay == 0 {
		cfg.PublishDelay = DefaultPublishDelay
	}
	if cfg.KeyCacheTTL == 0 {
		cfg.KeyCacheTTL = DefaultKeyCacheTTL
	}
	if cfg.PublishDelay < cfg.KeyCacheTTL {
		return nil, fmt.Errorf("token: PublishDelay %v is shorter than KeyCacheTTL %v: a node could sign with a key the others have not loaded yet", cfg.PublishDelay, cfg.KeyCacheTTL)
	}
	return &Service{
		store: cfg.Store, clock: cfg.Clock, sealer: cfg.Keys, dir: cfg.Directory, users: cfg.Users,
		publicURL:    strings.TrimRight(cfg.PublicURL, "/"),
		publishDelay: cfg.PublishDelay,
		cacheTTL:     cfg.KeyCacheTTL,
		newKey:       func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) },
	}, nil
}

// Issuer is the iss of the pool's tokens and the base of its discovery
// document.
func (s *Service) Issuer(poolID string) string { return s.publicURL + "/" + poolID }

// poolIDPattern is the model's UserPoolIdType. Checking it before any store
// access keeps arbitrary issuer strings from reaching the database.
var poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

// ValidPoolID reports whether id has the shape of a user pool id.
func ValidPoolID(id string) bool { return len(id) <= 55 && poolIDPattern.MatchString(id) }

// poolOf extracts the pool id from an issuer of this service.
func (s *Service) poolOf(iss string) (string, bool) {
	id, ok := strings.CutPrefix(iss, s.publicURL+"/")
	if !ok || !ValidPoolID(id) {
		return "", false
	}
	return id, true
}

// PoolExists reports whether a user pool exists.
func (s *Service) PoolExists(ctx context.Context, poolID string) (bool, error) {
	if !ValidPoolID(poolID) {
		return false, nil
	}
	var exists bool
	err := s.store.Read(ctx, func(tx store.Tx) error {
		_, _, err := s.dir.Pool(ctx, tx, poolID)
		exists = err == nil
		if isNotFound(err) {
			return nil
		}
		return err
	})
	return exists, err
}

// isNotFound reports a missing pool, client or record, as the directory
// (ResourceNotFoundException) or the store (ErrNotFound) says it.
func isNotFound(err error) bool {
	return errs.Is(err, errs.ResourceNotFoundException) || errors.Is(err, store.ErrNotFound)
}
