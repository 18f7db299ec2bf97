package template

import (
	"context"
	"encoding/json"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type brandingProps struct {
	Assets                   []cognitoidp.AssetType `json:"Assets,omitempty"`
	ClientId                 *string                `json:"ClientId,omitempty"`
	ReturnMergedResources    *bool                  `json:"ReturnMergedResources,omitempty"`
	Settings                 json.RawMessage        `json:"Settings,omitempty"`
	UseCognitoProvidedValues *bool                  `json:"UseCognitoProvidedValues,omitempty"`
	UserPoolId               *string                `json:"UserPoolId,omitempty"`
}

func init() {
	register("AWS::Cognito::ManagedLoginBranding", &kind{
		props:   func() any { return &brandingProps{} },
		replace: []string{"ClientId", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateManagedLoginBranding"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.CreateManagedLoginBrandingRequest](props, nil), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.CreateManagedLoginBrandingRequest](props, nil)
			var out cognitoidp.CreateManagedLoginBrandingResponse
			if err := x.idp(ctx, "CreateManagedLoginBranding", req, &out); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = str(out.ManagedLoginBranding.ManagedLoginBrandingId), *req.UserPoolId
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			return x.idp(ctx, "UpdateManagedLoginBranding", request(props, func(r *cognitoidp.UpdateManagedLoginBrandingRequest) {
				r.ManagedLoginBrandingId = &x.physical
			}), nil)
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteManagedLoginBranding",
				&cognitoidp.DeleteManagedLoginBrandingRequest{ManagedLoginBrandingId: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
		attrs: []string{"ManagedLoginBrandingId"},
		attr:  func(_ context.Context, x *rc, _ string) (string, error) { return x.physical, nil },
	})
}
