package template

import (
	"context"
	"fmt"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

const typeIdentityPool = "AWS::Cognito::IdentityPool"

// identityPoolProps are AWS::Cognito::IdentityPool's properties. The
// Cognito Sync ones (CognitoEvents, CognitoStreams, PushSync) belong to a
// service cirro does not provide: they are accepted and reported.
type identityPoolProps struct {
	AllowClassicFlow               *bool                                     `json:"AllowClassicFlow,omitempty"`
	AllowUnauthenticatedIdentities *bool                                     `json:"AllowUnauthenticatedIdentities,omitempty"`
	CognitoEvents                  any                                       `json:"CognitoEvents,omitempty"`
	CognitoIdentityProviders       []cognitoidentity.CognitoIdentityProvider `json:"CognitoIdentityProviders,omitempty"`
	CognitoStreams                 any                                       `json:"CognitoStreams,omitempty"`
	DeveloperProviderName          *string                                   `json:"DeveloperProviderName,omitempty"`
	IdentityPoolName               *string                                   `json:"IdentityPoolName,omitempty"`
	IdentityPoolTags               []tag                                     `json:"IdentityPoolTags,omitempty"`
	OpenIdConnectProviderARNs      []string                                  `json:"OpenIdConnectProviderARNs,omitempty"`
	PushSync                       any                                       `json:"PushSync,omitempty"`
	SamlProviderARNs               []string                                  `json:"SamlProviderARNs,omitempty"`
	SupportedLoginProviders        map[string]string                         `json:"SupportedLoginProviders,omitempty"`
}

// tag is CloudFormation's Key/Value tag.
type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Identity pools are being built in another package; until the server
// implements CreateIdentityPool these resources are reported "not yet".
func init() {
	register(typeIdentityPool, &kind{
		props: func() any { return &identityPoolProps{} },
		needs: []string{"cognito-identity:CreateIdentityPool"},
		check: func(x *rc, props any, p *problems) {
			modelCheck(identityPoolRequest(x, props.(*identityPoolProps)), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			var out cognitoidentity.IdentityPool
			if err := x.identity(ctx, "CreateIdentityPool", identityPoolRequest(x, props.(*identityPoolProps)), &out); err != nil {
				return err
			}
			x.physical = str(out.IdentityPoolId)
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			var req cognitoidentity.IdentityPool
			if err := assign(&req, identityPoolRequest(x, props.(*identityPoolProps))); err != nil {
				return err
			}
			req.IdentityPoolId = &x.physical
			return x.identity(ctx, "UpdateIdentityPool", &req, nil)
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.identity(ctx, "DeleteIdentityPool", &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: &x.physical}, nil))
		},
		attrs: []string{"Name", "Id"},
		attr: func(_ context.Context, x *rc, name string) (string, error) {
			switch name {
			case "Id":
				return x.physical, nil
			case "Name":
				if n, ok := x.old.Properties["IdentityPoolName"].(string); ok {
					return n, nil
				}
				return underscored(x.attrs[attrGeneratedName]), nil
			}
			return "", fmt.Errorf("no attribute %s", name)
		},
	})
}

func identityPoolRequest(x *rc, in *identityPoolProps) *cognitoidentity.CreateIdentityPoolInput {
	if !x.placeholder && (in.CognitoEvents != nil || in.CognitoStreams != nil || in.PushSync != nil) {
		x.eng.logf("%s: CognitoEvents, CognitoStreams and PushSync configure Cognito Sync, which cirro does not provide: ignored", x.id)
	}
	req := &cognitoidentity.CreateIdentityPoolInput{
		AllowClassicFlow:               in.AllowClassicFlow,
		AllowUnauthenticatedIdentities: in.AllowUnauthenticatedIdentities,
		CognitoIdentityProviders:       in.CognitoIdentityProviders,
		DeveloperProviderName:          in.DeveloperProviderName,
		// CloudFormation's generated names must fit the API's pattern
		// [\w ]+, so no hyphen.
		IdentityPoolName:          ptr(x.name(in.IdentityPoolName, 128)),
		OpenIdConnectProviderARNs: in.OpenIdConnectProviderARNs,
		SamlProviderARNs:          in.SamlProviderARNs,
		SupportedLoginProviders:   in.SupportedLoginProviders,
	}
	if in.IdentityPoolName == nil {
		req.IdentityPoolName = ptr(underscored(*req.IdentityPoolName))
	}
	if req.AllowUnauthenticatedIdentities == nil {
		req.AllowUnauthenticatedIdentities = ptr(false) // required by the API, optional in CloudFormation
	}
	if len(in.IdentityPoolTags) > 0 {
		req.IdentityPoolTags = map[string]string{}
		for _, t := range in.IdentityPoolTags {
			req.IdentityPoolTags[t.Key] = t.Value
		}
	}
	return req
}

func underscored(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	return string(b)
}
