package pool

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// A terms document set is stored under its id, scoped to the pool, as the
// model's TermsType. "Terms document names must be unique to the app
// client" (model, TermsExistsException): the unique key "name", the client
// id and the terms name, lets the database enforce it; the key "client"
// finds a client's documents.
const KindTerms = "terms"

const (
	termsKeyClient = "client"
	termsKeyName   = "name"
	// defaultTermsListLimit applies when MaxResults is omitted; it is the
	// model's maximum (1–60).
	defaultTermsListLimit = 60
)

func termsRecord(t *cognitoidp.TermsType) *store.Record {
	return &store.Record{
		Kind: KindTerms, ID: *t.TermsId, Scope: *t.UserPoolId, Data: mustJSON(t),
		Keys: []store.Key{
			{Name: termsKeyClient, Value: *t.ClientId},
			{Name: termsKeyName, Value: *t.ClientId + "/" + *t.TermsName, Unique: true},
		},
	}
}

func termsExist(t *cognitoidp.TermsType) error {
	return errs.Newf(errs.TermsExistsException, "App client %s already has %s terms documents.", *t.ClientId, *t.TermsName)
}

func (s *Service) terms(ctx context.Context, tx store.Tx, poolID, id string) (*cognitoidp.TermsType, *store.Record, error) {
	var t cognitoidp.TermsType
	rec, err := getJSON(ctx, tx, KindTerms, id, &t)
	if err == nil && rec.Scope != poolID {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, notFound(err, termsNotFound(id))
	}
	return &t, rec, nil
}

func termsNotFound(id string) string { return "Terms " + id + " do not exist." }

// putTerms inserts or updates terms documents, turning a taken name into
// TermsExistsException. The name is looked up first for the common case;
// the unique key still decides races.
func putTerms(ctx context.Context, tx store.Tx, t *cognitoidp.TermsType, version int64) error {
	rec := termsRecord(t)
	if other, err := tx.Lookup(ctx, KindTerms, *t.UserPoolId, termsKeyName, rec.Keys[1].Value); err == nil && other.ID != *t.TermsId {
		return termsExist(t)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var err error
	if version == 0 {
		err = tx.Insert(ctx, rec)
	} else {
		rec.Version = version
		err = tx.Update(ctx, rec)
	}
	if _, ok := store.IsKeyConflict(err); ok {
		return termsExist(t)
	}
	return notFound(err, termsNotFound(*t.TermsId))
}

// CreateTerms creates an app client's terms-of-use or privacy-policy
// documents: links per language.
func (s *Service) CreateTerms(ctx context.Context, in *cognitoidp.CreateTermsRequest) (*cognitoidp.CreateTermsResponse, error) {
	if len(in.Links) == 0 {
		// TermsSource LINK (its only value) means the documents are links;
		// TermsType requires Links.
		return nil, errs.New(errs.InvalidParameterException, "Links are required when TermsSource is LINK.")
	}
	now := shape.NewTime(s.Clock.Now())
	t := &cognitoidp.TermsType{
		TermsId:          ptr(uuid.NewString()),
		UserPoolId:       in.UserPoolId,
		ClientId:         in.ClientId,
		TermsName:        in.TermsName,
		TermsSource:      in.TermsSource,
		Enforcement:      in.Enforcement,
		Links:            in.Links,
		CreationDate:     now,
		LastModifiedDate: now,
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if err := s.requireClient(ctx, tx, *in.UserPoolId, *in.ClientId); err != nil {
			return err
		}
		return putTerms(ctx, tx, t, 0)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateTermsResponse{Terms: t}, nil
}

// DescribeTerms returns terms documents by id.
func (s *Service) DescribeTerms(ctx context.Context, in *cognitoidp.DescribeTermsRequest) (*cognitoidp.DescribeTermsResponse, error) {
	var t *cognitoidp.TermsType
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var err error
		t, _, err = s.terms(ctx, tx, *in.UserPoolId, *in.TermsId)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeTermsResponse{Terms: t}, nil
}

// ListTerms pages through a pool's terms documents.
func (s *Service) ListTerms(ctx context.Context, in *cognitoidp.ListTermsRequest) (*cognitoidp.ListTermsResponse, error) {
	limit := defaultTermsListLimit
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	var p page
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		p, err = s.listPage(ctx, tx, "ListTerms", KindTerms, *in.UserPoolId, in.NextToken, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ListTermsResponse{Terms: make([]cognitoidp.TermsDescriptionType, len(p.recs)), NextToken: p.next}
	for i, rec := range p.recs {
		var t cognitoidp.TermsType
		if err := decode(rec, &t); err != nil {
			return nil, err
		}
		out.Terms[i] = cognitoidp.TermsDescriptionType{
			TermsId: t.TermsId, TermsName: t.TermsName, Enforcement: t.Enforcement,
			CreationDate: t.CreationDate, LastModifiedDate: t.LastModifiedDate,
		}
	}
	return out, nil
}

// UpdateTerms changes the members the request carries and keeps the
// others: every member but the ids is optional, and renaming onto a name
// the client already uses is TermsExistsException (both per the model).
func (s *Service) UpdateTerms(ctx context.Context, in *cognitoidp.UpdateTermsRequest) (*cognitoidp.UpdateTermsResponse, error) {
	var t *cognitoidp.TermsType
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var rec *store.Record
		var err error
		t, rec, err = s.terms(ctx, tx, *in.UserPoolId, *in.TermsId)
		if err != nil {
			return err
		}
		if in.TermsName != nil {
			t.TermsName = in.TermsName
		}
		if in.TermsSource != nil {
			t.TermsSource = in.TermsSource
		}
		if in.Enforcement != nil {
			t.Enforcement = in.Enforcement
		}
		if in.Links != nil {
			t.Links = in.Links
		}
		t.LastModifiedDate = shape.NewTime(s.Clock.Now())
		return putTerms(ctx, tx, t, rec.Version)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateTermsResponse{Terms: t}, nil
}

// DeleteTerms deletes terms documents.
func (s *Service) DeleteTerms(ctx context.Context, in *cognitoidp.DeleteTermsRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		if _, _, err := s.terms(ctx, tx, *in.UserPoolId, *in.TermsId); err != nil {
			return err
		}
		return notFound(tx.Delete(ctx, KindTerms, *in.TermsId), termsNotFound(*in.TermsId))
	})
}
