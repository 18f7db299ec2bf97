package remote

import (
	"context"

	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
)

// idpOps are the cognito-idp operations templates and export use: the
// ones resources are made with, and the reads AwsCustomResources make.
func idpOps(c *cip.Client) map[string]call {
	return map[string]call{
		"AddCustomAttributes":                  idp(c.AddCustomAttributes),
		"AdminAddUserToGroup":                  idp(c.AdminAddUserToGroup),
		"AdminCreateUser":                      idp(c.AdminCreateUser),
		"AdminDeleteUser":                      idp(c.AdminDeleteUser),
		"AdminGetUser":                         idp(c.AdminGetUser),
		"AdminListGroupsForUser":               idp(c.AdminListGroupsForUser),
		"AdminRemoveUserFromGroup":             idp(c.AdminRemoveUserFromGroup),
		"CreateGroup":                          idp(c.CreateGroup),
		"CreateIdentityProvider":               idp(c.CreateIdentityProvider),
		"CreateManagedLoginBranding":           idp(c.CreateManagedLoginBranding),
		"CreateResourceServer":                 idp(c.CreateResourceServer),
		"CreateTerms":                          idp(c.CreateTerms),
		"CreateUserPool":                       idp(c.CreateUserPool),
		"CreateUserPoolClient":                 idp(c.CreateUserPoolClient),
		"CreateUserPoolDomain":                 idp(c.CreateUserPoolDomain),
		"DeleteGroup":                          idp(c.DeleteGroup),
		"DeleteIdentityProvider":               idp(c.DeleteIdentityProvider),
		"DeleteManagedLoginBranding":           idp(c.DeleteManagedLoginBranding),
		"DeleteResourceServer":                 idp(c.DeleteResourceServer),
		"DeleteTerms":                          idp(c.DeleteTerms),
		"DeleteUserPool":                       idp(c.DeleteUserPool),
		"DeleteUserPoolClient":                 idp(c.DeleteUserPoolClient),
		"DeleteUserPoolDomain":                 idp(c.DeleteUserPoolDomain),
		"DescribeIdentityProvider":             idp(c.DescribeIdentityProvider),
		"DescribeManagedLoginBranding":         idp(c.DescribeManagedLoginBranding),
		"DescribeManagedLoginBrandingByClient": idp(c.DescribeManagedLoginBrandingByClient),
		"DescribeResourceServer":               idp(c.DescribeResourceServer),
		"DescribeTerms":                        idp(c.DescribeTerms),
		"DescribeRiskConfiguration":            idp(c.DescribeRiskConfiguration),
		"DescribeUserPool":                     idp(c.DescribeUserPool),
		"DescribeUserPoolClient":               idp(c.DescribeUserPoolClient),
		"DescribeUserPoolDomain":               idp(c.DescribeUserPoolDomain),
		"GetGroup":                             idp(c.GetGroup),
		"GetLogDeliveryConfiguration":          idp(c.GetLogDeliveryConfiguration),
		"GetSigningCertificate":                idp(c.GetSigningCertificate),
		"GetUICustomization":                   idp(c.GetUICustomization),
		"GetUserPoolMfaConfig":                 idp(c.GetUserPoolMfaConfig),
		"ListGroups":                           idp(c.ListGroups),
		"ListIdentityProviders":                idp(c.ListIdentityProviders),
		"ListResourceServers":                  idp(c.ListResourceServers),
		"ListTerms":                            idp(c.ListTerms),
		"ListTagsForResource":                  idp(c.ListTagsForResource),
		"ListUserPoolClients":                  idp(c.ListUserPoolClients),
		"ListUserPools":                        idp(c.ListUserPools),
		"ListUsers":                            idp(c.ListUsers),
		"ListUsersInGroup":                     idp(c.ListUsersInGroup),
		"SetLogDeliveryConfiguration":          idp(c.SetLogDeliveryConfiguration),
		"SetRiskConfiguration":                 idp(c.SetRiskConfiguration),
		"SetUICustomization":                   idp(c.SetUICustomization),
		"SetUserPoolMfaConfig":                 idp(c.SetUserPoolMfaConfig),
		"UpdateGroup":                          idp(c.UpdateGroup),
		"UpdateIdentityProvider":               idp(c.UpdateIdentityProvider),
		"UpdateManagedLoginBranding":           idp(c.UpdateManagedLoginBranding),
		"UpdateResourceServer":                 idp(c.UpdateResourceServer),
		"UpdateTerms":                          idp(c.UpdateTerms),
		"UpdateUserPool":                       idp(c.UpdateUserPool),
		"UpdateUserPoolClient":                 idp(c.UpdateUserPoolClient),
		"UpdateUserPoolDomain":                 idp(c.UpdateUserPoolDomain),
	}
}

func identityOps(c *ci.Client) map[string]call {
	return map[string]call{
		"CreateIdentityPool":          identity(c.CreateIdentityPool),
		"DeleteIdentityPool":          identity(c.DeleteIdentityPool),
		"DescribeIdentityPool":        identity(c.DescribeIdentityPool),
		"GetIdentityPoolRoles":        identity(c.GetIdentityPoolRoles),
		"GetPrincipalTagAttributeMap": identity(c.GetPrincipalTagAttributeMap),
		"ListIdentityPools":           identity(c.ListIdentityPools),
		"SetIdentityPoolRoles":        identity(c.SetIdentityPoolRoles),
		"SetPrincipalTagAttributeMap": identity(c.SetPrincipalTagAttributeMap),
		"UpdateIdentityPool":          identity(c.UpdateIdentityPool),
	}
}

// idp adapts one client method: it is called with an empty input, the
// real body coming from the middleware (see passthrough).
func idp[I, O any](f func(context.Context, *I, ...func(*cip.Options)) (*O, error)) call {
	return func(ctx context.Context, mw func(*middleware.Stack) error) error {
		_, err := f(ctx, new(I), func(o *cip.Options) { o.APIOptions = append(o.APIOptions, mw) })
		return err
	}
}

func identity[I, O any](f func(context.Context, *I, ...func(*ci.Options)) (*O, error)) call {
	return func(ctx context.Context, mw func(*middleware.Stack) error) error {
		_, err := f(ctx, new(I), func(o *ci.Options) { o.APIOptions = append(o.APIOptions, mw) })
		return err
	}
}
