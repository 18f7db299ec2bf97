package user

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// A user record's secondary keys carry every uniqueness rule, so that the
// database decides races between nodes: two sign-ups of one username, or
// two confirmations of one email alias, cannot both commit.
//
//   - "username" (unique): the username, folded when the pool is case
//     insensitive.
//   - "alias:<attr>" (unique): each active sign-in name (see
//     rules.signInName): email and phone_number once verified, or always in
//     a username-attributes pool; preferred_username always.
//   - "f:<attr>" (not unique): the searchable attributes of ListUsers, so
//     that every filter is an index range, never a scan.
const (
	keyUsername     = "username"
	aliasKeyPrefix  = "alias:"
	filterKeyPrefix = "f:"
)

// searchable are ListUsers' filter attributes (model, ListUsersRequest.Filter).
var searchable = []string{
	"username", attrEmail, attrPhone, "name", "given_name", "family_name",
	attrPreferredUsername, "cognito:user_status", "status", attrSub,
}

// keys derives u's secondary keys from its document.
func (r rules) keys(u *User) []store.Key {
	ks := []store.Key{{Name: keyUsername, Value: uniqueValue(r.fold("username", u.Username)), Unique: true}}
	// A federated user's email or phone number is no sign-in name: it
	// may be a native user's too (external.go).
	for _, attr := range r.signInAttrs() {
		if v, ok := r.signInName(u, attr); ok && u.Status != StatusExternalProvider {
			ks = append(ks, store.Key{Name: aliasKeyPrefix + attr, Value: uniqueValue(r.fold(attr, v)), Unique: true})
		}
	}
	ks = append(ks, identityKeys(u)...)
	for _, attr := range searchable {
		if v := r.searchValue(u, attr); v != "" {
			ks = append(ks, store.Key{Name: filterKeyPrefix + attr, Value: indexValue(v)})
		}
	}
	return ks
}

// searchValue is the value ListUsers compares for attr, in the form
// filters are matched in (see filter.go).
func (r rules) searchValue(u *User, attr string) string {
	switch attr {
	case "username":
		return r.fold(attr, u.Username)
	case "cognito:user_status":
		return u.Status
	case "status":
		return enabledStatus(u.Enabled)
	case attrSub:
		return u.Sub
	}
	return r.fold(attr, u.Attributes[attr])
}

func enabledStatus(enabled bool) string {
	if enabled {
		return "Enabled"
	}
	return "Disabled"
}

// uniqueKeyMax is the longest value a unique key holds as it is. Values
// may be 2,048 characters, more than a PostgreSQL b-tree entry takes, so
// longer ones are stored as a SHA-256 digest: still exact, for digests do
// not collide in practice. Values that look like a digest are digested
// too, so that no value can take another's place.
const (
	uniqueKeyMax = 256
	digestMark   = "#sha256:"
)

func uniqueValue(v string) string {
	if len(v) <= uniqueKeyMax && !strings.HasPrefix(v, digestMark) {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	return digestMark + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Search keys keep at most indexKeyMax bytes (cut at a rune boundary, so
// at least indexKeyMax-3 survive); filters then check the full value.
// A query longer than queryKeyMax searches its first queryKeyMax bytes,
// which every stored key of a matching value holds whole.
const (
	indexKeyMax = 256
	queryKeyMax = 200
)

func indexValue(v string) string { return truncate(v, indexKeyMax) }

func truncate(v string, n int) string {
	if len(v) <= n {
		return v
	}
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return v[:n]
}

// conflictError maps a unique key taken by another user to Cognito's
// error. creating distinguishes the sign-up and create operations, where
// a username-attributes pool answers that the "username" (its email or
// phone) exists, from updates, where it is an alias that exists; admin
// selects AdminCreateUser's wording.
func conflictError(r rules, key string, creating, admin bool) error {
	attr, isAlias := strings.CutPrefix(key, aliasKeyPrefix)
	switch {
	case !isAlias && admin:
		// Real AWS CLI output: "UsernameExistsException … AdminCreateUser
		// operation: User account already exists".
		return errs.New(errs.UsernameExistsException, "User account already exists")
	case !isAlias:
		return errs.New(errs.UsernameExistsException, "User already exists")
	case creating && r.usernameAttrs[attr]:
		return errs.New(errs.UsernameExistsException, aliasExistsMessage(attr))
	}
	return errs.New(errs.AliasExistsException, aliasExistsMessage(attr))
}

// aliasExistsMessage: "An account with the given email already exists."
// (Amplify's catalogue of Cognito messages; the same text with the
// attribute's name for phone_number and preferred_username).
func aliasExistsMessage(attr string) string {
	return "An account with the given " + attr + " already exists."
}

// mapConflict turns a store unique-key conflict into conflictError and
// passes anything else through.
func mapConflict(err error, r rules, creating, admin bool) error {
	if name, ok := store.IsKeyConflict(err); ok {
		return conflictError(r, name, creating, admin)
	}
	return err
}
