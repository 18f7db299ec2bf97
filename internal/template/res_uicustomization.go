package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type uiCustomizationProps struct {
	CSS        *string `json:"CSS,omitempty"`
	ClientId   *string `json:"ClientId,omitempty"`
	UserPoolId *string `json:"UserPoolId,omitempty"`
}

func init() {
	set := func(ctx context.Context, x *rc, props any) error {
		req := request[cognitoidp.SetUICustomizationRequest](props, nil)
		if err := x.idp(ctx, "SetUICustomization", req, nil); err != nil {
			return err
		}
		x.physical = str(req.ClientId)
		x.attrs[attrPoolID] = *req.UserPoolId
		return nil
	}
	register("AWS::Cognito::UserPoolUICustomizationAttachment", &kind{
		props:   func() any { return &uiCustomizationProps{} },
		replace: []string{"ClientId", "UserPoolId"},
		needs:   []string{"cognito-idp:SetUICustomization"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.SetUICustomizationRequest](props, nil), nil, p)
		},
		create: set,
		update: set,
		// Cognito has no delete: setting nothing removes the customization.
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "SetUICustomization",
				&cognitoidp.SetUICustomizationRequest{UserPoolId: poolOf(x), ClientId: &x.physical}, nil))
		},
	})
}
