package template

import (
	"context"
	"fmt"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const typeClient = "AWS::Cognito::UserPoolClient"

// clientProps are AWS::Cognito::UserPoolClient's properties; their names
// are CreateUserPoolClient's members, so requests are built by copy.
type clientProps struct {
	AccessTokenValidity                      *int32                                 `json:"AccessTokenValidity,omitempty"`
	AllowedOAuthFlows                        []string                               `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthFlowsUserPoolClient          *bool                                  `json:"AllowedOAuthFlowsUserPoolClient,omitempty"`
	AllowedOAuthScopes                       []string                               `json:"AllowedOAuthScopes,omitempty"`
	AnalyticsConfiguration                   *cognitoidp.AnalyticsConfigurationType `json:"AnalyticsConfiguration,omitempty"`
	AuthSessionValidity                      *int32                                 `json:"AuthSessionValidity,omitempty"`
	CallbackURLs                             []string                               `json:"CallbackURLs,omitempty"`
	ClientName                               *string                                `json:"ClientName,omitempty"`
	DefaultRedirectURI                       *string                                `json:"DefaultRedirectURI,omitempty"`
	EnablePropagateAdditionalUserContextData *bool                                  `json:"EnablePropagateAdditionalUserContextData,omitempty"`
	EnableTokenRevocation                    *bool                                  `json:"EnableTokenRevocation,omitempty"`
	ExplicitAuthFlows                        []string                               `json:"ExplicitAuthFlows,omitempty"`
	GenerateSecret                           *bool                                  `json:"GenerateSecret,omitempty"`
	IdTokenValidity                          *int32                                 `json:"IdTokenValidity,omitempty"`
	LogoutURLs                               []string                               `json:"LogoutURLs,omitempty"`
	PreventUserExistenceErrors               *string                                `json:"PreventUserExistenceErrors,omitempty"`
	ReadAttributes                           []string                               `json:"ReadAttributes,omitempty"`
	RefreshTokenRotation                     *cognitoidp.RefreshTokenRotationType   `json:"RefreshTokenRotation,omitempty"`
	RefreshTokenValidity                     *int32                                 `json:"RefreshTokenValidity,omitempty"`
	SupportedIdentityProviders               []string                               `json:"SupportedIdentityProviders,omitempty"`
	TokenValidityUnits                       *cognitoidp.TokenValidityUnitsType     `json:"TokenValidityUnits,omitempty"`
	UserPoolId                               *string                                `json:"UserPoolId,omitempty"`
	WriteAttributes                          []string                               `json:"WriteAttributes,omitempty"`
}

func init() {
	register(typeClient, &kind{
		props:   func() any { return &clientProps{} },
		replace: []string{"GenerateSecret", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateUserPoolClient"},
		check: func(x *rc, props any, p *problems) {
			req, _ := clientRequest(x, props.(*clientProps))
			modelCheck(req, nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req, err := clientRequest(x, props.(*clientProps))
			if err != nil {
				return err
			}
			var out cognitoidp.CreateUserPoolClientResponse
			if err := x.idp(ctx, "CreateUserPoolClient", req, &out); err != nil {
				return clientProviderError(x, req.SupportedIdentityProviders, err)
			}
			x.physical = *out.UserPoolClient.ClientId
			x.attrs[attrPoolID] = str(req.UserPoolId)
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			c, err := clientRequest(x, props.(*clientProps))
			if err != nil {
				return err
			}
			var req cognitoidp.UpdateUserPoolClientRequest
			if err := assign(&req, c); err != nil {
				return err
			}
			req.ClientId = &x.physical
			return clientProviderError(x, req.SupportedIdentityProviders, x.idp(ctx, "UpdateUserPoolClient", &req, nil))
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteUserPoolClient",
				&cognitoidp.DeleteUserPoolClientRequest{UserPoolId: ptr(x.attrs[attrPoolID]), ClientId: &x.physical}, nil))
		},
		attrs: []string{"ClientId", "ClientSecret", "Name"},
		lazy:  []string{"ClientSecret"},
		attr:  clientAttr,
	})
}

// clientRequest is CreateUserPoolClient's request for the properties.
// Identity providers of the template that the server cannot create (a
// remote server older than federation) are left out of
// SupportedIdentityProviders, with a line in the log. A provider of the
// template that the client lists without depending on it gets a warning:
// the order that makes it work here is chance, and CloudFormation, which
// creates resources in parallel, may well create the client first.
func clientRequest(x *rc, in *clientProps) (*cognitoidp.CreateUserPoolClientRequest, error) {
	var req cognitoidp.CreateUserPoolClientRequest
	if err := assign(&req, in); err != nil {
		return nil, err
	}
	req.ClientName = ptr(x.name(in.ClientName, 128))
	if !x.placeholder {
		for _, p := range unorderedProviders(x, req.SupportedIdentityProviders) {
			x.eng.logf("warning: %s (%s): SupportedIdentityProviders lists %s, made by %s, without referring to it or naming it in DependsOn; "+
				"nothing orders the provider first (add DependsOn: [%s])", x.id, typeClient, p.name, p.id, p.id)
		}
	}
	if x.pl != nil && len(x.pl.unmanagedProviders) > 0 {
		kept := slices.DeleteFunc(slices.Clone(req.SupportedIdentityProviders), func(n string) bool { return x.pl.unmanagedProviders[n] })
		if len(kept) != len(req.SupportedIdentityProviders) && !x.placeholder {
			x.eng.logf("%s: SupportedIdentityProviders: left out %v (the server does not implement CreateIdentityProvider)",
				x.id, dropped(req.SupportedIdentityProviders, kept))
		}
		req.SupportedIdentityProviders = kept
	}
	return &req, nil
}

func dropped(all, kept []string) []string {
	var out []string
	for _, n := range all {
		if !slices.Contains(kept, n) {
			out = append(out, n)
		}
	}
	return out
}

func clientAttr(ctx context.Context, x *rc, name string) (string, error) {
	switch name {
	case "ClientId":
		return x.physical, nil
	case "Name":
		if n, ok := x.old.Properties["ClientName"].(string); ok {
			return n, nil
		}
		return x.attrs[attrGeneratedName], nil
	case "ClientSecret":
		var out cognitoidp.DescribeUserPoolClientResponse
		if err := x.idp(ctx, "DescribeUserPoolClient", &cognitoidp.DescribeUserPoolClientRequest{
			UserPoolId: ptr(x.attrs[attrPoolID]), ClientId: &x.physical}, &out); err != nil {
			return "", err
		}
		if out.UserPoolClient.ClientSecret == nil {
			return "", fmt.Errorf("%s has no secret (GenerateSecret is not true)", x.id)
		}
		return *out.UserPoolClient.ClientSecret, nil
	}
	return "", fmt.Errorf("no attribute %s", name)
}
