package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const typeIdentityProvider = "AWS::Cognito::UserPoolIdentityProvider"

type identityProviderProps struct {
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
	ProviderDetails  map[string]string `json:"ProviderDetails,omitempty"`
	ProviderName     *string           `json:"ProviderName,omitempty"`
	ProviderType     *string           `json:"ProviderType,omitempty"`
	UserPoolId       *string           `json:"UserPoolId,omitempty"`
}

// Federation is another issue: until the server implements
// CreateIdentityProvider, these resources are reported "not yet" and the
// app clients naming them leave them out (see findUnmanagedProviders).
func init() {
	register(typeIdentityProvider, &kind{
		props:   func() any { return &identityProviderProps{} },
		replace: []string{"ProviderName", "ProviderType", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateIdentityProvider"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.CreateIdentityProviderRequest](props, nil), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.CreateIdentityProviderRequest](props, nil)
			if err := x.idp(ctx, "CreateIdentityProvider", req, nil); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = *req.ProviderName, *req.UserPoolId
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			return x.idp(ctx, "UpdateIdentityProvider", request[cognitoidp.UpdateIdentityProviderRequest](props, nil), nil)
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteIdentityProvider",
				&cognitoidp.DeleteIdentityProviderRequest{ProviderName: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
	})
}

// findUnmanagedProviders collects the names of identity providers the
// server cannot create.
func (e *Engine) findUnmanagedProviders(ctx context.Context, pl *Plan) error {
	pl.unmanagedProviders = map[string]bool{}
	for _, id := range pl.order {
		r := pl.tpl.Resources[id]
		if r.Type != typeIdentityProvider {
			continue
		}
		ok, err := e.Cloud.Supports(ctx, IdentityProvider, "CreateIdentityProvider")
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		ev := &evaluator{params: pl.params, conditions: pl.conditions, mappings: pl.tpl.Mappings, res: noResources{"ProviderName"}}
		if v, err := ev.eval(r.Properties["ProviderName"], "ProviderName"); err == nil {
			if s, ok := v.(string); ok {
				pl.unmanagedProviders[s] = true
			}
		}
	}
	return nil
}
