package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const typeRiskConfiguration = "AWS::Cognito::UserPoolRiskConfigurationAttachment"

type riskConfigurationProps struct {
	AccountTakeoverRiskConfiguration        *cognitoidp.AccountTakeoverRiskConfigurationType        `json:"AccountTakeoverRiskConfiguration,omitempty"`
	ClientId                                *string                                                 `json:"ClientId,omitempty"`
	CompromisedCredentialsRiskConfiguration *cognitoidp.CompromisedCredentialsRiskConfigurationType `json:"CompromisedCredentialsRiskConfiguration,omitempty"`
	RiskExceptionConfiguration              *cognitoidp.RiskExceptionConfigurationType              `json:"RiskExceptionConfiguration,omitempty"`
	UserPoolId                              *string                                                 `json:"UserPoolId,omitempty"`
}

// ClientId "ALL" is the pool's own configuration (the server treats it as
// SetRiskConfiguration without a client). Against a server that does not
// implement SetRiskConfiguration the resource is reported "not yet".
func init() {
	set := func(ctx context.Context, x *rc, props any) error {
		req := request[cognitoidp.SetRiskConfigurationRequest](props, nil)
		if err := x.idp(ctx, "SetRiskConfiguration", req, nil); err != nil {
			return err
		}
		x.physical = *req.UserPoolId + "/" + str(req.ClientId)
		x.attrs[attrPoolID] = *req.UserPoolId
		return nil
	}
	register(typeRiskConfiguration, &kind{
		props:   func() any { return &riskConfigurationProps{} },
		replace: []string{"ClientId", "UserPoolId"},
		needs:   []string{"cognito-idp:SetRiskConfiguration"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.SetRiskConfigurationRequest](props, nil), nil, p)
		},
		create: set,
		update: set,
		remove: func(ctx context.Context, x *rc, _ bool) error {
			req := &cognitoidp.SetRiskConfigurationRequest{UserPoolId: poolOf(x)}
			if client := x.old.Properties["ClientId"]; client != nil {
				req.ClientId = ptr(client.(string))
			}
			return ignoreNotFound(x.idp(ctx, "SetRiskConfiguration", req, nil))
		},
	})
}
