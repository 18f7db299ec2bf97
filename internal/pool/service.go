package pool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
)

// Record kinds owned by this package.
const (
	KindPool = "pool"
)

// Service is the pool control plane.
type Service struct {
	Store     store.Store
	Clock     clock.Clock
	Keys      *secrets.Keyring
	Region    string
	AccountID string
	// PublicURL is cirro's base URL (issuers, hosted-UI links).
	PublicURL string
	// BaseDomain is the parent of prefix domains:
	// <prefix>.auth.<region>.<BaseDomain> (default "localhost").
	BaseDomain string
	// ImportActive reports whether a user import job of the pool is
	// active (internal/userimport, which depends on this package, sets
	// it); UpdateUserPool refuses to change a pool then. Nil: never.
	ImportActive func(ctx context.Context, tx store.Tx, poolID string) (bool, error)

	pools   poolCache   // decoded pools for SharedPool
	clients clientCache // decoded clients for SharedClient
}

// PoolARN is the ARN of a user pool.
func (s *Service) PoolARN(id string) string {
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", s.Region, s.AccountID, id)
}

// getJSON reads a record and decodes its document into v.
func getJSON(ctx context.Context, tx store.Tx, kind, id string, v any) (*store.Record, error) {
	rec, err := tx.Get(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", kind, id, err)
	}
	return rec, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // model types always marshal
	}
	return b
}

// notFound maps a store miss to Cognito's ResourceNotFoundException.
func notFound(err error, msg string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(errs.ResourceNotFoundException, msg)
	}
	return err
}

func decode(rec *store.Record, v any) error {
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", rec.Kind, rec.ID, err)
	}
	return nil
}
