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

// A managed login branding style is stored under its id, scoped to the
// pool, as the model's ManagedLoginBrandingType plus the app client it is
// assigned to (the model's type does not carry it). A unique key "client"
// holds each app client to one style, enforced by the database.
const KindBranding = "branding"

const brandingKeyClient = "client"

// brandingDoc is the stored document: the style as Describe returns it,
// and its app client.
type brandingDoc struct {
	ClientId *string `json:"ClientId,omitzero"`
	cognitoidp.ManagedLoginBrandingType
}

func brandingRecord(poolID string, b *brandingDoc) *store.Record {
	return &store.Record{
		Kind: KindBranding, ID: *b.ManagedLoginBrandingId, Scope: poolID, Data: mustJSON(b),
		Keys: []store.Key{{Name: brandingKeyClient, Value: *b.ClientId, Unique: true}},
	}
}

func (s *Service) branding(ctx context.Context, tx store.Tx, poolID, id string) (*brandingDoc, *store.Record, error) {
	var b brandingDoc
	rec, err := getJSON(ctx, tx, KindBranding, id, &b)
	if err == nil && rec.Scope != poolID {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, notFound(err, brandingNotFound(id))
	}
	return &b, rec, nil
}

func brandingNotFound(id string) string {
	return "Managed login branding style " + id + " does not exist."
}

// CreateManagedLoginBranding creates the branding style of an app client.
func (s *Service) CreateManagedLoginBranding(ctx context.Context, in *cognitoidp.CreateManagedLoginBrandingRequest) (*cognitoidp.CreateManagedLoginBrandingResponse, error) {
	poolID, clientID := *in.UserPoolId, *in.ClientId
	if err := checkBranding(in.UseCognitoProvidedValues, in.Settings, in.Assets); err != nil {
		return nil, err
	}
	now := shape.NewTime(s.Clock.Now())
	b := &brandingDoc{ClientId: &clientID, ManagedLoginBrandingType: cognitoidp.ManagedLoginBrandingType{
		ManagedLoginBrandingId:   ptr(uuid.NewString()),
		UserPoolId:               &poolID,
		UseCognitoProvidedValues: ptr(in.UseCognitoProvidedValues != nil && *in.UseCognitoProvidedValues),
		Settings:                 in.Settings,
		Assets:                   nonNilAssets(in.Assets),
		CreationDate:             now,
		LastModifiedDate:         now,
	}}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if err := s.requireClient(ctx, tx, poolID, clientID); err != nil {
			return err
		}
		exists := errs.Newf(errs.ManagedLoginBrandingExistsException, "App client %s already has a managed login branding style.", clientID)
		if _, err := tx.Lookup(ctx, KindBranding, poolID, brandingKeyClient, clientID); err == nil {
			return exists
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		err := tx.Insert(ctx, brandingRecord(poolID, b))
		if _, ok := store.IsKeyConflict(err); ok {
			return exists
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateManagedLoginBrandingResponse{ManagedLoginBranding: &b.ManagedLoginBrandingType}, nil
}

// DescribeManagedLoginBranding returns a branding style by id.
func (s *Service) DescribeManagedLoginBranding(ctx context.Context, in *cognitoidp.DescribeManagedLoginBrandingRequest) (*cognitoidp.DescribeManagedLoginBrandingResponse, error) {
	var b *brandingDoc
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var err error
		b, _, err = s.branding(ctx, tx, *in.UserPoolId, *in.ManagedLoginBrandingId)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeManagedLoginBrandingResponse{ManagedLoginBranding: &b.ManagedLoginBrandingType}, nil
}

// DescribeManagedLoginBrandingByClient returns the branding style of an
// app client.
func (s *Service) DescribeManagedLoginBrandingByClient(ctx context.Context, in *cognitoidp.DescribeManagedLoginBrandingByClientRequest) (*cognitoidp.DescribeManagedLoginBrandingByClientResponse, error) {
	poolID, clientID := *in.UserPoolId, *in.ClientId
	var b brandingDoc
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if err := s.requireClient(ctx, tx, poolID, clientID); err != nil {
			return err
		}
		rec, err := tx.Lookup(ctx, KindBranding, poolID, brandingKeyClient, clientID)
		if err != nil {
			return notFound(err, "App client "+clientID+" has no managed login branding style.")
		}
		return decode(rec, &b)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeManagedLoginBrandingByClientResponse{ManagedLoginBranding: &b.ManagedLoginBrandingType}, nil
}

// UpdateManagedLoginBranding changes a style. Cognito "preserves existing
// style settings that you don't specify" (operation documentation), so
// Settings are merged into the stored ones and Assets replace only the
// assets they name; UseCognitoProvidedValues resets the style to
// Cognito's defaults.
func (s *Service) UpdateManagedLoginBranding(ctx context.Context, in *cognitoidp.UpdateManagedLoginBrandingRequest) (*cognitoidp.UpdateManagedLoginBrandingResponse, error) {
	// The model leaves both ids optional, but there is nothing to update
	// without them; refuse as a missing required member is refused.
	var v shape.Violations
	var root shape.Path
	if in.ManagedLoginBrandingId == nil {
		p := root.Member("managedLoginBrandingId")
		v.Null(&p)
	}
	if in.UserPoolId == nil {
		p := root.Member("userPoolId")
		v.Null(&p)
	}
	if !v.Empty() {
		return nil, errs.New(errs.InvalidParameterException, v.Message())
	}
	if err := checkBranding(in.UseCognitoProvidedValues, in.Settings, in.Assets); err != nil {
		return nil, err
	}
	var b *brandingDoc
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		var rec *store.Record
		var err error
		b, rec, err = s.branding(ctx, tx, *in.UserPoolId, *in.ManagedLoginBrandingId)
		if err != nil {
			return err
		}
		if err := applyBranding(&b.ManagedLoginBrandingType, in); err != nil {
			return err
		}
		b.LastModifiedDate = shape.NewTime(s.Clock.Now())
		upd := brandingRecord(*in.UserPoolId, b)
		upd.Version = rec.Version
		return notFound(tx.Update(ctx, upd), brandingNotFound(*in.ManagedLoginBrandingId))
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateManagedLoginBrandingResponse{ManagedLoginBranding: &b.ManagedLoginBrandingType}, nil
}

// DeleteManagedLoginBranding deletes a style; its app client has none
// until a new one is created.
func (s *Service) DeleteManagedLoginBranding(ctx context.Context, in *cognitoidp.DeleteManagedLoginBrandingRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		if _, _, err := s.branding(ctx, tx, *in.UserPoolId, *in.ManagedLoginBrandingId); err != nil {
			return err
		}
		return notFound(tx.Delete(ctx, KindBranding, *in.ManagedLoginBrandingId), brandingNotFound(*in.ManagedLoginBrandingId))
	})
}
