package federation

import (
	"context"
	"errors"
	"maps"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

var errDisabled = errs.New(errs.NotAuthorizedException, "User is disabled.")

// signIn is where every protocol ends: the provider's assertion becomes a
// user of the pool.
func (s *Service) signIn(ctx context.Context, st *stateDoc, idp *cognitoidp.IdentityProviderType, a *assertion) (*SignedIn, error) {
	var p *cognitoidp.UserPoolType
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		p, _, err = s.pools.SharedPool(ctx, tx, st.Pool)
		return err
	})
	if err != nil {
		return nil, err
	}
	name, typ := deref(idp.ProviderName), deref(idp.ProviderType)
	username := user.ExternalUsername(name, a.Subject)
	caller := trigger.Caller{ClientID: st.Client, UserName: username}
	attrs := mapAttributes(idp.AttributeMapping, a.Claims)
	if s.triggers != nil {
		res, err := s.triggers.InboundFederation(ctx, p, caller, trigger.InboundFederationRequest{
			ProviderName: name, ProviderType: typ,
			Attributes: trigger.InboundFederationAttributes{TokenResponse: a.TokenResponse, IDToken: a.IDToken, UserInfo: a.UserInfo, SAMLResponse: a.SAML},
		})
		if err != nil {
			return nil, err
		}
		if res != nil && res.UserAttributesToMap != nil {
			attrs = maps.Clone(res.UserAttributesToMap)
		}
	}
	ext := &user.External{PoolID: st.Pool, ProviderName: name, ProviderType: typ, Issuer: a.Issuer, Subject: a.Subject, Attributes: attrs}
	// Two tries: a concurrent first sign-in of the same identity may win
	// the insert, after which this one is a returning sign-in.
	for range 2 {
		u, err := s.returning(ctx, p, idp, ext)
		if err == nil {
			return signedIn(u, s)
		}
		if !errors.Is(err, user.ErrNotFound) {
			return nil, err
		}
		u, err = s.firstSignIn(ctx, p, ext, caller)
		if _, taken := store.IsKeyConflict(err); taken {
			continue
		}
		if err != nil {
			return nil, err
		}
		return signedIn(u, s)
	}
	return nil, errors.New("federation: the user could not be created")
}

func signedIn(u *user.User, s *Service) (*SignedIn, error) {
	if !u.Enabled {
		return nil, errDisabled
	}
	return &SignedIn{PoolID: u.PoolID, Sub: u.Sub, Username: u.Username, AuthTime: s.clock.Now()}, nil
}

// returning signs in an identity that has a user: the provider's own
// user, whose attributes are refreshed, or the native user it is linked
// to (by subject, or by a mapped attribute until its first sign-in),
// whose profile is its own and is not overwritten.
func (s *Service) returning(ctx context.Context, p *cognitoidp.UserPoolType, idp *cognitoidp.IdentityProviderType, ext *user.External) (*user.User, error) {
	var out *user.User
	err := s.store.Write(ctx, func(tx store.Tx) error {
		u, rec, err := s.users.FindIdentity(ctx, tx, ext.PoolID, ext.ProviderName, user.SubjectAttribute, ext.Subject)
		for attr := range idp.AttributeMapping {
			if !errors.Is(err, user.ErrNotFound) || attr == "username" || ext.Attributes[attr] == "" {
				continue
			}
			u, rec, err = s.users.FindIdentity(ctx, tx, ext.PoolID, ext.ProviderName, attr, ext.Attributes[attr])
		}
		if err != nil {
			return err
		}
		out = u
		if u.Status == user.StatusExternalProvider {
			return s.users.RefreshExternal(ctx, tx, p, u, rec, ext)
		}
		return s.users.TouchIdentity(ctx, tx, p, u, rec, ext)
	})
	return out, err
}

// firstSignIn creates the provider's user, once pre sign-up
// (PreSignUp_ExternalProvider) has accepted it.
func (s *Service) firstSignIn(ctx context.Context, p *cognitoidp.UserPoolType, ext *user.External, caller trigger.Caller) (*user.User, error) {
	u := s.users.NewExternal(p, ext)
	if err := user.CheckExternalRequired(p, u.Attributes); err != nil {
		return nil, err
	}
	if s.triggers != nil {
		shown := maps.Clone(u.Attributes)
		delete(shown, "identities")
		res, err := s.triggers.PreSignUp(ctx, p, trigger.PreSignUpExternalProvider, caller, trigger.PreSignUpRequest{UserAttributes: shown})
		if err != nil {
			return nil, err
		}
		if err := trigger.CheckPreSignUp(res, u.Attributes); err != nil {
			return nil, err
		}
		if res != nil && res.AutoVerifyEmail {
			u.Attributes["email_verified"] = "true"
		}
		if res != nil && res.AutoVerifyPhone {
			u.Attributes["phone_number_verified"] = "true"
		}
	}
	err := s.store.Write(ctx, func(tx store.Tx) error {
		return s.users.InsertExternal(ctx, tx, p, u)
	})
	return u, err
}
