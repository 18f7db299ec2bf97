package identitypool

import (
	"context"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// maxRules is Cognito's documented limit ("You can specify up to 25
// rules per identity provider"); the model allows 400.
const maxRules = 25

// SetIdentityPoolRoles replaces a pool's default roles and role mappings.
func (s *Service) SetIdentityPoolRoles(ctx context.Context, in *cognitoidentity.SetIdentityPoolRolesInput) error {
	for kind, arn := range in.Roles {
		if !isRoleARN(arn) {
			return invalidParameter("The %s role %s is not an IAM role ARN.", kind, arn)
		}
	}
	for key, m := range in.RoleMappings {
		if err := checkRoleMapping(key, &m); err != nil {
			return err
		}
	}
	_, err := s.editPool(ctx, *in.IdentityPoolId, func(p *poolDoc) error {
		for key := range in.RoleMappings {
			if !s.isMappingKey(p, key) {
				return invalidParameter(msgNotRoleMappingKey, key)
			}
		}
		p.Roles, p.RoleMappings = in.Roles, in.RoleMappings
		return nil
	})
	return err
}

// GetIdentityPoolRoles returns a pool's default roles and role mappings.
func (s *Service) GetIdentityPoolRoles(ctx context.Context, in *cognitoidentity.GetIdentityPoolRolesInput) (*cognitoidentity.GetIdentityPoolRolesResponse, error) {
	p, err := s.readPool(ctx, *in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	roles := p.Roles
	if roles == nil {
		roles = map[string]string{}
	}
	return &cognitoidentity.GetIdentityPoolRolesResponse{IdentityPoolId: p.Pool.IdentityPoolId, Roles: roles, RoleMappings: p.RoleMappings}, nil
}

// checkRoleMapping enforces what the model documents in prose: "If you
// specify Token or Rules as the Type, AmbiguousRoleResolution is
// required", and Rules need their rules.
func checkRoleMapping(key string, m *cognitoidentity.RoleMapping) error {
	if m.AmbiguousRoleResolution == nil {
		return invalidParameter("AmbiguousRoleResolution is required for the role mapping of %s.", key)
	}
	if *m.Type != cognitoidentity.RoleMappingTypeRules {
		return nil
	}
	if m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) == 0 {
		return invalidParameter("RulesConfiguration is required for the Rules role mapping of %s.", key)
	}
	if len(m.RulesConfiguration.Rules) > maxRules {
		return invalidParameter("The role mapping of %s has more than %d rules.", key, maxRules)
	}
	for _, r := range m.RulesConfiguration.Rules {
		if !isRoleARN(*r.RoleARN) {
			return invalidParameter("The rule role %s is not an IAM role ARN.", *r.RoleARN)
		}
	}
	return nil
}

// isMappingKey reports whether key names a provider of the pool the way
// role mappings do: a user pool as <providerName>:<clientId> (one of the
// clients the pool lists), any other provider by its name.
func (s *Service) isMappingKey(p *poolDoc, key string) bool {
	if up, client, ok := s.splitUserPoolKey(key); ok {
		for _, c := range p.Pool.CognitoIdentityProviders {
			if id, ok := s.userPoolOf(*c.ProviderName); ok && id == up && *c.ClientId == client {
				return true
			}
		}
		return false
	}
	pr, ok := s.findProvider(p, key)
	return ok && (pr.kind == oidcProvider || pr.kind == socialProvider || pr.kind == samlProvider)
}

// splitUserPoolKey splits a user pool's role-mapping key,
// <providerName>:<clientId>. Client ids have no colon, provider names
// may (a host with a port), so the split is at the last one.
func (s *Service) splitUserPoolKey(key string) (poolID, clientID string, ok bool) {
	i := strings.LastIndexByte(key, ':')
	if i < 0 {
		return "", "", false
	}
	poolID, ok = s.userPoolOf(key[:i])
	return poolID, key[i+1:], ok && i+1 < len(key)
}
