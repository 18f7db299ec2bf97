package identitypool

import (
	"context"
	"errors"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

func describe(id string, d *identityDoc) cognitoidentity.IdentityDescription {
	return cognitoidentity.IdentityDescription{
		IdentityId: &id, Logins: d.providers(),
		CreationDate: shape.NewTime(d.Created), LastModifiedDate: shape.NewTime(d.Modified),
	}
}

// DescribeIdentity returns an identity's dates and the providers of its
// logins.
func (s *Service) DescribeIdentity(ctx context.Context, in *cognitoidentity.DescribeIdentityInput) (*cognitoidentity.IdentityDescription, error) {
	var d *identityDoc
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		_, d, err = getIdentity(ctx, tx, *in.IdentityId)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := describe(*in.IdentityId, d)
	return &out, nil
}

// ListIdentities pages through a pool's identities in id order; with
// HideDisabled, without those whose last login was unlinked.
func (s *Service) ListIdentities(ctx context.Context, in *cognitoidentity.ListIdentitiesInput) (*cognitoidentity.ListIdentitiesResponse, error) {
	poolID := *in.IdentityPoolId
	after, err := pagination.Cursor(s.keys, "ListIdentities", poolID, in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(*in.MaxResults)
	q := store.Query{Kind: KindIdentity, Scope: poolID, After: after, Limit: limit + 1}
	if in.HideDisabled != nil && *in.HideDisabled {
		q.KeyName, q.KeyValue = keyState, "enabled"
	}
	var recs []*store.Record
	err = s.store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := getPool(ctx, tx, poolID); err != nil {
			return err
		}
		recs, err = tx.List(ctx, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidentity.ListIdentitiesResponse{IdentityPoolId: &poolID, Identities: []cognitoidentity.IdentityDescription{}}
	if len(recs) > limit {
		recs = recs[:limit]
		out.NextToken = pagination.Token(s.keys, "ListIdentities", poolID, recs[len(recs)-1].ID)
	}
	for _, rec := range recs {
		var d identityDoc
		if err := decode(rec, &d); err != nil {
			return nil, err
		}
		out.Identities = append(out.Identities, describe(rec.ID, &d))
	}
	return out, nil
}

// DeleteIdentities deletes up to 60 identities, of any pools, together;
// identities that do not exist are already gone and are not reported.
func (s *Service) DeleteIdentities(ctx context.Context, in *cognitoidentity.DeleteIdentitiesInput) (*cognitoidentity.DeleteIdentitiesResponse, error) {
	err := s.store.Write(ctx, func(tx store.Tx) error {
		for _, id := range in.IdentityIdsToDelete {
			if err := tx.Delete(ctx, KindIdentity, id); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.DeleteIdentitiesResponse{UnprocessedIdentityIds: []cognitoidentity.UnprocessedIdentityId{}}, nil
}

// UnlinkIdentity removes providers' logins from an identity. The caller
// proves the identity with one of its current logins. An identity left
// without logins is disabled; the logins removed make new identities
// when they are seen again.
func (s *Service) UnlinkIdentity(ctx context.Context, in *cognitoidentity.UnlinkIdentityInput) error {
	var p *poolDoc
	err := s.store.Read(ctx, func(tx store.Tx) error {
		rec, _, err := getIdentity(ctx, tx, *in.IdentityId)
		if err != nil {
			return err
		}
		p, _, err = getPool(ctx, tx, rec.Scope)
		return err
	})
	if err != nil {
		return err
	}
	logins, err := s.verifyLogins(ctx, p, in.Logins, publicLogins)
	if err != nil {
		return err
	}
	remove := make([]string, 0, len(in.LoginsToRemove))
	for _, name := range in.LoginsToRemove {
		if d := p.Pool.DeveloperProviderName; d != nil && *d == name {
			return invalidParameter("Developer user identifiers are unlinked with UnlinkDeveloperIdentity.")
		}
		if up, ok := s.userPoolOf(name); ok {
			name = s.userPoolProviderName(up)
		}
		remove = append(remove, name)
	}
	return s.store.Write(ctx, func(tx store.Tx) error {
		rec, d, err := getIdentity(ctx, tx, *in.IdentityId)
		if err != nil {
			return err
		}
		if d.disabled() {
			return forbidden(*in.IdentityId)
		}
		if !slices.ContainsFunc(logins, func(l *login) bool { return d.has(l.provider.name, l.subject) }) {
			return notAuthorized(msgLoginsDontMatch)
		}
		return s.removeLogins(ctx, tx, rec, d, func(l linkedLogin) bool { return slices.Contains(remove, l.Provider) })
	})
}

// removeLogins unlinks the logins of an identity that drop selects.
func (s *Service) removeLogins(ctx context.Context, tx store.Tx, rec *store.Record, d *identityDoc, drop func(linkedLogin) bool) error {
	n := len(d.Logins)
	d.Logins = slices.DeleteFunc(d.Logins, drop)
	if len(d.Logins) == n {
		return nil
	}
	d.Modified = s.clock.Now()
	return updateIdentity(ctx, tx, rec, d)
}
