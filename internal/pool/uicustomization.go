package pool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// KindUICustomization is the record of the classic hosted UI's branding
// for a pool (id: poolID/ALL) or for one of its app clients (id:
// poolID/clientID), with the logo's bytes beside the model's shape.
const KindUICustomization = "uicustomization"

// allClients is the ClientId of the pool-wide customization, which every
// app client without its own falls back to (model: SetUICustomization).
const allClients = "ALL"

type uiCustomization struct {
	UI        cognitoidp.UICustomizationType `json:"UI"`
	Image     []byte                         `json:"Image,omitzero"`
	ImageType string                         `json:"ImageType,omitzero"` // file extension: png or jpg
}

func uiCustomizationID(poolID, clientID string) string { return poolID + "/" + clientID }

// imageType recognises the logo formats Cognito accepts ("Choose a PNG,
// JPG, or JPEG file", developer guide) by their signatures.
func imageType(b []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png", true
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "jpg", true
	}
	return "", false
}

// imageURL is where the hosted UI serves a logo. The CSS version in the
// path changes on every SetUICustomization, so a cached logo never
// outlives its replacement.
func (s *Service) imageURL(c *uiCustomization) *string {
	if len(c.Image) == 0 {
		return nil
	}
	return ptr(fmt.Sprintf("%s/ui-assets/%s/%s/%s/logo.%s", s.PublicURL,
		url.PathEscape(*c.UI.UserPoolId), url.PathEscape(*c.UI.ClientId), *c.UI.CSSVersion, c.ImageType))
}

func (s *Service) presentUI(c *uiCustomization) *cognitoidp.UICustomizationType {
	ui := c.UI
	ui.ImageUrl = s.imageURL(c)
	return &ui
}

// SetUICustomization replaces the branding of a pool or of one app
// client: CSS and logo together ("You can't set CSS and logo
// customization separately", developer guide). The pool must have a
// domain, since only the hosted UI shows it.
func (s *Service) SetUICustomization(ctx context.Context, in *cognitoidp.SetUICustomizationRequest) (*cognitoidp.SetUICustomizationResponse, error) {
	poolID, clientID := *in.UserPoolId, allClients
	if in.ClientId != nil {
		clientID = *in.ClientId
	}
	c := &uiCustomization{UI: cognitoidp.UICustomizationType{UserPoolId: &poolID, ClientId: &clientID, CSS: in.CSS}}
	if in.CSS != nil {
		if err := checkCSS(*in.CSS); err != nil {
			return nil, err
		}
	}
	if len(in.ImageFile) > 0 {
		t, ok := imageType(in.ImageFile)
		if !ok {
			return nil, errs.New(errs.InvalidParameterException, "ImageFile must be a PNG or JPEG image.")
		}
		c.Image, c.ImageType = in.ImageFile, t
	}
	now := s.Clock.Now()
	c.UI.CSSVersion = ptr(strconv.FormatInt(now.UnixMilli(), 10))
	c.UI.CreationDate, c.UI.LastModifiedDate = shape.NewTime(now), shape.NewTime(now)
	id := uiCustomizationID(poolID, clientID)
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if clientID == allClients {
			if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
				return err
			}
		} else if err := s.requireClient(ctx, tx, poolID, clientID); err != nil {
			return err
		}
		prefix, custom, err := s.PoolDomains(ctx, tx, poolID)
		if err != nil {
			return err
		}
		if prefix == "" && custom == "" {
			return errs.New(errs.InvalidParameterException, "A domain must be associated with this user pool.")
		}
		var old uiCustomization
		rec, err := getJSON(ctx, tx, KindUICustomization, id, &old)
		if errors.Is(err, store.ErrNotFound) {
			return tx.Insert(ctx, &store.Record{Kind: KindUICustomization, ID: id, Scope: poolID, Data: mustJSON(c)})
		}
		if err != nil {
			return err
		}
		c.UI.CreationDate = old.UI.CreationDate
		rec.Data = mustJSON(c)
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.SetUICustomizationResponse{UICustomization: s.presentUI(c)}, nil
}

// uiCustomizationFor returns the branding that applies to a client: its
// own, else the pool's; nil when neither is set.
func uiCustomizationFor(ctx context.Context, tx store.Tx, poolID, clientID string) (*uiCustomization, error) {
	for _, id := range []string{clientID, allClients} {
		var c uiCustomization
		_, err := getJSON(ctx, tx, KindUICustomization, uiCustomizationID(poolID, id), &c)
		if err == nil {
			return &c, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// GetUICustomization returns the branding that applies to an app client
// (its own, else the pool's) or to the pool, and an empty object when
// none is set (model: GetUICustomization).
func (s *Service) GetUICustomization(ctx context.Context, in *cognitoidp.GetUICustomizationRequest) (*cognitoidp.GetUICustomizationResponse, error) {
	poolID, clientID := *in.UserPoolId, allClients
	if in.ClientId != nil {
		clientID = *in.ClientId
	}
	var c *uiCustomization
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		if clientID == allClients {
			if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
				return err
			}
		} else if err := s.requireClient(ctx, tx, poolID, clientID); err != nil {
			return err
		}
		c, err = uiCustomizationFor(ctx, tx, poolID, clientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if c == nil {
		return &cognitoidp.GetUICustomizationResponse{UICustomization: &cognitoidp.UICustomizationType{}}, nil
	}
	return &cognitoidp.GetUICustomizationResponse{UICustomization: s.presentUI(c)}, nil
}

// UILogo returns the logo the hosted UI shows for an app client (its own
// branding, else the pool's), with its file extension; ok is false when
// there is none. The hosted UI serves it at the ImageUrl given out here.
func (s *Service) UILogo(ctx context.Context, poolID, clientID string) (image []byte, ext string, ok bool, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		c, err := uiCustomizationFor(ctx, tx, poolID, clientID)
		if err != nil || c == nil || len(c.Image) == 0 {
			return err
		}
		image, ext, ok = c.Image, c.ImageType, true
		return nil
	})
	return image, ext, ok, err
}

// ForgetClientUICustomization deletes an app client's own branding, for
// the transaction that deletes the client.
func (s *Service) ForgetClientUICustomization(ctx context.Context, tx store.Tx, poolID, clientID string) error {
	err := tx.Delete(ctx, KindUICustomization, uiCustomizationID(poolID, clientID))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
