package user

import (
	"slices"
	"strings"
)

// filter is a parsed ListUsers filter: `attr = "value"` (exact) or
// `attr ^= "value"` (starts with), one attribute at a time; quotation
// marks and backslashes inside the value are escaped with a backslash
// (model, ListUsersRequest.Filter).
type filter struct {
	attr   string
	prefix bool
	value  string
}

// Real Cognito answers a filter it cannot read with "Error while parsing
// filter." (aws/aws-sdk-php#1088); an attribute that cannot be searched
// is refused by name.
var errFilterSyntax = invalid("Error while parsing filter.")

// parseFilter reads a filter; an empty (or blank) one is nil: "If the
// filter string is empty, ListUsers returns all users".
func parseFilter(s string) (*filter, error) {
	p := &filterParser{s: s}
	p.space()
	if p.done() {
		return nil, nil
	}
	f := &filter{attr: p.name()}
	p.space()
	switch {
	case p.take("^="):
		f.prefix = true
	case p.take("="):
	default:
		return nil, errFilterSyntax
	}
	p.space()
	value, ok := p.quoted()
	if !ok || f.attr == "" {
		return nil, errFilterSyntax
	}
	f.value = value
	p.space()
	if !p.done() {
		return nil, errFilterSyntax
	}
	if !slices.Contains(searchable, f.attr) {
		return nil, invalid("Invalid search attribute: " + f.attr)
	}
	return f, nil
}

type filterParser struct {
	s string
	i int
}

func (p *filterParser) done() bool { return p.i >= len(p.s) }

func (p *filterParser) space() {
	for !p.done() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *filterParser) take(tok string) bool {
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

// name reads an attribute name: letters, digits, '_' and the ':' of
// cognito:user_status (and of custom attributes, refused later by name).
func (p *filterParser) name() string {
	start := p.i
	for !p.done() {
		c := p.s[p.i]
		if c != '_' && c != ':' && c != '-' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9') {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

// quoted reads a double-quoted value with backslash escapes.
func (p *filterParser) quoted() (string, bool) {
	if !p.take(`"`) {
		return "", false
	}
	var b strings.Builder
	for !p.done() {
		c := p.s[p.i]
		p.i++
		switch c {
		case '"':
			return b.String(), true
		case '\\':
			if p.done() {
				return "", false
			}
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// normalize puts a filter value in the form the search keys hold (see
// rules.searchValue): names folded as the pool compares them, and the
// user status in capitals, since cognito:user_status is matched "case-
// insensitive" (model).
func (f *filter) normalize(r rules) string {
	switch f.attr {
	case "cognito:user_status":
		return strings.ToUpper(f.value)
	case "username", attrEmail, attrPreferredUsername:
		return r.fold(f.attr, f.value)
	}
	return f.value
}

// matches checks a user's full value (the search key may be truncated).
func (f *filter) matches(r rules, u *User, want string) bool {
	got := r.searchValue(u, f.attr)
	if f.prefix {
		return strings.HasPrefix(got, want)
	}
	return got == want
}
