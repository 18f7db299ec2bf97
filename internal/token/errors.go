package token

import "github.com/cirrohq/cirro/internal/errs"

// Cognito's messages. The access-token and refresh-token texts are the
// ones Cognito returns, as reported verbatim by SDK users (amplify-js
// #2205 and #3540 "Access Token has been revoked", aws-sdk-net #1936 and
// amplify-swift #3344 "Refresh Token has been revoked", aws-sdk-cpp #1789
// raw body "Invalid Refresh Token.", aws-amplify-identity-broker #538
// "Invalid Access Token"); the ones marked "ours" are not documented and
// were written in the same style.
const (
	msgInvalidAccess  = "Invalid Access Token"
	msgAccessExpired  = "Access Token has expired"
	msgAccessRevoked  = "Access Token has been revoked"
	msgMissingScope   = "Access Token does not have required scopes"
	msgInvalidRefresh = "Invalid Refresh Token."
	msgRefreshExpired = "Refresh Token has expired"
	msgRefreshRevoked = "Refresh Token has been revoked"
	// ours: the model documents only the exception type.
	msgRefreshReused = "Refresh Token has been reused after rotation; the session is revoked"
	// ours: RevokeToken on a client without EnableTokenRevocation.
	msgRevocationOff = "Token revocation is not enabled for this app client."
	// ours: RevokeToken given an ID or access token.
	msgNotRefresh = "Only a refresh token can be revoked."
)

func notAuthorized(msg string) error { return errs.New(errs.NotAuthorizedException, msg) }

func poolNotFound(poolID string) error {
	return errs.New(errs.ResourceNotFoundException, "User pool "+poolID+" does not exist.")
}
