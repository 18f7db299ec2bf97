package identitypool

import (
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
)

// Cognito Identity's messages, as SDK users have quoted them in bug
// reports: "IdentityPool '…' not found." (amplify-js #1966),
// "Unauthenticated access is not supported for this identity pool."
// (amplify-js #1089), "Token is not from a supported provider of this
// identity pool." (amazon-cognito-identity-js #153), "Invalid login
// token. Issuer doesn't match providerName" (#40), "Logins don't match.
// Please include at least one valid login for this identity or identity
// pool." (amplify-js #2443), "Access to Identity '…' is forbidden."
// (aws-sdk-android #175), "Invalid identity pool configuration. Check
// assigned IAM roles for this pool." (amplify-swift #3124), "The
// ambiguous role mapping rules for: … denied this request." (amplify-js
// #3621), "… is not a valid RoleMapping ProviderName or is not a
// configured provider." (aws-cdk #22951), the two classic-flow refusals
// (aws-cli #7652, aws-rum-web #172) and "Invalid login token. Can't pass
// in a Cognito token." (aws-sdk-net #420).
const (
	msgUnauthenticated     = "Unauthenticated access is not supported for this identity pool."
	msgUnsupportedProvider = "Token is not from a supported provider of this identity pool."
	msgIssuerMismatch      = "Invalid login token. Issuer doesn't match providerName"
	msgLoginsDontMatch     = "Logins don't match. Please include at least one valid login for this identity or identity pool."
	msgForbidden           = "Access to Identity '%s' is forbidden."
	msgNoRole              = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
	msgAmbiguousDenied     = "The ambiguous role mapping rules for: %s denied this request."
	msgNotRoleMappingKey   = "%s is not a valid RoleMapping ProviderName or is not a configured provider."
	msgClassicFlowOff      = "Basic (classic) flow is not enabled, please use enhanced flow."
	msgClassicWithMappings = "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
	msgCognitoTokenInGetID = "Invalid login token. Can't pass in a Cognito token."
	msgDeveloperRegistered = "This developer user identifier is already registered with Cognito."
)

// Ours: Cognito documents only the exception types of these cases.
const (
	msgLoginLinkedElsewhere  = "Logins are already linked to another identity."
	msgCognitoTokenNotAlone  = "Invalid login token. A Cognito token cannot be combined with other logins."
	msgCognitoTokenNotYours  = "Invalid login token. The Cognito token was issued for another identity or identity pool."
	msgDeveloperLoginPublic  = "Developer provider logins are accepted only by GetOpenIdTokenForDeveloperIdentity."
	msgTooManyLogins         = "An identity can have at most 20 linked logins."
	msgOneLoginPerProvider   = "The identity is already linked to another user of %s."
	msgTwoUsersOfProvider    = "The logins name two users of %s."
	msgUnverifiableProvider  = "Invalid login token. cirro verifies OpenID Connect ID tokens only and cannot verify %s tokens."
	msgSAMLUnsupported       = "Invalid login token. cirro does not verify SAML assertions."
	msgNoSTS                 = "cirro has no STS endpoint configured (sts.endpoint), so it issues no AWS credentials; GetOpenIdToken works without one."
	msgCustomRoleNotInToken  = "The CustomRoleArn is not one of the roles in the token's cognito:roles claim."
	msgSTSUnreachable        = "The STS endpoint did not issue credentials; try again later."
	msgTokenDurationTooLong  = "TokenDuration cannot be more than 86400 seconds."
	msgLookupNeedsOne        = "Either IdentityId or DeveloperUserIdentifier must be provided."
	msgNoDeveloperProvider   = "The identity pool has no developer provider."
	msgWrongDeveloperName    = "DeveloperProviderName %s does not match the identity pool's developer provider."
	msgDeveloperNotFound     = "Developer user identifier %s was not found in the identity pool."
	msgTagMapNotFound        = "No principal tag attribute map is set for %s."
	msgProviderNotConfigured = "%s is not a configured provider of this identity pool."
)

func poolNotFound(id string) error {
	return errs.Newf(errs.ResourceNotFoundException, "IdentityPool '%s' not found.", id)
}

func identityNotFound(id string) error {
	return errs.Newf(errs.ResourceNotFoundException, "Identity '%s' not found.", id)
}

func forbidden(id string) error { return errs.Newf(errs.NotAuthorizedException, msgForbidden, id) }

func notAuthorized(format string, args ...any) error {
	return errs.New(errs.NotAuthorizedException, sprintf(format, args...))
}

func invalidParameter(format string, args ...any) error {
	return errs.New(errs.InvalidParameterException, sprintf(format, args...))
}

// sprintf leaves a message without arguments alone, so that one holding a
// literal % is not mangled.
func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
