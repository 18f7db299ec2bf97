package identitypool

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// maxPools is Cognito's default quota of identity pools per account.
const maxPools = 1000

// poolDoc is a pool's record. The configuration is the model's own shape,
// stored as given; roles, mappings and principal-tag maps are set by
// their own operations and kept beside it.
type poolDoc struct {
	Pool          cognitoidentity.IdentityPool           `json:"pool"`
	Roles         map[string]string                      `json:"roles,omitempty"`
	RoleMappings  map[string]cognitoidentity.RoleMapping `json:"role_mappings,omitempty"`
	PrincipalTags map[string]tagMap                      `json:"principal_tags,omitempty"`
	Created       time.Time                              `json:"created"`
}

func (p *poolDoc) id() string { return *p.Pool.IdentityPoolId }

func (p *poolDoc) allowsUnauthenticated() bool {
	return p.Pool.AllowUnauthenticatedIdentities != nil && *p.Pool.AllowUnauthenticatedIdentities
}

// getPool reads a pool; ResourceNotFoundException when it does not exist.
func getPool(ctx context.Context, tx store.Tx, id string) (*poolDoc, *store.Record, error) {
	rec, err := tx.Get(ctx, KindPool, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, poolNotFound(id)
	}
	if err != nil {
		return nil, nil, err
	}
	var p poolDoc
	if err := decode(rec, &p); err != nil {
		return nil, nil, err
	}
	return &p, rec, nil
}

// readPool reads a pool in its own read transaction.
func (s *Service) readPool(ctx context.Context, id string) (*poolDoc, error) {
	var p *poolDoc
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		p, _, err = getPool(ctx, tx, id)
		return err
	})
	return p, err
}

// editPool applies edit to a pool's document and saves it, atomically.
func (s *Service) editPool(ctx context.Context, id string, edit func(*poolDoc) error) (*poolDoc, error) {
	var p *poolDoc
	err := s.store.Write(ctx, func(tx store.Tx) error {
		var rec *store.Record
		var err error
		if p, rec, err = getPool(ctx, tx, id); err != nil {
			return err
		}
		if err := edit(p); err != nil {
			return err
		}
		rec.Data = mustJSON(p)
		return tx.Update(ctx, rec)
	})
	return p, err
}

// CreateIdentityPool creates a pool with an id like us-east-1:<uuid>.
func (s *Service) CreateIdentityPool(ctx context.Context, in *cognitoidentity.CreateIdentityPoolInput) (*cognitoidentity.IdentityPool, error) {
	id := s.region + ":" + uuid.NewString()
	p := &poolDoc{
		Pool: cognitoidentity.IdentityPool{
			IdentityPoolId:                 &id,
			IdentityPoolName:               in.IdentityPoolName,
			AllowUnauthenticatedIdentities: in.AllowUnauthenticatedIdentities,
			AllowClassicFlow:               in.AllowClassicFlow,
			SupportedLoginProviders:        in.SupportedLoginProviders,
			DeveloperProviderName:          in.DeveloperProviderName,
			OpenIdConnectProviderARNs:      in.OpenIdConnectProviderARNs,
			CognitoIdentityProviders:       in.CognitoIdentityProviders,
			SamlProviderARNs:               in.SamlProviderARNs,
			IdentityPoolTags:               in.IdentityPoolTags,
		},
		Created: s.clock.Now(),
	}
	if err := s.checkPoolConfig(&p.Pool); err != nil {
		return nil, err
	}
	if err := checkTags(p.Pool.IdentityPoolTags); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx store.Tx) error {
		// The quota is counted inside the transaction; on PostgreSQL two
		// creators racing for the last slot may both succeed.
		n, err := tx.Count(ctx, store.Query{Kind: KindPool, AnyScope: true})
		if err != nil {
			return err
		}
		if n >= maxPools {
			return errs.Newf(errs.LimitExceededException, "The account has reached its quota of %d identity pools.", maxPools)
		}
		return tx.Insert(ctx, &store.Record{Kind: KindPool, ID: id, Scope: id, Data: mustJSON(p)})
	})
	if err != nil {
		return nil, err
	}
	return &p.Pool, nil
}

// DescribeIdentityPool returns a pool's configuration as stored.
func (s *Service) DescribeIdentityPool(ctx context.Context, in *cognitoidentity.DescribeIdentityPoolInput) (*cognitoidentity.IdentityPool, error) {
	p, err := s.readPool(ctx, *in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return &p.Pool, nil
}

// UpdateIdentityPool replaces a pool's configuration: what the request
// leaves out returns to its default, as Cognito documents — except the
// developer provider name, which can never change once set, and the
// tags, which the tagging operations own and which an update without
// IdentityPoolTags keeps.
func (s *Service) UpdateIdentityPool(ctx context.Context, in *cognitoidentity.IdentityPool) (*cognitoidentity.IdentityPool, error) {
	if err := checkTags(in.IdentityPoolTags); err != nil {
		return nil, err
	}
	p, err := s.editPool(ctx, *in.IdentityPoolId, func(p *poolDoc) error {
		next := *in
		if old := p.Pool.DeveloperProviderName; old != nil {
			if next.DeveloperProviderName != nil && *next.DeveloperProviderName != *old {
				return invalidParameter("DeveloperProviderName %s cannot be changed once it is set.", *old)
			}
			next.DeveloperProviderName = old
		}
		if next.IdentityPoolTags == nil {
			next.IdentityPoolTags = p.Pool.IdentityPoolTags
		}
		// Checked as it will be stored: the kept developer provider name
		// must still differ from every provider's.
		if err := s.checkPoolConfig(&next); err != nil {
			return err
		}
		p.Pool = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p.Pool, nil
}

// DeleteIdentityPool deletes a pool with its identities: they share its
// scope.
func (s *Service) DeleteIdentityPool(ctx context.Context, in *cognitoidentity.DeleteIdentityPoolInput) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := getPool(ctx, tx, *in.IdentityPoolId); err != nil {
			return err
		}
		_, err := tx.DeleteScope(ctx, *in.IdentityPoolId)
		return err
	})
}

// ListIdentityPools pages through every pool, in id order.
func (s *Service) ListIdentityPools(ctx context.Context, in *cognitoidentity.ListIdentityPoolsInput) (*cognitoidentity.ListIdentityPoolsResponse, error) {
	after, err := pagination.Cursor(s.keys, "ListIdentityPools", "", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(*in.MaxResults)
	var recs []*store.Record
	err = s.store.Read(ctx, func(tx store.Tx) (err error) {
		recs, err = tx.List(ctx, store.Query{Kind: KindPool, AnyScope: true, After: after, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidentity.ListIdentityPoolsResponse{IdentityPools: []cognitoidentity.IdentityPoolShortDescription{}}
	if len(recs) > limit {
		recs = recs[:limit]
		out.NextToken = pagination.Token(s.keys, "ListIdentityPools", "", recs[len(recs)-1].ID)
	}
	for _, rec := range recs {
		var p poolDoc
		if err := decode(rec, &p); err != nil {
			return nil, err
		}
		out.IdentityPools = append(out.IdentityPools, cognitoidentity.IdentityPoolShortDescription{
			IdentityPoolId: p.Pool.IdentityPoolId, IdentityPoolName: p.Pool.IdentityPoolName,
		})
	}
	return out, nil
}
