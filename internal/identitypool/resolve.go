package identitypool

import (
	"context"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// link finds the identity a request's verified logins belong to and
// links to it those not linked yet, in one transaction. current is the
// identity the request names ("" for GetId, which finds or creates one).
//
// The same user signing in again reaches the same identity, and logins of
// several providers presented together end up on one identity. A guest
// (unauthenticated) identity that presents a login already linked
// elsewhere is taken over by that login's identity — the case in which
// Cognito answers another IdentityId than the one asked about. Logins
// linked to two different identities cannot be joined this way
// (ResourceConflictException), and neither can a login be added to an
// authenticated identity by a request that proves none of its logins,
// unless the developer's backend asserts it (developer=true).
func (s *Service) link(ctx context.Context, poolID, current string, logins []*login, developer bool) (string, error) {
	var target string
	err := s.store.Write(ctx, func(tx store.Tx) error {
		target = ""
		// owners are the identities other than current that hold some of
		// the logins; mine tells whether current holds any.
		owners := map[string]bool{}
		mine := false
		var unlinked []*login
		for _, l := range logins {
			owner, ok, err := ownerOf(ctx, tx, poolID, l.provider.name, l.subject)
			switch {
			case err != nil:
				return err
			case !ok:
				unlinked = append(unlinked, l)
			case owner == current:
				mine = true
			case developer && current != "" && l.provider.kind == developerProvider:
				return errs.New(errs.DeveloperUserAlreadyRegisteredException, msgDeveloperRegistered)
			default:
				owners[owner] = true
			}
		}
		if current == "" {
			switch len(owners) {
			case 0:
				id, err := s.insertIdentity(ctx, tx, poolID, s.newIdentity(logins))
				target = id
				return err
			case 1:
				for id := range owners {
					target = id
				}
			default:
				return errs.New(errs.ResourceConflictException, msgLoginLinkedElsewhere)
			}
			return s.addLogins(ctx, tx, target, unlinked)
		}

		rec, d, err := getIdentity(ctx, tx, current)
		if err != nil {
			return err
		}
		if rec.Scope != poolID {
			return identityNotFound(current)
		}
		if d.disabled() {
			return forbidden(current)
		}
		switch {
		case len(owners) > 1:
			return errs.New(errs.ResourceConflictException, msgLoginLinkedElsewhere)
		case len(owners) == 1 && !d.Authenticated:
			// A guest signing in: its identity gives way to the login's.
			for id := range owners {
				target = id
			}
			return s.addLogins(ctx, tx, target, unlinked)
		case len(owners) == 1:
			return errs.New(errs.ResourceConflictException, msgLoginLinkedElsewhere)
		case d.Authenticated && !mine && !developer:
			return notAuthorized(msgLoginsDontMatch)
		}
		target = current
		return s.addLinks(ctx, tx, rec, d, unlinked)
	})
	return target, err
}

func (s *Service) newIdentity(logins []*login) *identityDoc {
	now := s.clock.Now()
	d := &identityDoc{Created: now, Modified: now}
	for _, l := range logins {
		d.Logins = append(d.Logins, l.linked())
	}
	d.Authenticated = len(d.Logins) > 0
	return d
}

// addLogins links logins to the identity id.
func (s *Service) addLogins(ctx context.Context, tx store.Tx, id string, logins []*login) error {
	if len(logins) == 0 {
		return nil
	}
	rec, d, err := getIdentity(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.addLinks(ctx, tx, rec, d, logins)
}

// addLinks links logins to an identity. A public provider links one user
// per identity; a developer provider any number, as Cognito allows
// several developer user identifiers per identity.
func (s *Service) addLinks(ctx context.Context, tx store.Tx, rec *store.Record, d *identityDoc, logins []*login) error {
	if len(logins) == 0 {
		return nil
	}
	for _, l := range logins {
		if d.has(l.provider.name, l.subject) {
			continue
		}
		if l.provider.kind != developerProvider && slices.ContainsFunc(d.Logins, func(x linkedLogin) bool { return x.Provider == l.provider.name }) {
			return errs.Newf(errs.ResourceConflictException, msgOneLoginPerProvider, l.provider.name)
		}
		d.Logins = append(d.Logins, l.linked())
	}
	if len(d.Logins) > maxLogins {
		return errs.New(errs.LimitExceededException, msgTooManyLogins)
	}
	d.Authenticated = true
	d.Modified = s.clock.Now()
	return updateIdentity(ctx, tx, rec, d)
}

// grant is an identity a request proved it may act as.
type grant struct {
	pool     *poolDoc
	identity string
	// logins are the request's verified logins; none for a guest.
	logins []*login
}

// authorize is the common start of the public operations on one
// identity (GetOpenIdToken, GetCredentialsForIdentity): read the identity
// and its pool, run the operation's check of the pool, then either admit
// a guest — an identity that never had a login, in a pool that allows
// guests — or verify the logins and link them.
func (s *Service) authorize(ctx context.Context, identityID string, logins map[string]string, policy loginPolicy, check func(*poolDoc) error) (*grant, error) {
	var p *poolDoc
	var d *identityDoc
	err := s.store.Read(ctx, func(tx store.Tx) error {
		rec, doc, err := getIdentity(ctx, tx, identityID)
		if err != nil {
			return err
		}
		d = doc
		p, _, err = getPool(ctx, tx, rec.Scope)
		return err
	})
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(p); err != nil {
			return nil, err
		}
	}
	if d.disabled() {
		return nil, forbidden(identityID)
	}
	if len(logins) == 0 {
		if d.Authenticated {
			return nil, forbidden(identityID)
		}
		if !p.allowsUnauthenticated() {
			return nil, notAuthorized(msgUnauthenticated)
		}
		return &grant{pool: p, identity: identityID}, nil
	}
	verified, err := s.verifyLogins(ctx, p, logins, policy)
	if err != nil {
		return nil, err
	}
	if len(verified) == 1 && verified[0].openID != nil {
		// cirro's own token proves the identity it was issued for, as a
		// guest or authenticated, as its amr says.
		if verified[0].subject != identityID {
			return nil, notAuthorized(msgCognitoTokenNotYours)
		}
		if !authenticated(verified) && !p.allowsUnauthenticated() {
			return nil, notAuthorized(msgUnauthenticated)
		}
		return &grant{pool: p, identity: identityID, logins: verified}, nil
	}
	id, err := s.link(ctx, p.id(), identityID, verified, false)
	if err != nil {
		return nil, err
	}
	return &grant{pool: p, identity: id, logins: verified}, nil
}
