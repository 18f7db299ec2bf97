package user

import (
	"regexp"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Attribute names with rules of their own.
const (
	attrEmail             = "email"
	attrPhone             = "phone_number"
	attrPreferredUsername = "preferred_username"
	attrSub               = "sub"
	verifiedSuffix        = "_verified"
)

// contactAttrs are the attributes Cognito can verify, phone first: where
// it must choose one, Cognito verifies the phone number ("it chooses to
// verify the phone number by sending a verification code through SMS",
// developer guide, Signing up and confirming user accounts).
var contactAttrs = []string{attrPhone, attrEmail}

// rules are a pool's identity rules: which attributes are sign-in names,
// and whether names compare without regard to case.
type rules struct {
	pool *cognitoidp.UserPoolType
	// foldCase is UsernameConfiguration.CaseSensitive == false, which
	// "also enables both preferred_username and email alias to be case
	// insensitive, in addition to the username attribute" (model). The
	// API default, with no UsernameConfiguration, is case-sensitive.
	foldCase bool
	// alias are AliasAttributes: extra sign-in names, active for email
	// and phone_number only once verified.
	alias map[string]bool
	// usernameAttrs are UsernameAttributes: the user signs up with an
	// email or phone number instead of a username, which is then the sub.
	usernameAttrs map[string]bool
}

func rulesOf(p *cognitoidp.UserPoolType) rules {
	r := rules{pool: p, alias: map[string]bool{}, usernameAttrs: map[string]bool{}}
	if c := p.UsernameConfiguration; c != nil && c.CaseSensitive != nil && !*c.CaseSensitive {
		r.foldCase = true
	}
	for _, a := range p.AliasAttributes {
		r.alias[a] = true
	}
	for _, a := range p.UsernameAttributes {
		r.usernameAttrs[a] = true
	}
	return r
}

// poolID is the id of the rules' pool.
func (r rules) poolID() string { return *r.pool.Id }

// fold is how a name is compared: lowercased where the pool is case
// insensitive, as is for everything else (phone numbers have no case).
func (r rules) fold(attr, v string) string {
	if r.foldCase && (attr == "username" || attr == attrEmail || attr == attrPreferredUsername) {
		return strings.ToLower(v)
	}
	return v
}

// signInName is u's value of attr when it is one of u's sign-in names:
// an email or phone number of a username-attributes pool (verified or
// not: "It does not have to be verified", developer guide, Aliases), a
// verified email or phone alias, or a preferred_username alias, which
// needs no verification.
func (r rules) signInName(u *User, attr string) (string, bool) {
	v := u.Attributes[attr]
	switch {
	case v == "":
		return "", false
	case r.usernameAttrs[attr]:
		return v, true
	case !r.alias[attr]:
		return "", false
	case attr == attrPreferredUsername || u.Verified(attr):
		return v, true
	}
	return "", false
}

// signInAttrs are the attributes that may be sign-in names in this pool.
func (r rules) signInAttrs() []string {
	var out []string
	for _, a := range []string{attrEmail, attrPhone, attrPreferredUsername} {
		if r.alias[a] || r.usernameAttrs[a] {
			out = append(out, a)
		}
	}
	return out
}

// autoVerified reports whether the pool verifies attr by sending a code.
func (r rules) autoVerified(attr string) bool {
	return slices.Contains(r.pool.AutoVerifiedAttributes, attr)
}

// The shapes Cognito gives email addresses and phone numbers. Phone
// numbers are E.164: "+" and the country code, digits only (developer
// guide, User pool attributes). Email is checked loosely, as Cognito
// does: one @ between non-empty parts, no white space.
var (
	emailRE = regexp.MustCompile(`^[^\s@]+@[^\s@]+$`)
	phoneRE = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

func isEmail(v string) bool { return emailRE.MatchString(v) }
func isPhone(v string) bool { return phoneRE.MatchString(v) }
