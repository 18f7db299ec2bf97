package identitypool

import (
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// resolveRole picks the role a request's credentials assume (developer
// guide, "Role-based access control"). A guest gets the pool's
// unauthenticated role. An authenticated request whose login's provider
// has a role mapping gets the mapping's role: Token takes
// cognito:preferred_role, or the only one of cognito:roles (or
// CustomRoleArn when it is among them); Rules takes the role of the first
// rule that matches. When the mapping cannot decide, its
// AmbiguousRoleResolution either falls back to the authenticated role or
// denies. Without a mapping the pool's authenticated role applies. A role
// the pool lacks is a misconfigured pool.
func (s *Service) resolveRole(p *poolDoc, logins []*login, custom *string) (string, error) {
	if !authenticated(logins) {
		return defaultRole(p, "unauthenticated")
	}
	for _, l := range logins {
		m, ok := s.mappingFor(p, l)
		if !ok {
			continue
		}
		var role string
		var decided bool
		if *m.Type == cognitoidentity.RoleMappingTypeToken {
			var err error
			if role, decided, err = tokenRole(l.claims, custom); err != nil {
				return "", err
			}
		} else {
			role, decided = rulesRole(m.RulesConfiguration, l.claims)
		}
		if decided {
			return role, nil
		}
		if m.AmbiguousRoleResolution == nil || *m.AmbiguousRoleResolution == cognitoidentity.AmbiguousRoleResolutionTypeDeny {
			return "", notAuthorized(msgAmbiguousDenied, l.provider.name)
		}
		break
	}
	return defaultRole(p, "authenticated")
}

func defaultRole(p *poolDoc, kind string) (string, error) {
	if role := p.Roles[kind]; role != "" {
		return role, nil
	}
	return "", errs.New(errs.InvalidIdentityPoolConfigurationException, msgNoRole)
}

// mappingFor finds the role mapping of a login's provider: for a user
// pool, the one of the app client the token was issued to.
func (s *Service) mappingFor(p *poolDoc, l *login) (*cognitoidentity.RoleMapping, bool) {
	for key, m := range p.RoleMappings {
		if l.provider.kind == userPoolProvider {
			if up, client, ok := s.splitUserPoolKey(key); ok && up == l.provider.userPool && client == l.clientID {
				return &m, true
			}
		} else if key == l.provider.name {
			return &m, true
		}
	}
	return nil, false
}

// tokenRole decides a Token mapping from the token's role claims.
func tokenRole(claims map[string]any, custom *string) (string, bool, error) {
	roles := stringList(claims["cognito:roles"])
	if custom != nil {
		if !slices.Contains(roles, *custom) {
			return "", false, notAuthorized(msgCustomRoleNotInToken)
		}
		return *custom, true, nil
	}
	if preferred, _ := claims["cognito:preferred_role"].(string); preferred != "" {
		return preferred, true, nil
	}
	if len(roles) == 1 {
		return roles[0], true, nil
	}
	return "", false, nil
}

// rulesRole decides a Rules mapping: rules are evaluated in order and
// the first that matches gives the role.
func rulesRole(rc *cognitoidentity.RulesConfigurationType, claims map[string]any) (string, bool) {
	if rc == nil {
		return "", false
	}
	for _, r := range rc.Rules {
		if ruleMatches(*r.MatchType, *r.Value, claims[*r.Claim]) {
			return *r.RoleARN, true
		}
	}
	return "", false
}

// ruleMatches applies a rule to a claim. A multi-valued claim (such as
// cognito:groups) matches when one of its values does — for NotEqual,
// when none equals the value. A claim the token lacks matches nothing.
func ruleMatches(matchType, want string, claim any) bool {
	var values []string
	if v, ok := scalarClaim(claim); ok {
		values = []string{v}
	} else if list, ok := claim.([]any); ok {
		for _, x := range list {
			if v, ok := scalarClaim(x); ok {
				values = append(values, v)
			}
		}
	}
	if len(values) == 0 {
		return false
	}
	if matchType == cognitoidentity.MappingRuleMatchTypeNotequal {
		return !slices.Contains(values, want)
	}
	return slices.ContainsFunc(values, func(v string) bool {
		switch matchType {
		case cognitoidentity.MappingRuleMatchTypeEquals:
			return v == want
		case cognitoidentity.MappingRuleMatchTypeContains:
			return strings.Contains(v, want)
		case cognitoidentity.MappingRuleMatchTypeStartswith:
			return strings.HasPrefix(v, want)
		}
		return false
	})
}

// stringList reads a claim that holds strings: a list, or one string.
func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
