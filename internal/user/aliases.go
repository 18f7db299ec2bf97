package user

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/store"
)

// newUsername decides a new user's username from the name the request
// gives. In a username-attributes pool that name is an email address or
// phone number: it becomes that attribute, and the username is the sub
// ("The SignUp API generates a persistent UUID for your user, and uses it
// as the immutable username attribute internally", developer guide,
// Aliases). In an alias pool the username may not look like an alias,
// or one user's username could be another's email.
func (r rules) newUsername(given, sub string, attrs map[string]string) (string, error) {
	if len(r.usernameAttrs) > 0 {
		switch {
		case r.usernameAttrs[attrEmail] && isEmail(given):
			attrs[attrEmail] = given
		case r.usernameAttrs[attrPhone] && isPhone(given):
			attrs[attrPhone] = given
		case !r.usernameAttrs[attrPhone]:
			return "", invalid("Username should be an email.")
		case !r.usernameAttrs[attrEmail]:
			return "", invalid("Username should be a phone number.")
		default:
			return "", invalid("Username should be either an email or a phone number.")
		}
		return sub, nil
	}
	if r.alias[attrEmail] && isEmail(given) {
		return "", invalid("Username cannot be of email format, since user pool is configured for email alias.")
	}
	if r.alias[attrPhone] && isPhone(given) {
		return "", invalid("Username cannot be of phone number format, since user pool is configured for phone number alias.")
	}
	return given, nil
}

// movable reports whether ForceAliasCreation may take key from another
// user: only a verified email or phone alias of an alias pool moves. A
// username, the email of a username-attributes pool, or a preferred
// username always belongs to whoever has it.
func (r rules) movable(key string) bool {
	return key == aliasKeyPrefix+attrEmail && r.alias[attrEmail] || key == aliasKeyPrefix+attrPhone && r.alias[attrPhone]
}

// checkFree fails early when a unique name of the new user u is taken, so
// that no message goes out for a user that cannot be created. It decides
// nothing: between it and the insert another request may take the name,
// and then the insert's unique keys refuse it.
func (s *Service) checkFree(ctx context.Context, tx store.Tx, r rules, u *User, force, admin bool) error {
	for _, k := range r.keys(u) {
		if !k.Unique || (force && r.movable(k.Name)) {
			continue
		}
		rec, err := tx.Lookup(ctx, Kind, r.poolID(), k.Name, k.Value)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if rec.ID != u.Sub {
			return conflictError(r, k.Name, true, admin)
		}
	}
	return nil
}

// takeAliases moves u's verified email and phone aliases from whoever
// holds them to u (ForceAliasCreation): the previous holder keeps the
// value, unverified, and can no longer sign in with it ("it also marks
// the attribute unverified in the previous account", developer guide,
// Aliases). It runs in the transaction that then saves u.
func (s *Service) takeAliases(ctx context.Context, tx store.Tx, r rules, u *User) error {
	for _, attr := range []string{attrEmail, attrPhone} {
		v, ok := r.signInName(u, attr)
		if !ok || !r.movable(aliasKeyPrefix+attr) {
			continue
		}
		other, rec, err := s.lookup(ctx, tx, r, aliasKeyPrefix+attr, r.fold(attr, v))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if other.Sub == u.Sub {
			continue
		}
		other.Attributes[attr+verifiedSuffix] = "false"
		other.Modified = s.Clock.Now()
		if err := s.Save(ctx, tx, r.pool, other, rec); err != nil {
			return err
		}
	}
	return nil
}
