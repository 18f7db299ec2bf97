package user

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// ImportedUser is one row of a CSV user import (internal/userimport): the
// cognito:username column, the attribute columns that have a value, and
// cognito:mfa_enabled.
type ImportedUser struct {
	Username   string
	Attributes map[string]string
	MFAEnabled bool
}

// usernameRE is the model's UsernameType pattern, which AdminCreateUser
// enforces at the edge and a CSV row, which never passes the edge, must
// meet here: "It can be any Unicode string. However, it cannot contain
// spaces or tabs" (developer guide, Creating the user import .csv file).
var usernameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

// Import creates, in tx, one user of pool p from a CSV import row, by the
// rules of AdminCreateUser (the schema, a verified flag needs its value,
// the pool's username rules, unique names) and, unlike AdminCreateUser,
// with every required attribute ("Any attributes that you marked as
// required when you created the user pool", developer guide). The user is
// RESET_REQUIRED and has no password ("Password import is not supported
// … your users will be in a RESET_REQUIRED state"); no message goes out
// and no trigger runs.
//
// A username (or, in a pool that signs in with an email address or phone
// number, that value) already taken is UsernameExistsException, which an
// import counts as skipped; a taken alias is AliasExistsException. The
// insert runs in a savepoint, so a refused row leaves tx usable.
func (s *Service) Import(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, in ImportedUser) (*User, error) {
	if n := utf8.RuneCountInString(in.Username); n == 0 || n > 128 || !usernameRE.MatchString(in.Username) {
		return nil, invalid("cognito:username must be 1 to 128 characters with no spaces or tabs.")
	}
	list := make([]cognitoidp.AttributeType, 0, len(in.Attributes))
	for _, name := range slices.Sorted(maps.Keys(in.Attributes)) {
		list = append(list, cognitoidp.AttributeType{Name: ptr(name), Value: ptr(in.Attributes[name])})
	}
	attrs, err := attrRules{pool: p, who: byAdmin}.parse(list)
	if err != nil {
		return nil, err
	}
	for _, attr := range contactAttrs {
		if attrs[attr+verifiedSuffix] == "true" && attrs[attr] == "" {
			return nil, invalid("A value for " + attr + " is required to set " + attr + verifiedSuffix + " to true.")
		}
	}
	r := rulesOf(p)
	u := s.blankUser(p, StatusResetRequired, attrs)
	for _, attr := range []string{attrEmail, attrPhone} {
		// The username becomes this attribute (newUsername); a
		// different value in its own column would be silently lost.
		if r.usernameAttrs[attr] && u.Attributes[attr] != "" && u.Attributes[attr] != in.Username {
			return nil, invalid("cognito:username must equal " + attr + " in a user pool that signs in with " + attr + ".")
		}
	}
	if u.Username, err = r.newUsername(in.Username, u.Sub, u.Attributes); err != nil {
		return nil, err
	}
	if err := checkRequired(p, u.Attributes); err != nil {
		return nil, err
	}
	if in.MFAEnabled && u.Attributes[attrPhone] != "" {
		u.MFA.Enabled = []string{MFASMS}
	}
	if err := s.Insert(ctx, tx, p, u); err != nil {
		return nil, mapConflict(err, r, true, true)
	}
	return u, nil
}
