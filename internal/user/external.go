package user

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// Users of external identity providers (internal/federation decides who
// signs in; this file keeps the records).
//
// A federated user is named <ProviderName>_<subject>, in status
// EXTERNAL_PROVIDER, with no password. Its identity, and every identity
// linked to a native user (AdminLinkProviderForUser), is a unique
// secondary key of the user record, ["provider","attribute","value"], the
// attribute being Cognito_Subject or, for a link made before the
// identity's first sign-in, the pool attribute it was linked by: so the
// database refuses one identity for two users, and finding the user of
// an identity is one lookup.

// SubjectAttribute names the provider's own user id in links.
const SubjectAttribute = "Cognito_Subject"

const keyIdentity = "identity"

// identityKeys are the keys of u's identities.
func identityKeys(u *User) []store.Key {
	var ks []store.Key
	for _, id := range u.Identities {
		attr, value := id.AttrName, id.AttrValue
		if attr == "" {
			attr, value = SubjectAttribute, id.UserID
		}
		ks = append(ks, store.Key{Name: keyIdentity, Value: identityValue(id.ProviderName, attr, value), Unique: true})
	}
	return ks
}

func identityValue(provider, attr, value string) string {
	b, _ := json.Marshal([]string{provider, attr, value})
	return uniqueValue(string(b))
}

// FindIdentity returns the user an identity belongs to: the federated
// user it created, or the native user it is linked to.
func (s *Service) FindIdentity(ctx context.Context, tx store.Tx, poolID, provider, attr, value string) (*User, *store.Record, error) {
	rec, err := tx.Lookup(ctx, Kind, poolID, keyIdentity, identityValue(provider, attr, value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := decodeUser(rec)
	return u, rec, err
}

// External is a federated sign-in, as the federation service resolved it.
type External struct {
	PoolID       string
	ProviderName string
	ProviderType string
	// Issuer goes into the identities claim; empty is null, as Cognito
	// writes it for social providers.
	Issuer string
	// Subject is the provider's user id (the claim mapped to username,
	// or the SAML NameID).
	Subject string
	// Attributes are the pool attributes the mapping gave.
	Attributes map[string]string
}

// ExternalUsername is the username of a provider's user.
func ExternalUsername(provider, subject string) string { return provider + "_" + subject }

// RefreshExternal writes the mapped attributes to the federated user u
// (read with rec) and saves it, in tx. Attributes the mapping no longer
// gives keep their values, as in Cognito.
func (s *Service) RefreshExternal(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, u *User, rec *store.Record, e *External) error {
	for k, v := range mappable(p, e.Attributes) {
		u.Attributes[k] = v
	}
	u.Modified = s.Clock.Now()
	return s.Save(ctx, tx, p, u, rec)
}

// NewExternal is a new federated user, not yet stored.
func (s *Service) NewExternal(p *cognitoidp.UserPoolType, e *External) *User {
	now := s.Clock.Now()
	u := &User{
		Sub: ids.Sub(), PoolID: *p.Id, Username: ExternalUsername(e.ProviderName, e.Subject),
		Status: StatusExternalProvider, Enabled: true, Attributes: mappable(p, e.Attributes),
		Created: now, Modified: now,
		Identities: []Identity{{
			ProviderName: e.ProviderName, ProviderType: e.ProviderType, UserID: e.Subject, Issuer: e.Issuer,
			Primary: true, Created: now,
		}},
	}
	setIdentitiesAttribute(u)
	return u
}

// InsertExternal stores a new federated user and makes it a member of the
// provider's group (<poolId>_<ProviderName>, whose name the
// cognito:groups claim then carries, as Cognito's does).
//
// It locks the pool shared (pool.Service.LockPool) first, so that a pool
// deleted meanwhile gets no orphan user: callers run it before any other
// write of their transaction. Only a first sign-in pays for the lock.
func (s *Service) InsertExternal(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, u *User) error {
	if err := s.Pools.LockPool(ctx, tx, u.PoolID, store.LockShared); err != nil {
		return err
	}
	if err := s.Insert(ctx, tx, p, u); err != nil {
		return err
	}
	provider := u.Identities[0].ProviderName
	g, err := s.Pools.EnsureProviderGroup(ctx, tx, u.PoolID, provider)
	if err != nil {
		return err
	}
	// As AdminAddUserToGroup: the group locked shared, so that a
	// DeleteGroup (which locks it exclusively) cannot leave the new
	// membership behind; one deleted since it was read is made again.
	err = lockGroup(ctx, tx, u.PoolID, g)
	if errs.Is(err, errs.ResourceNotFoundException) {
		if g, err = s.Pools.EnsureProviderGroup(ctx, tx, u.PoolID, provider); err == nil {
			err = lockGroup(ctx, tx, u.PoolID, g)
		}
	}
	if err != nil {
		return err
	}
	return addMember(ctx, tx, u.PoolID, g, u.Sub, s.Clock.Now())
}

// TouchIdentity records that a linked identity has signed in: a link made
// by a mapped attribute becomes a link by the provider's subject, which
// is what AdminDisableProviderForUser names from then on.
func (s *Service) TouchIdentity(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, u *User, rec *store.Record, e *External) error {
	changed := false
	for i := range u.Identities {
		id := &u.Identities[i]
		if id.ProviderName == e.ProviderName && id.AttrName != "" && e.Attributes[id.AttrName] == id.AttrValue {
			id.UserID, id.AttrName, id.AttrValue, id.Issuer = e.Subject, "", "", e.Issuer
			changed = true
		}
	}
	if !changed {
		return nil
	}
	setIdentitiesAttribute(u)
	u.Modified = s.Clock.Now()
	return s.Save(ctx, tx, p, u, rec)
}

// mappable keeps the attributes a federated sign-in may write: those of
// the pool's schema, never sub, username or identities.
func mappable(p *cognitoidp.UserPoolType, in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		if k == attrSub || k == "username" || k == "identities" || v == "" || schemaAttribute(p, k) == nil {
			continue
		}
		if len(v) > maxStringAttribute {
			v = truncate(v, maxStringAttribute)
		}
		out[k] = v
	}
	return out
}

// identityView is one identity in the identities attribute, as Cognito
// shows it in AdminGetUser and ListUsers: a JSON string of an array, with
// primary a boolean and dateCreated a number (the ID token's claim has
// both as strings; internal/token writes that one).
type identityView struct {
	UserID       string  `json:"userId"`
	ProviderName string  `json:"providerName"`
	ProviderType string  `json:"providerType"`
	Issuer       *string `json:"issuer"`
	Primary      bool    `json:"primary"`
	DateCreated  int64   `json:"dateCreated"`
}

func setIdentitiesAttribute(u *User) {
	if len(u.Identities) == 0 {
		delete(u.Attributes, "identities")
		return
	}
	views := make([]identityView, len(u.Identities))
	for i, id := range u.Identities {
		v := identityView{UserID: id.UserID, ProviderName: id.ProviderName, ProviderType: id.ProviderType,
			Primary: id.Primary, DateCreated: id.Created.UnixMilli()}
		if v.UserID == "" {
			v.UserID = id.AttrValue
		}
		if id.Issuer != "" {
			v.Issuer = &id.Issuer
		}
		views[i] = v
	}
	b, _ := json.Marshal(views)
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	u.Attributes["identities"] = string(b)
}

// addMember makes sub a member of group (a no-op for a member).
func addMember(ctx context.Context, tx store.Tx, poolID, group, sub string, now time.Time) error {
	id := memberID(poolID, group, sub)
	data, _ := json.Marshal(membership{Group: group, Sub: sub, Created: now})
	err := tx.Insert(ctx, &store.Record{
		Kind: pool.KindGroupMember, ID: id, Scope: poolID, Data: data,
		Keys: []store.Key{{Name: pool.MemberKeyGroup, Value: group}, {Name: pool.MemberKeyUser, Value: sub}},
	})
	if errors.Is(err, store.ErrExists) {
		return nil
	}
	return err
}

// CheckExternalRequired refuses to create a federated user without every
// attribute the pool requires: Cognito ends such a first sign-in with
// error=invalid_request and "Invalid user attributes: email: Attribute
// is required." (one line per attribute), before any trigger, so the
// provider's attribute mapping (or the inbound federation trigger) must
// supply them. A returning user is not checked again.
func CheckExternalRequired(p *cognitoidp.UserPoolType, attrs map[string]string) error {
	var missing []string
	for _, name := range required(p) {
		if attrs[name] == "" {
			missing = append(missing, name+": Attribute is required.")
		}
	}
	if len(missing) > 0 {
		return invalid("Invalid user attributes: " + strings.Join(missing, "\n"))
	}
	return nil
}
