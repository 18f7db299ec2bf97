package token

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// claimSet is a token's payload. A map, not a struct, because the pre
// token generation trigger adds arbitrary claims and suppresses any.
type claimSet map[string]any

// session is what ties tokens to one sign-in: the same for every token
// minted from it, refreshes included.
type session struct {
	poolID    string
	client    *cognitoidp.UserPoolClientType
	authTime  time.Time
	origin    string
	eventID   string
	deviceKey string
	scopes    []string
	oauth     bool
	nonce     string
}

func (ss *session) clientID() string { return *ss.client.ClientId }

// revocable reports whether the client has token revocation on: only then
// do Cognito's tokens carry jti and origin_jti (developer guide, "Revoking
// tokens": "After you enable token revocation, new claims are added ...
// The origin_jti and jti claims are added to access and ID tokens").
// New clients have it on by default; an unset value counts as on.
func revocable(c *cognitoidp.UserPoolClientType) bool {
	return c.EnableTokenRevocation == nil || *c.EnableTokenRevocation
}

// common are the claims both tokens carry.
func (s *Service) common(ss *session, sub, use string, now, exp time.Time) claimSet {
	c := claimSet{
		"sub":       sub,
		"iss":       s.Issuer(ss.poolID),
		"token_use": use,
		"auth_time": ss.authTime.Unix(),
		"iat":       now.Unix(),
		"exp":       exp.Unix(),
	}
	if revocable(ss.client) {
		c["jti"] = uuid.NewString()
		c["origin_jti"] = ss.origin
	}
	if ss.eventID != "" {
		c["event_id"] = ss.eventID
	}
	return c
}

// accessClaims are Cognito's access token claims (developer guide,
// "Understanding the access token").
func (s *Service) accessClaims(ss *session, u *Subject, cz *Customization, g groups, now, exp time.Time) claimSet {
	c := s.common(ss, u.Sub, UseAccess, now, exp)
	c["client_id"] = ss.clientID()
	c["username"] = u.Username
	if scope := joinScopes(ss.scopes, cz); scope != "" {
		c["scope"] = scope
	}
	if ss.deviceKey != "" {
		c["device_key"] = ss.deviceKey
	}
	if ss.oauth {
		c["version"] = 2
	}
	if len(g.names) > 0 {
		c["cognito:groups"] = g.names
	}
	cz.Access.apply(c, UseAccess)
	return c
}

// idClaims are Cognito's ID token claims (developer guide, "Understanding
// the identity (ID) token"): the user's readable attributes under their
// own names, then the claims Cognito sets, which no attribute overrides.
func (s *Service) idClaims(ss *session, u *Subject, cz *Customization, g groups, accessToken string, now, exp time.Time) claimSet {
	c := claimSet{}
	for name, v := range u.Attributes {
		if readable(ss.client, name) && !reservedAttribute[name] && !strings.HasPrefix(name, "dev:") {
			c[name] = attributeClaim(name, v)
		}
	}
	for k, v := range s.common(ss, u.Sub, UseID, now, exp) {
		c[k] = v
	}
	c["aud"] = ss.clientID()
	c["cognito:username"] = u.Username
	if len(g.names) > 0 {
		c["cognito:groups"] = g.names
	}
	if len(g.roles) > 0 {
		c["cognito:roles"] = g.roles
	}
	if g.preferred != "" {
		c["cognito:preferred_role"] = g.preferred
	}
	if len(u.Identities) > 0 {
		c["identities"] = identitiesClaim(u.Identities)
	}
	if ss.nonce != "" {
		c["nonce"] = ss.nonce
	}
	if ss.oauth {
		c["at_hash"] = atHash(accessToken)
	}
	cz.ID.apply(c, UseID)
	return c
}

// reservedAttribute are attributes that never become claims under their
// own name: sub is set from the user, identities is structured. Nor do
// developer-only attributes (dev:custom:…), which no app client reads.
var reservedAttribute = map[string]bool{"sub": true, "identities": true}

// readable reports whether the client may read an attribute. A client
// without ReadAttributes reads them all (model, ReadAttributes).
func readable(c *cognitoidp.UserPoolClientType, name string) bool {
	return len(c.ReadAttributes) == 0 || slices.Contains(c.ReadAttributes, name)
}

// attributeClaim types an attribute value the way Cognito's ID tokens do:
// the *_verified flags are JSON booleans, updated_at a number, address an
// OIDC address object; every other attribute, custom ones included, is
// the string it is stored as.
func attributeClaim(name, v string) any {
	switch name {
	case "email_verified", "phone_number_verified":
		return v == "true"
	case "updated_at":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case "address":
		return map[string]string{"formatted": v}
	}
	return v
}

// identitiesClaim is the identities claim in Cognito's shape, where
// primary and dateCreated are strings.
func identitiesClaim(ids []Identity) []map[string]any {
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		var issuer any
		if id.Issuer != "" {
			issuer = id.Issuer
		}
		out = append(out, map[string]any{
			"userId":       id.UserID,
			"providerName": id.ProviderName,
			"providerType": id.ProviderType,
			"issuer":       issuer,
			"primary":      strconv.FormatBool(id.Primary),
			"dateCreated":  strconv.FormatInt(id.DateCreated.UnixMilli(), 10),
		})
	}
	return out
}

// atHash is OIDC's at_hash for RS256: the left half of the SHA-256 of the
// access token, base64url.
func atHash(accessToken string) string {
	h := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(h[:len(h)/2])
}

// groups are the three group claims.
type groups struct {
	names, roles []string
	preferred    string
}

// groupClaims computes the group claims, or takes them from the trigger's
// override. Groups are listed by precedence, best (lowest) first, groups
// without precedence last, ties by name. The preferred role follows the
// developer guide ("Assigning precedence values to groups"): the role of
// the best-precedence group that has one; if groups tied at that
// precedence have different roles, there is no preferred role.
func groupClaims(in []Group, override *GroupOverride) groups {
	if override != nil {
		return groups{names: override.Groups, roles: override.IAMRoles, preferred: override.PreferredRole}
	}
	gs := slices.Clone(in)
	slices.SortStableFunc(gs, func(a, b Group) int {
		if c := comparePrecedence(a.Precedence, b.Precedence); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	var g groups
	var best *Group
	ambiguous := false
	for i := range gs {
		x := &gs[i]
		g.names = append(g.names, x.Name)
		if x.RoleArn == "" {
			continue
		}
		if !slices.Contains(g.roles, x.RoleArn) {
			g.roles = append(g.roles, x.RoleArn)
		}
		switch {
		case best == nil:
			best = x
		case comparePrecedence(x.Precedence, best.Precedence) == 0 && x.RoleArn != best.RoleArn:
			ambiguous = true
		}
	}
	if best != nil && !ambiguous {
		g.preferred = best.RoleArn
	}
	return g
}

// comparePrecedence orders precedences, nil after every value.
func comparePrecedence(a, b *int32) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// joinScopes applies the trigger's scope changes and joins the scopes
// with spaces, in order, without duplicates.
func joinScopes(scopes []string, cz *Customization) string {
	out := ""
	seen := map[string]bool{}
	for _, list := range [][]string{scopes, cz.ScopesToAdd} {
		for _, sc := range list {
			if sc == "" || seen[sc] || slices.Contains(cz.ScopesToSuppress, sc) {
				continue
			}
			seen[sc] = true
			if out != "" {
				out += " "
			}
			out += sc
		}
	}
	return out
}
