package pool

import (
	"context"
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// KindClient is the record kind of app clients. The record's ID is the
// client id, unique across every pool, because the sign-in operations
// receive a ClientId alone and must find the pool from it; its Scope is
// the pool id, so deleting the pool deletes its clients.
const KindClient = "client"

const (
	// maxClientsPerPool is Cognito's default quota of app clients per
	// user pool (Developer Guide, "Quotas": 1,000).
	maxClientsPerPool = 1000
	// defaultListClients is the page size when MaxResults is left out.
	defaultListClients = 60
)

// clientDoc is the document of a client record: the configuration in the
// model's own shape, so that Describe returns what was stored, and the
// secrets beside it, sealed, so that the record never holds a secret in
// plain text. Client.ClientSecret is always nil here.
type clientDoc struct {
	Client  cognitoidp.UserPoolClientType `json:"Client"`
	Secrets []clientSecret                `json:"Secrets,omitzero"`
}

func clientNotFound(id string) error {
	return errs.New(errs.ResourceNotFoundException, "User pool client "+id+" does not exist.")
}

// CreateUserPoolClient creates an app client with Cognito's defaults for
// whatever the request leaves out.
func (s *Service) CreateUserPoolClient(ctx context.Context, in *cognitoidp.CreateUserPoolClientRequest) (*cognitoidp.CreateUserPoolClientResponse, error) {
	generate := in.GenerateSecret != nil && *in.GenerateSecret
	if generate && in.ClientSecret != nil {
		return nil, errs.New(errs.InvalidParameterException, "You cannot specify both GenerateSecret as true and provide a ClientSecret value.")
	}
	settings, err := clientSettings(in)
	if err != nil {
		return nil, err
	}
	poolID := *in.UserPoolId
	var out *cognitoidp.UserPoolClientType
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		// Exclusive: the count below must stay true until the insert commits.
		if err := s.LockPool(ctx, tx, poolID, store.LockExclusive); err != nil {
			return err
		}
		p, _, err := s.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		n, err := tx.Count(ctx, store.Query{Kind: KindClient, Scope: poolID})
		if err != nil {
			return err
		}
		if n >= maxClientsPerPool {
			return errs.Newf(errs.LimitExceededException, "The user pool %s has reached the limit of %d app clients.", poolID, maxClientsPerPool)
		}
		now := s.Clock.Now()
		id := ids.ClientID()
		doc := &clientDoc{Client: *settings}
		c := &doc.Client
		c.ClientId, c.UserPoolId = &id, &poolID
		c.CreationDate, c.LastModifiedDate = shape.NewTime(now), shape.NewTime(now)
		secret := ""
		switch {
		case generate:
			secret = newClientSecretValue()
		case in.ClientSecret != nil:
			secret = *in.ClientSecret
		}
		if secret != "" {
			doc.Secrets = []clientSecret{s.sealClientSecret(id, secret, now, nil)}
		}
		if err := s.checkClient(ctx, tx, p, doc, "creating"); err != nil {
			return err
		}
		err = tx.Insert(ctx, &store.Record{Kind: KindClient, ID: id, Scope: poolID, Data: mustJSON(doc)})
		if errors.Is(err, store.ErrExists) {
			// An id collision (36^26 ids): run again with a fresh id.
			return fmt.Errorf("client id %s taken: %w", id, store.ErrConflict)
		}
		if err != nil {
			return err
		}
		out, err = s.presentClient(doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateUserPoolClientResponse{UserPoolClient: out}, nil
}

// DescribeUserPoolClient returns a client's configuration and secret.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *cognitoidp.DescribeUserPoolClientRequest) (*cognitoidp.DescribeUserPoolClientResponse, error) {
	var out *cognitoidp.UserPoolClientType
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		_, doc, _, err := s.poolClient(ctx, tx, *in.UserPoolId, *in.ClientId)
		if err != nil {
			return err
		}
		out, err = s.presentClient(doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeUserPoolClientResponse{UserPoolClient: out}, nil
}

// UpdateUserPoolClient replaces a client's whole configuration, as
// Cognito does: members the request leaves out go back to their defaults.
// The name, which has no default, is kept when left out; the secrets are
// not configuration and are kept.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *cognitoidp.UpdateUserPoolClientRequest) (*cognitoidp.UpdateUserPoolClientResponse, error) {
	settings, err := clientSettings(in)
	if err != nil {
		return nil, err
	}
	var out *cognitoidp.UserPoolClientType
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		p, old, rec, err := s.poolClient(ctx, tx, *in.UserPoolId, *in.ClientId)
		if err != nil {
			return err
		}
		doc := &clientDoc{Client: *settings, Secrets: old.Secrets}
		c := &doc.Client
		c.ClientId, c.UserPoolId, c.CreationDate = old.Client.ClientId, old.Client.UserPoolId, old.Client.CreationDate
		c.LastModifiedDate = shape.NewTime(s.Clock.Now())
		if c.ClientName == nil {
			c.ClientName = old.Client.ClientName
		}
		if err := s.checkClient(ctx, tx, p, doc, "updating"); err != nil {
			return err
		}
		rec.Data = mustJSON(doc)
		if err := tx.Update(ctx, rec); err != nil {
			return err
		}
		out, err = s.presentClient(doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateUserPoolClientResponse{UserPoolClient: out}, nil
}

// DeleteUserPoolClient deletes a client, its secrets and what hangs on it
// (branding style, terms).
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *cognitoidp.DeleteUserPoolClientRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, _, err := s.poolClient(ctx, tx, *in.UserPoolId, *in.ClientId); err != nil {
			return err
		}
		if err := s.ForgetClient(ctx, tx, *in.UserPoolId, *in.ClientId); err != nil {
			return err
		}
		return tx.Delete(ctx, KindClient, *in.ClientId)
	})
}

// ListUserPoolClients pages through a pool's clients in id order.
func (s *Service) ListUserPoolClients(ctx context.Context, in *cognitoidp.ListUserPoolClientsRequest) (*cognitoidp.ListUserPoolClientsResponse, error) {
	const op = "ListUserPoolClients"
	poolID := *in.UserPoolId
	after, err := pagination.Cursor(s.Keys, op, poolID, in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := defaultListClients
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	var recs []*store.Record
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		recs, err = tx.List(ctx, store.Query{Kind: KindClient, Scope: poolID, After: after, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListUserPoolClientsResponse{UserPoolClients: []cognitoidp.UserPoolClientDescription{}}
	if len(recs) > limit {
		recs = recs[:limit]
		out.NextToken = pagination.Token(s.Keys, op, poolID, recs[len(recs)-1].ID)
	}
	for _, rec := range recs {
		var doc clientDoc
		if err := decode(rec, &doc); err != nil {
			return nil, err
		}
		out.UserPoolClients = append(out.UserPoolClients, cognitoidp.UserPoolClientDescription{
			ClientId: doc.Client.ClientId, ClientName: doc.Client.ClientName, UserPoolId: doc.Client.UserPoolId,
		})
	}
	return out, nil
}

// Client returns the app client with the given id, whichever pool it
// belongs to (its UserPoolId says which), secret included. It is how the
// sign-in operations, which receive only a ClientId, find their client.
func (s *Service) Client(ctx context.Context, tx store.Tx, clientID string) (*cognitoidp.UserPoolClientType, error) {
	doc, _, err := s.clientDoc(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	return s.presentClient(doc)
}

// clientDoc reads a client record by id alone.
func (s *Service) clientDoc(ctx context.Context, tx store.Tx, clientID string) (*clientDoc, *store.Record, error) {
	var doc clientDoc
	rec, err := getJSON(ctx, tx, KindClient, clientID, &doc)
	if err != nil {
		return nil, nil, notFound(err, "User pool client "+clientID+" does not exist.")
	}
	return &doc, rec, nil
}

// poolClient reads a client of a pool: the pool must exist and the client
// must belong to it, or Cognito answers ResourceNotFoundException.
func (s *Service) poolClient(ctx context.Context, tx store.Tx, poolID, clientID string) (*cognitoidp.UserPoolType, *clientDoc, *store.Record, error) {
	p, _, err := s.Pool(ctx, tx, poolID)
	if err != nil {
		return nil, nil, nil, err
	}
	doc, rec, err := s.clientDoc(ctx, tx, clientID)
	if err != nil {
		return nil, nil, nil, err
	}
	if rec.Scope != poolID {
		return nil, nil, nil, clientNotFound(clientID)
	}
	return p, doc, rec, nil
}

// presentClient is the client as the API shows it: the stored
// configuration with the primary secret opened into ClientSecret.
func (s *Service) presentClient(doc *clientDoc) (*cognitoidp.UserPoolClientType, error) {
	c := doc.Client
	if len(doc.Secrets) > 0 {
		secret, err := s.openClientSecret(*c.ClientId, doc.Secrets[0])
		if err != nil {
			return nil, err
		}
		c.ClientSecret = &secret
	}
	return &c, nil
}
