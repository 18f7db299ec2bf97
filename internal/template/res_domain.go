package template

import (
	"context"
	"fmt"
	"strconv"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type domainProps struct {
	CustomDomainConfig  *cognitoidp.CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	Domain              *string                            `json:"Domain,omitempty"`
	ManagedLoginVersion *int32                             `json:"ManagedLoginVersion,omitempty"`
	Routing             *cognitoidp.RoutingType            `json:"Routing,omitempty"`
	UserPoolId          *string                            `json:"UserPoolId,omitempty"`
}

// attrCloudFront records the CloudFront domain a domain was given.
const attrCloudFront = "CloudFrontDistribution"

func init() {
	register("AWS::Cognito::UserPoolDomain", &kind{
		props:   func() any { return &domainProps{} },
		replace: []string{"Domain", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateUserPoolDomain"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.CreateUserPoolDomainRequest](props, nil), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.CreateUserPoolDomainRequest](props, nil)
			var out cognitoidp.CreateUserPoolDomainResponse
			if err := x.idp(ctx, "CreateUserPoolDomain", req, &out); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = *req.Domain, *req.UserPoolId
			x.attrs[attrCloudFront] = str(out.CloudFrontDomain)
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			var out cognitoidp.UpdateUserPoolDomainResponse
			if err := x.idp(ctx, "UpdateUserPoolDomain", request[cognitoidp.UpdateUserPoolDomainRequest](props, nil), &out); err != nil {
				return err
			}
			if out.CloudFrontDomain != nil {
				x.attrs[attrCloudFront] = *out.CloudFrontDomain
			}
			return nil
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteUserPoolDomain",
				&cognitoidp.DeleteUserPoolDomainRequest{Domain: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
		attrs: []string{attrCloudFront, "ManagedLoginVersion"},
		attr: func(_ context.Context, x *rc, name string) (string, error) {
			switch name {
			case attrCloudFront:
				return x.attrs[attrCloudFront], nil
			case "ManagedLoginVersion":
				if v, err := toInt(x.old.Properties["ManagedLoginVersion"]); err == nil {
					return strconv.FormatInt(v, 10), nil
				}
				return "1", nil
			}
			return "", fmt.Errorf("no attribute %s", name)
		},
	})
}
