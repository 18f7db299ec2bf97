package api

import (
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// identityNotes lists identity pool operations that are only partly
// done.
var identityNotes = map[string]string{
	"GetId": "logins from cirro user pools and OpenID Connect providers (OIDC ARNs, Google, Sign in with Apple); " +
		"Facebook, Amazon, Twitter, Digits and SAML logins are refused; OIDC providers named by ARN are trusted for any audience",
	"GetCredentialsForIdentity": "needs an STS endpoint in the configuration (sts.endpoint); the OpenID token's issuer is " +
		"<public-url>/identitypool, not cognito-identity.amazonaws.com; guests get no scope-down policy",
	"GetOpenIdToken":                     "issuer <public-url>/identitypool, not cognito-identity.amazonaws.com; the signing key does not rotate",
	"GetOpenIdTokenForDeveloperIdentity": "issuer <public-url>/identitypool, not cognito-identity.amazonaws.com; the signing key does not rotate",
	"CreateIdentityPool":                 "the 1,000-pools quota is counted inside the transaction; OIDC and SAML provider ARNs are not checked against IAM",
}

// The notes join the compatibility table's (compat.go) from here, so that
// this family's registration stays in one file.
// identityHandlers registers the cognito-identity operations.
func (a *API) identityHandlers() *cognitoidentity.Handlers {
	s := a.IdentityPools
	return &cognitoidentity.Handlers{
		CreateIdentityPool:   s.CreateIdentityPool,
		DescribeIdentityPool: s.DescribeIdentityPool,
		UpdateIdentityPool:   s.UpdateIdentityPool,
		DeleteIdentityPool:   s.DeleteIdentityPool,
		ListIdentityPools:    s.ListIdentityPools,
		TagResource:          s.TagResource,
		UntagResource:        s.UntagResource,
		ListTagsForResource:  s.ListTagsForResource,

		SetIdentityPoolRoles:        s.SetIdentityPoolRoles,
		GetIdentityPoolRoles:        s.GetIdentityPoolRoles,
		SetPrincipalTagAttributeMap: s.SetPrincipalTagAttributeMap,
		GetPrincipalTagAttributeMap: s.GetPrincipalTagAttributeMap,

		GetId:                     s.GetId,
		GetOpenIdToken:            s.GetOpenIdToken,
		GetCredentialsForIdentity: s.GetCredentialsForIdentity,
		DescribeIdentity:          s.DescribeIdentity,
		ListIdentities:            s.ListIdentities,
		DeleteIdentities:          s.DeleteIdentities,
		UnlinkIdentity:            s.UnlinkIdentity,

		GetOpenIdTokenForDeveloperIdentity: s.GetOpenIdTokenForDeveloperIdentity,
		LookupDeveloperIdentity:            s.LookupDeveloperIdentity,
		MergeDeveloperIdentities:           s.MergeDeveloperIdentities,
		UnlinkDeveloperIdentity:            s.UnlinkDeveloperIdentity,
	}
}
