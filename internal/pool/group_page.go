package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// deleteAll deletes records of kind; one already gone is not an error,
// since the point is that none is left.
func deleteAll(ctx context.Context, tx store.Tx, kind string, recs []*store.Record) error {
	for _, rec := range recs {
		if err := tx.Delete(ctx, kind, rec.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// page is one page of a pool's records and the token of the next page
// (nil on the last).
type page struct {
	recs []*store.Record
	next *string
}

// listPage reads one page of the records of kind owned by a pool, in id
// order, for list operation op. It first checks that the pool exists, so
// an unknown pool is ResourceNotFoundException rather than an empty list.
// Tokens are sealed and bound to op and the pool: a token is refused by
// any other operation or pool, and a forged one never reaches the store.
//
// It serves every pool-scoped list of this package (groups, resource
// servers, terms); it and deleteAll live here only because files are
// owned per family.
func (s *Service) listPage(ctx context.Context, tx store.Tx, op, kind, poolID string, token *string, limit int) (page, error) {
	if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
		return page{}, err
	}
	after, err := pagination.Cursor(s.Keys, op, poolID, token)
	if err != nil {
		return page{}, err
	}
	// One record more than asked tells whether another page follows,
	// so the last page never hands out a token that leads nowhere.
	recs, err := tx.List(ctx, store.Query{Kind: kind, Scope: poolID, After: after, Limit: limit + 1})
	if err != nil {
		return page{}, err
	}
	p := page{recs: recs}
	if len(recs) > limit {
		p.recs = recs[:limit]
		p.next = pagination.Token(s.Keys, op, poolID, p.recs[limit-1].ID)
	}
	return p, nil
}
