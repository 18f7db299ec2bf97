package passkey

import "github.com/cirrohq/cirro/internal/errs"

// Cognito documents the exception types (model) but not their texts;
// these are ours.
var (
	errNotEnabled        = errs.New(errs.WebAuthnNotEnabledException, "Passkeys are not enabled for this user pool.")
	errConfigMissing     = errs.New(errs.WebAuthnConfigurationMissingException, "The user pool has no passkey relying party ID and no domain.")
	errChallengeNotFound = errs.New(errs.WebAuthnChallengeNotFoundException, "No passkey registration is in progress, or it has expired.")
	errClientMismatch    = errs.New(errs.WebAuthnClientMismatchException, "The passkey registration was started by another app client.")
	errOriginNotAllowed  = errs.New(errs.WebAuthnOriginNotAllowedException, "The passkey origin does not match the relying party ID of the user pool.")
	errRPMismatch        = errs.New(errs.WebAuthnRelyingPartyMismatchException, "The passkey credential is for another relying party ID.")
	errNotSupported      = errs.New(errs.WebAuthnCredentialNotSupportedException, "The passkey credential is not supported.")
	errInvalidCredential = errs.New(errs.InvalidParameterException, "The passkey credential is not valid.")
	errRegistered        = errs.New(errs.InvalidParameterException, "The passkey credential is already registered.")
	errTooMany           = errs.New(errs.LimitExceededException, "The user has the maximum number of passkeys.")
	errNotFound          = errs.New(errs.ResourceNotFoundException, "Passkey credential not found.")
	errUserNotFound      = errs.New(errs.UserNotFoundException, "User does not exist.")
	// errSignIn is a refused assertion: as a wrong password is refused.
	errSignIn = errs.New(errs.NotAuthorizedException, "Incorrect username or password.")
)
