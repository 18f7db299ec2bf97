package template

import (
	"context"
	"fmt"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// roleMapping is CloudFormation's RoleMapping: keyed by any name, with
// the provider it applies to inside (the API keys mappings by provider).
type roleMapping struct {
	AmbiguousRoleResolution *string                                 `json:"AmbiguousRoleResolution,omitempty"`
	IdentityProvider        *string                                 `json:"IdentityProvider,omitempty"`
	RulesConfiguration      *cognitoidentity.RulesConfigurationType `json:"RulesConfiguration,omitempty"`
	Type                    *string                                 `json:"Type,omitempty"`
}

type identityRolesProps struct {
	IdentityPoolId *string                `json:"IdentityPoolId,omitempty"`
	RoleMappings   map[string]roleMapping `json:"RoleMappings,omitempty"`
	Roles          map[string]string      `json:"Roles,omitempty"`
}

const attrIdentityPoolID = "IdentityPoolId"

func init() {
	set := func(ctx context.Context, x *rc, props any) error {
		req, err := identityRolesRequest(props.(*identityRolesProps))
		if err != nil {
			return err
		}
		if err := x.identity(ctx, "SetIdentityPoolRoles", req, nil); err != nil {
			return err
		}
		x.physical = *req.IdentityPoolId
		x.attrs[attrIdentityPoolID] = *req.IdentityPoolId
		return nil
	}
	register("AWS::Cognito::IdentityPoolRoleAttachment", &kind{
		props:   func() any { return &identityRolesProps{} },
		replace: []string{"IdentityPoolId"},
		needs:   []string{"cognito-identity:SetIdentityPoolRoles"},
		check: func(_ *rc, props any, p *problems) {
			req, err := identityRolesRequest(props.(*identityRolesProps))
			if err != nil {
				p.addf("RoleMappings", "%v", err)
				return
			}
			modelCheck(req, nil, p)
		},
		create: set,
		update: set,
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.identity(ctx, "SetIdentityPoolRoles", &cognitoidentity.SetIdentityPoolRolesInput{
				IdentityPoolId: ptr(x.attrs[attrIdentityPoolID]), Roles: map[string]string{}}, nil))
		},
	})
}

func identityRolesRequest(in *identityRolesProps) (*cognitoidentity.SetIdentityPoolRolesInput, error) {
	req := &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: in.IdentityPoolId, Roles: in.Roles}
	if req.Roles == nil {
		req.Roles = map[string]string{}
	}
	for key, m := range in.RoleMappings {
		if m.IdentityProvider == nil {
			return nil, fmt.Errorf("%s: IdentityProvider is required", key)
		}
		if req.RoleMappings == nil {
			req.RoleMappings = map[string]cognitoidentity.RoleMapping{}
		}
		req.RoleMappings[*m.IdentityProvider] = cognitoidentity.RoleMapping{
			AmbiguousRoleResolution: m.AmbiguousRoleResolution, RulesConfiguration: m.RulesConfiguration, Type: m.Type,
		}
	}
	return req, nil
}
