package identitypool

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/store"
)

// GetId returns the identity of the logins given, creating it the first
// time they are seen, or a new guest identity when there are none and
// the pool allows guests.
func (s *Service) GetId(ctx context.Context, in *cognitoidentity.GetIdInput) (*cognitoidentity.GetIdResponse, error) {
	if in.AccountId != nil && *in.AccountId != s.accountID {
		// The pool is not in the account named: as far as the caller can
		// tell it does not exist.
		return nil, poolNotFound(*in.IdentityPoolId)
	}
	p, err := s.readPool(ctx, *in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if len(in.Logins) == 0 {
		if !p.allowsUnauthenticated() {
			return nil, notAuthorized(msgUnauthenticated)
		}
		var id string
		err := s.store.Write(ctx, func(tx store.Tx) (err error) {
			id, err = s.insertIdentity(ctx, tx, p.id(), s.newIdentity(nil))
			return err
		})
		if err != nil {
			return nil, err
		}
		return &cognitoidentity.GetIdResponse{IdentityId: &id}, nil
	}
	logins, err := s.verifyLogins(ctx, p, in.Logins, publicLogins)
	if err != nil {
		return nil, err
	}
	id, err := s.link(ctx, p.id(), "", logins, false)
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.GetIdResponse{IdentityId: &id}, nil
}
