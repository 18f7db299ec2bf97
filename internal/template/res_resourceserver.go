package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type resourceServerProps struct {
	Identifier *string                              `json:"Identifier,omitempty"`
	Name       *string                              `json:"Name,omitempty"`
	Scopes     []cognitoidp.ResourceServerScopeType `json:"Scopes,omitempty"`
	UserPoolId *string                              `json:"UserPoolId,omitempty"`
}

func init() {
	register("AWS::Cognito::UserPoolResourceServer", &kind{
		props:   func() any { return &resourceServerProps{} },
		replace: []string{"Identifier", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateResourceServer"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.CreateResourceServerRequest](props, nil), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.CreateResourceServerRequest](props, nil)
			if err := x.idp(ctx, "CreateResourceServer", req, nil); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = *req.Identifier, *req.UserPoolId
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			return x.idp(ctx, "UpdateResourceServer", request[cognitoidp.UpdateResourceServerRequest](props, nil), nil)
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteResourceServer",
				&cognitoidp.DeleteResourceServerRequest{Identifier: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
	})
}
