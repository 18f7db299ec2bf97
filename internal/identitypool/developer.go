package identitypool

import (
	"context"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

// Developer-authenticated identities: a backend (signing with IAM
// credentials) vouches for its users under the pool's developer provider
// name, by developer user identifiers. GetOpenIdTokenForDeveloperIdentity
// creates and links them; these operations look them up, merge and
// unlink them.

// developerName returns the pool's developer provider, checking that a
// request names it (name nil: any).
func developerName(p *poolDoc, name *string) (string, error) {
	d := p.Pool.DeveloperProviderName
	if d == nil {
		return "", errs.New(errs.ResourceNotFoundException, msgNoDeveloperProvider)
	}
	if name != nil && *name != *d {
		return "", invalidParameter(msgWrongDeveloperName, *name)
	}
	return *d, nil
}

// developerOwner is the identity a developer user identifier is linked
// to; ResourceNotFoundException when none.
func developerOwner(ctx context.Context, tx store.Tx, poolID, dev, user string) (string, error) {
	id, ok, err := ownerOf(ctx, tx, poolID, dev, user)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errs.Newf(errs.ResourceNotFoundException, msgDeveloperNotFound, user)
	}
	return id, nil
}

// identityIn reads an identity of the pool; one of another pool does not
// exist as far as this pool is concerned.
func identityIn(ctx context.Context, tx store.Tx, poolID, id string) (*store.Record, *identityDoc, error) {
	rec, d, err := getIdentity(ctx, tx, id)
	if err == nil && rec.Scope != poolID {
		return nil, nil, identityNotFound(id)
	}
	return rec, d, err
}

// LookupDeveloperIdentity finds the identity of a developer user
// identifier, or the developer user identifiers of an identity; given
// both, it checks that they belong together.
func (s *Service) LookupDeveloperIdentity(ctx context.Context, in *cognitoidentity.LookupDeveloperIdentityInput) (*cognitoidentity.LookupDeveloperIdentityResponse, error) {
	if in.IdentityId == nil && in.DeveloperUserIdentifier == nil {
		return nil, invalidParameter(msgLookupNeedsOne)
	}
	poolID := *in.IdentityPoolId
	var id string
	var users []string
	err := s.store.Read(ctx, func(tx store.Tx) error {
		p, _, err := getPool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		dev, err := developerName(p, nil)
		if err != nil {
			return err
		}
		if in.DeveloperUserIdentifier != nil {
			if id, err = developerOwner(ctx, tx, poolID, dev, *in.DeveloperUserIdentifier); err != nil {
				return err
			}
			if in.IdentityId != nil && *in.IdentityId != id {
				return errs.Newf(errs.ResourceConflictException, "Developer user identifier %s is not linked to identity %s.", *in.DeveloperUserIdentifier, *in.IdentityId)
			}
		} else {
			id = *in.IdentityId
		}
		_, d, err := identityIn(ctx, tx, poolID, id)
		if err != nil {
			return err
		}
		for _, l := range d.Logins {
			if l.Provider == dev {
				users = append(users, l.Subject)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(users)
	scope := poolID + "/" + id
	after, err := pagination.Cursor(s.keys, "LookupDeveloperIdentity", scope, in.NextToken)
	if err != nil {
		return nil, err
	}
	if after != "" {
		// Resume after the last identifier returned, even if it has been
		// unlinked since.
		i, found := slices.BinarySearch(users, after)
		if found {
			i++
		}
		users = users[i:]
	}
	out := &cognitoidentity.LookupDeveloperIdentityResponse{IdentityId: &id, DeveloperUserIdentifierList: users}
	if in.MaxResults != nil && len(users) > int(*in.MaxResults) {
		out.DeveloperUserIdentifierList = users[:*in.MaxResults]
		out.NextToken = pagination.Token(s.keys, "LookupDeveloperIdentity", scope, users[*in.MaxResults-1])
	}
	if out.DeveloperUserIdentifierList == nil {
		out.DeveloperUserIdentifierList = []string{}
	}
	return out, nil
}

// MergeDeveloperIdentities moves every login of the source user's
// identity to the destination user's identity and deletes the source
// identity, which no login reaches any more. Two identities holding
// different users of one public provider cannot be merged, nor can the
// merged identity exceed 20 logins.
func (s *Service) MergeDeveloperIdentities(ctx context.Context, in *cognitoidentity.MergeDeveloperIdentitiesInput) (*cognitoidentity.MergeDeveloperIdentitiesResponse, error) {
	poolID := *in.IdentityPoolId
	var dst string
	err := s.store.Write(ctx, func(tx store.Tx) error {
		p, _, err := getPool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		dev, err := developerName(p, in.DeveloperProviderName)
		if err != nil {
			return err
		}
		src, err := developerOwner(ctx, tx, poolID, dev, *in.SourceUserIdentifier)
		if err != nil {
			return err
		}
		if dst, err = developerOwner(ctx, tx, poolID, dev, *in.DestinationUserIdentifier); err != nil || src == dst {
			return err
		}
		_, from, err := getIdentity(ctx, tx, src)
		if err != nil {
			return err
		}
		rec, to, err := getIdentity(ctx, tx, dst)
		if err != nil {
			return err
		}
		for _, l := range from.Logins {
			if l.Provider != dev && slices.ContainsFunc(to.Logins, func(x linkedLogin) bool { return x.Provider == l.Provider && x.Subject != l.Subject }) {
				return errs.Newf(errs.ResourceConflictException, msgOneLoginPerProvider, l.Provider)
			}
		}
		for _, l := range from.Logins {
			if !to.has(l.Provider, l.Subject) {
				to.Logins = append(to.Logins, l)
			}
		}
		if len(to.Logins) > maxLogins {
			return errs.New(errs.ResourceConflictException, msgTooManyLogins)
		}
		// The source goes first, so that its logins' unique keys are free
		// when the destination takes them.
		if err := tx.Delete(ctx, KindIdentity, src); err != nil {
			return err
		}
		to.Modified = s.clock.Now()
		return updateIdentity(ctx, tx, rec, to)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.MergeDeveloperIdentitiesResponse{IdentityId: &dst}, nil
}

// UnlinkDeveloperIdentity unlinks a developer user identifier from its
// identity; seen again, it makes a new identity.
func (s *Service) UnlinkDeveloperIdentity(ctx context.Context, in *cognitoidentity.UnlinkDeveloperIdentityInput) error {
	poolID, user := *in.IdentityPoolId, *in.DeveloperUserIdentifier
	return s.store.Write(ctx, func(tx store.Tx) error {
		p, _, err := getPool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		dev, err := developerName(p, in.DeveloperProviderName)
		if err != nil {
			return err
		}
		rec, d, err := identityIn(ctx, tx, poolID, *in.IdentityId)
		if err != nil {
			return err
		}
		if !d.has(dev, user) {
			return errs.Newf(errs.ResourceNotFoundException, "Developer user identifier %s is not linked to identity %s.", user, *in.IdentityId)
		}
		return s.removeLogins(ctx, tx, rec, d, func(l linkedLogin) bool { return l.Provider == dev && l.Subject == user })
	})
}
