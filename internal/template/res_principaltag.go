package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

type principalTagProps struct {
	IdentityPoolId       *string           `json:"IdentityPoolId,omitempty"`
	IdentityProviderName *string           `json:"IdentityProviderName,omitempty"`
	PrincipalTags        map[string]string `json:"PrincipalTags,omitempty"`
	UseDefaults          *bool             `json:"UseDefaults,omitempty"`
}

const attrProviderName = "IdentityProviderName"

func init() {
	set := func(ctx context.Context, x *rc, props any) error {
		req := request[cognitoidentity.SetPrincipalTagAttributeMapInput](props, nil)
		if err := x.identity(ctx, "SetPrincipalTagAttributeMap", req, nil); err != nil {
			return err
		}
		x.physical = *req.IdentityPoolId + "|" + *req.IdentityProviderName
		x.attrs[attrIdentityPoolID], x.attrs[attrProviderName] = *req.IdentityPoolId, *req.IdentityProviderName
		return nil
	}
	register("AWS::Cognito::IdentityPoolPrincipalTag", &kind{
		props:   func() any { return &principalTagProps{} },
		replace: []string{"IdentityPoolId", "IdentityProviderName"},
		needs:   []string{"cognito-identity:SetPrincipalTagAttributeMap"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidentity.SetPrincipalTagAttributeMapInput](props, nil), nil, p)
		},
		create: set,
		update: set,
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.identity(ctx, "SetPrincipalTagAttributeMap", &cognitoidentity.SetPrincipalTagAttributeMapInput{
				IdentityPoolId: ptr(x.attrs[attrIdentityPoolID]), IdentityProviderName: ptr(x.attrs[attrProviderName]),
				PrincipalTags: map[string]string{}, UseDefaults: ptr(true)}, nil))
		},
	})
}
