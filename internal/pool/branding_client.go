package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// Branding styles and terms documents hang on app clients, whose records
// (KindClient: id = client id, scope = pool id) the app-client code owns;
// they only need to know that the client exists.

// requireClient checks that a pool exists and has the app client:
// ResourceNotFoundException otherwise, as Cognito answers for an unknown
// pool or client.
func (s *Service) requireClient(ctx context.Context, tx store.Tx, poolID, clientID string) error {
	if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
		return err
	}
	rec, err := tx.Get(ctx, KindClient, clientID)
	if errors.Is(err, store.ErrNotFound) || err == nil && rec.Scope != poolID {
		return errs.New(errs.ResourceNotFoundException, "User pool client "+clientID+" does not exist.")
	}
	return err
}

// ForgetClient deletes what hangs on an app client outside its own record:
// its managed login branding style, its terms documents and its UI
// customization. The app-client
// code calls it in the transaction that deletes the client, so that a
// later client cannot inherit them.
func (s *Service) ForgetClient(ctx context.Context, tx store.Tx, poolID, clientID string) error {
	for _, q := range []store.Query{
		{Kind: KindBranding, Scope: poolID, KeyName: brandingKeyClient, KeyValue: clientID},
		{Kind: KindTerms, Scope: poolID, KeyName: termsKeyClient, KeyValue: clientID},
	} {
		recs, err := tx.List(ctx, q)
		if err != nil {
			return err
		}
		if err := deleteAll(ctx, tx, q.Kind, recs); err != nil {
			return err
		}
	}
	return s.ForgetClientUICustomization(ctx, tx, poolID, clientID)
}
