package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// A resource server is stored as the model's ResourceServerType under
// poolID/identifier. App-client code reads these records to check the
// identifier/scope OAuth scopes a client asks for (ResourceServerScopes),
// so the document format is part of this package's contract.
const KindResourceServer = "resourceserver"

const (
	// maxResourceServersPerPool is Cognito's quota "Resource servers per
	// user pool: 25" (developer guide, quotas).
	maxResourceServersPerPool = 25
	// defaultResourceServerListLimit applies when MaxResults is omitted;
	// it is the model's maximum (1–50).
	defaultResourceServerListLimit = 50
)

func resourceServerID(poolID, identifier string) string { return poolID + "/" + identifier }

func resourceServerNotFound(identifier string) string {
	return "Resource server " + identifier + " does not exist."
}

func (s *Service) resourceServer(ctx context.Context, tx store.Tx, poolID, identifier string) (*cognitoidp.ResourceServerType, *store.Record, error) {
	var rs cognitoidp.ResourceServerType
	rec, err := getJSON(ctx, tx, KindResourceServer, resourceServerID(poolID, identifier), &rs)
	if err != nil {
		return nil, nil, notFound(err, resourceServerNotFound(identifier))
	}
	return &rs, rec, nil
}

// checkScopes refuses a scope name given twice: the access token carries
// identifier/scope strings, so two scopes with one name would be one scope
// with two descriptions. (The model already caps the list at 100, Cognito's
// "scopes per resource server" quota, and constrains each name.)
func checkScopes(scopes []cognitoidp.ResourceServerScopeType) ([]cognitoidp.ResourceServerScopeType, error) {
	seen := make(map[string]bool, len(scopes))
	for _, sc := range scopes {
		if seen[*sc.ScopeName] {
			return nil, errs.Newf(errs.InvalidParameterException, "Scope %s is defined more than once.", *sc.ScopeName)
		}
		seen[*sc.ScopeName] = true
	}
	if scopes == nil {
		// Describe returns "Scopes": [] for a server without scopes.
		scopes = []cognitoidp.ResourceServerScopeType{}
	}
	return scopes, nil
}

// CreateResourceServer defines a resource server and its custom scopes.
func (s *Service) CreateResourceServer(ctx context.Context, in *cognitoidp.CreateResourceServerRequest) (*cognitoidp.CreateResourceServerResponse, error) {
	poolID, identifier := *in.UserPoolId, *in.Identifier
	scopes, err := checkScopes(in.Scopes)
	if err != nil {
		return nil, err
	}
	rs := &cognitoidp.ResourceServerType{UserPoolId: &poolID, Identifier: &identifier, Name: in.Name, Scopes: scopes}
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		// Exclusive: the count below must stay true until the insert commits.
		if err := s.LockPool(ctx, tx, poolID, store.LockExclusive); err != nil {
			return err
		}
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		n, err := tx.Count(ctx, store.Query{Kind: KindResourceServer, Scope: poolID})
		if err != nil {
			return err
		}
		if n >= maxResourceServersPerPool {
			return errs.Newf(errs.LimitExceededException, "The user pool has reached its limit of %d resource servers.", maxResourceServersPerPool)
		}
		err = tx.Insert(ctx, &store.Record{Kind: KindResourceServer, ID: resourceServerID(poolID, identifier), Scope: poolID, Data: mustJSON(rs)})
		if errors.Is(err, store.ErrExists) {
			return errs.Newf(errs.InvalidParameterException, "%s already exists in user pool %s.", identifier, poolID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateResourceServerResponse{ResourceServer: rs}, nil
}

// DescribeResourceServer returns a resource server.
func (s *Service) DescribeResourceServer(ctx context.Context, in *cognitoidp.DescribeResourceServerRequest) (*cognitoidp.DescribeResourceServerResponse, error) {
	var rs *cognitoidp.ResourceServerType
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var err error
		rs, _, err = s.resourceServer(ctx, tx, *in.UserPoolId, *in.Identifier)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeResourceServerResponse{ResourceServer: rs}, nil
}

// ListResourceServers pages through a pool's resource servers in
// identifier order.
func (s *Service) ListResourceServers(ctx context.Context, in *cognitoidp.ListResourceServersRequest) (*cognitoidp.ListResourceServersResponse, error) {
	limit := defaultResourceServerListLimit
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	var p page
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		p, err = s.listPage(ctx, tx, "ListResourceServers", KindResourceServer, *in.UserPoolId, in.NextToken, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListResourceServersResponse{ResourceServers: make([]cognitoidp.ResourceServerType, len(p.recs)), NextToken: p.next}
	for i, rec := range p.recs {
		if err := decode(rec, &out.ResourceServers[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateResourceServer replaces the name and the scopes. As the operation's
// documentation says, "If you don't provide a value for an attribute, it is
// set to the default value": scopes left out are removed.
func (s *Service) UpdateResourceServer(ctx context.Context, in *cognitoidp.UpdateResourceServerRequest) (*cognitoidp.UpdateResourceServerResponse, error) {
	scopes, err := checkScopes(in.Scopes)
	if err != nil {
		return nil, err
	}
	var rs *cognitoidp.ResourceServerType
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var rec *store.Record
		var err error
		rs, rec, err = s.resourceServer(ctx, tx, *in.UserPoolId, *in.Identifier)
		if err != nil {
			return err
		}
		rs.Name, rs.Scopes = in.Name, scopes
		rec.Data = mustJSON(rs)
		return notFound(tx.Update(ctx, rec), resourceServerNotFound(*in.Identifier))
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateResourceServerResponse{ResourceServer: rs}, nil
}

// DeleteResourceServer deletes a resource server. App clients that allow
// its scopes keep them in their configuration, as in Cognito; they simply
// can no longer obtain them.
func (s *Service) DeleteResourceServer(ctx context.Context, in *cognitoidp.DeleteResourceServerRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		if _, _, err := s.resourceServer(ctx, tx, *in.UserPoolId, *in.Identifier); err != nil {
			return err
		}
		err := tx.Delete(ctx, KindResourceServer, resourceServerID(*in.UserPoolId, *in.Identifier))
		return notFound(err, resourceServerNotFound(*in.Identifier))
	})
}

// ResourceServerScopes returns every custom scope of a pool in the form an
// app client lists and an access token carries: "identifier/scope".
func (s *Service) ResourceServerScopes(ctx context.Context, tx store.Tx, poolID string) (map[string]bool, error) {
	recs, err := tx.List(ctx, store.Query{Kind: KindResourceServer, Scope: poolID})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, rec := range recs {
		var rs cognitoidp.ResourceServerType
		if err := decode(rec, &rs); err != nil {
			return nil, err
		}
		for _, sc := range rs.Scopes {
			out[*rs.Identifier+"/"+*sc.ScopeName] = true
		}
	}
	return out, nil
}
