package user

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// maxLinkedIdentities: "The maximum number of federated identities linked
// to a user is five" (model, AdminLinkProviderForUser).
const maxLinkedIdentities = 5

// nativeProvider is the ProviderName of the pool's own users in
// AdminLinkProviderForUser and AdminDisableProviderForUser.
const nativeProvider = "Cognito"

var (
	// "Merging is not currently supported, provide a SourceUser that has
	// not been used to log in before" is Cognito's answer when the source
	// identity already has a user of its own.
	errMerging = invalid("Merging is not currently supported, provide a SourceUser that has not been used to log in before")
	// cirro's wording for the rest.
	errLinkedElsewhere = errs.New(errs.AliasExistsException, "The source identity is already linked to another user.")
	errDestExternal    = invalid("DestinationUser must be a native user of the user pool, not a federated user.")
)

// AdminLinkProviderForUser links an identity of an external provider that
// has not signed in yet to an existing native user: when it signs in, it
// signs in as that user (internal/federation).
func (s *Service) AdminLinkProviderForUser(ctx context.Context, in *cognitoidp.AdminLinkProviderForUserRequest) (*cognitoidp.AdminLinkProviderForUserResponse, error) {
	src, dst := in.SourceUser, in.DestinationUser
	srcName, srcAttr, srcValue := deref(src.ProviderName), deref(src.ProviderAttributeName), deref(src.ProviderAttributeValue)
	switch {
	case srcName == "" || srcAttr == "" || srcValue == "":
		return nil, invalid("SourceUser requires ProviderName, ProviderAttributeName and ProviderAttributeValue.")
	case strings.EqualFold(srcName, nativeProvider):
		return nil, invalid("SourceUser must be a user of an external identity provider.")
	case deref(dst.ProviderAttributeValue) == "":
		return nil, invalid("DestinationUser requires ProviderAttributeValue.")
	case !strings.EqualFold(deref(dst.ProviderName), nativeProvider):
		return nil, errDestExternal
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pools.SharedPool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		idp, err := s.Pools.IdentityProviderConfig(ctx, tx, *p.Id, srcName)
		if err != nil {
			return err
		}
		typ := deref(idp.ProviderType)
		if srcAttr != SubjectAttribute {
			if typ != cognitoidp.IdentityProviderTypeTypeOidc && typ != cognitoidp.IdentityProviderTypeTypeSaml {
				return invalid("ProviderAttributeName must be " + SubjectAttribute + " for a " + typ + " identity provider.")
			}
			if _, mapped := idp.AttributeMapping[srcAttr]; !mapped {
				return invalid("ProviderAttributeName " + srcAttr + " is not mapped by the identity provider " + srcName + ".")
			}
		}
		u, rec, err := s.find(ctx, tx, p, *dst.ProviderAttributeValue)
		if errors.Is(err, ErrNotFound) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		if u.Status == StatusExternalProvider {
			return errDestExternal
		}
		// The identity's own user, if it has signed in before.
		if srcAttr == SubjectAttribute {
			if _, _, err := s.find(ctx, tx, p, ExternalUsername(srcName, srcValue)); err == nil {
				return errMerging
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		owner, _, err := s.FindIdentity(ctx, tx, *p.Id, srcName, srcAttr, srcValue)
		switch {
		case err == nil && owner.Sub == u.Sub:
			return nil // linked already
		case err == nil && owner.Status == StatusExternalProvider:
			return errMerging
		case err == nil:
			return errLinkedElsewhere
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if len(u.Identities) >= maxLinkedIdentities {
			return errs.Newf(errs.LimitExceededException, "A user can be linked to at most %d identities.", maxLinkedIdentities)
		}
		id := Identity{ProviderName: srcName, ProviderType: typ, Created: s.Clock.Now()}
		if srcAttr == SubjectAttribute {
			id.UserID = srcValue
		} else {
			id.AttrName, id.AttrValue = srcAttr, srcValue
		}
		u.Identities = append(u.Identities, id)
		setIdentitiesAttribute(u)
		u.Modified = s.Clock.Now()
		err = s.Save(ctx, tx, p, u, rec)
		if name, ok := store.IsKeyConflict(err); ok && name == keyIdentity {
			return errLinkedElsewhere
		}
		return mapConflict(err, rulesOf(p), false, true)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminLinkProviderForUserResponse{}, nil
}

// AdminDisableProviderForUser ends an identity's access: a link to a
// native user is removed (the identity's next sign-in makes a federated
// user of its own), and a federated user of that identity is deleted.
// Disabling the password sign-in of a native user (ProviderName Cognito)
// is not done by cirro.
func (s *Service) AdminDisableProviderForUser(ctx context.Context, in *cognitoidp.AdminDisableProviderForUserRequest) (*cognitoidp.AdminDisableProviderForUserResponse, error) {
	name, attr, value := deref(in.User.ProviderName), deref(in.User.ProviderAttributeName), deref(in.User.ProviderAttributeValue)
	switch {
	case name == "" || attr == "" || value == "":
		return nil, invalid("User requires ProviderName, ProviderAttributeName and ProviderAttributeValue.")
	case strings.EqualFold(name, nativeProvider):
		return nil, errs.New(errs.InvalidParameterException, "Disabling the sign-in of a native user is not supported by cirro.")
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pools.SharedPool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		u, rec, err := s.FindIdentity(ctx, tx, *p.Id, name, attr, value)
		if errors.Is(err, ErrNotFound) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		if u.Status == StatusExternalProvider {
			return s.deleteUser(ctx, tx, u)
		}
		u.Identities = slices.DeleteFunc(u.Identities, func(id Identity) bool {
			if id.ProviderName != name {
				return false
			}
			if id.AttrName != "" {
				return id.AttrName == attr && id.AttrValue == value
			}
			return attr == SubjectAttribute && id.UserID == value
		})
		setIdentitiesAttribute(u)
		u.Modified = s.Clock.Now()
		return s.Save(ctx, tx, p, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminDisableProviderForUserResponse{}, nil
}
