package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type termsProps struct {
	ClientId    *string           `json:"ClientId,omitempty"`
	Enforcement *string           `json:"Enforcement,omitempty"`
	Links       map[string]string `json:"Links,omitempty"`
	TermsName   *string           `json:"TermsName,omitempty"`
	TermsSource *string           `json:"TermsSource,omitempty"`
	UserPoolId  *string           `json:"UserPoolId,omitempty"`
}

func init() {
	register("AWS::Cognito::Terms", &kind{
		props:   func() any { return &termsProps{} },
		replace: []string{"ClientId", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateTerms"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.CreateTermsRequest](props, nil), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.CreateTermsRequest](props, nil)
			var out cognitoidp.CreateTermsResponse
			if err := x.idp(ctx, "CreateTerms", req, &out); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = str(out.Terms.TermsId), *req.UserPoolId
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			return x.idp(ctx, "UpdateTerms", request(props, func(r *cognitoidp.UpdateTermsRequest) { r.TermsId = &x.physical }), nil)
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteTerms", &cognitoidp.DeleteTermsRequest{TermsId: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
		attrs: []string{"TermsId"},
		attr:  func(_ context.Context, x *rc, _ string) (string, error) { return x.physical, nil },
	})
	// Multi-Region replication is not part of cirro: one server is one
	// Region.
	for _, typ := range []string{"AWS::Cognito::UserPoolReplica", "AWS::Cognito::UserPoolRegionalConfigurationAttachment"} {
		register(typ, &kind{notYet: "user pool replication across Regions is not supported"})
	}
}
