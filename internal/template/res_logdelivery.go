package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type logDeliveryProps struct {
	LogConfigurations []cognitoidp.LogConfigurationType `json:"LogConfigurations,omitempty"`
	UserPoolId        *string                           `json:"UserPoolId,omitempty"`
}

func init() {
	set := func(ctx context.Context, x *rc, props any) error {
		req := logDeliveryRequest(props)
		if err := x.idp(ctx, "SetLogDeliveryConfiguration", req, nil); err != nil {
			return err
		}
		x.physical, x.attrs[attrPoolID] = *req.UserPoolId, *req.UserPoolId
		return nil
	}
	register("AWS::Cognito::LogDeliveryConfiguration", &kind{
		props:   func() any { return &logDeliveryProps{} },
		replace: []string{"UserPoolId"},
		needs:   []string{"cognito-idp:SetLogDeliveryConfiguration"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(logDeliveryRequest(props), nil, p)
		},
		create: set,
		update: set,
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "SetLogDeliveryConfiguration", &cognitoidp.SetLogDeliveryConfigurationRequest{
				UserPoolId: poolOf(x), LogConfigurations: []cognitoidp.LogConfigurationType{}}, nil))
		},
		attrs: []string{"Id"},
		attr:  func(_ context.Context, x *rc, _ string) (string, error) { return x.physical, nil },
	})
}

// logDeliveryRequest: CloudFormation's LogConfigurations is optional, the
// API's is required; none means none.
func logDeliveryRequest(props any) *cognitoidp.SetLogDeliveryConfigurationRequest {
	return request(props, func(r *cognitoidp.SetLogDeliveryConfigurationRequest) {
		if r.LogConfigurations == nil {
			r.LogConfigurations = []cognitoidp.LogConfigurationType{}
		}
	})
}
