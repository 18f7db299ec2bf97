package auth

import "github.com/cirrohq/cirro/internal/errs"

// Cognito's messages. Sources: docs/research/cognito-defaults.md §4.7
// (real CLI output for "User does not exist."; "Incorrect username or
// password.", "User is disabled.", "User is not confirmed.", "Password
// attempts exceeded" from Amplify's catalogue of service messages) and
// applications that match the service's text verbatim (code index):
// "USER_PASSWORD_AUTH flow not enabled for this client", "USER_SRP_AUTH is
// not enabled for the client.", "Auth flow not enabled for this client",
// "Initiate Auth method not supported." (AWS-confirmed in moto #4836),
// "Missing required parameter SRP_A", "Invalid session for the user." and
// its ", session is expired." and ", session can only be used once."
// variants, "Password reset required for the user", "Invalid attributes
// given, name is missing", "Unable to verify secret hash for client <id>"
// and "Client <id> is configured with secret but SECRET_HASH was not
// received". The temporary password text is the one the issue quotes.
var (
	errIncorrect         = errs.New(errs.NotAuthorizedException, "Incorrect username or password.")
	errUserNotFound      = errs.New(errs.UserNotFoundException, "User does not exist.")
	errDisabled          = errs.New(errs.NotAuthorizedException, "User is disabled.")
	errNotConfirmed      = errs.New(errs.UserNotConfirmedException, "User is not confirmed.")
	errResetRequired     = errs.New(errs.PasswordResetRequiredException, "Password reset required for the user")
	errLocked            = errs.New(errs.NotAuthorizedException, "Password attempts exceeded")
	errTemporaryExpired  = errs.New(errs.NotAuthorizedException, "Temporary password has expired and must be reset by an administrator.")
	errMethodUnsupported = errs.New(errs.InvalidParameterException, "Initiate Auth method not supported.")
	errSessionInvalid    = errs.New(errs.NotAuthorizedException, "Invalid session for the user.")
	errSessionExpired    = errs.New(errs.NotAuthorizedException, "Invalid session for the user, session is expired.")
	errSessionUsed       = errs.New(errs.NotAuthorizedException, "Invalid session for the user, session can only be used once.")

	// Ours: Cognito's texts for these are not public.
	errBadSRPA        = errs.New(errs.InvalidParameterException, "SRP_A is not a valid SRP public value.")
	errBadTimestamp   = errs.New(errs.InvalidParameterException, "TIMESTAMP is not in the format \"EEE MMM d HH:mm:ss z yyyy\".")
	errTimestampSkew  = errs.New(errs.NotAuthorizedException, "TIMESTAMP is too far from the current time.")
	errRotationOn     = errs.New(errs.InvalidParameterException, "REFRESH_TOKEN_AUTH is not available when refresh token rotation is enabled; use GetTokensFromRefreshToken.")
	errEventNotFound  = errs.New(errs.ResourceNotFoundException, "Auth event not found.")
	errAddOnOff       = errs.New(errs.UserPoolAddOnNotEnabledException, "Threat protection is not enabled for this user pool.")
	errFeedbackToken  = errs.New(errs.NotAuthorizedException, "Invalid feedback token.")
	errChallengeMatch = errs.New(errs.InvalidParameterException, "The challenge name does not match the session.")
)

func missing(param string) error {
	return errs.New(errs.InvalidParameterException, "Missing required parameter "+param)
}

func invalid(msg string) error { return errs.New(errs.InvalidParameterException, msg) }
