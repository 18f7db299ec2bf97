package mfa

import (
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/errs"
)

// Cognito's messages, as applications match them verbatim (code index):
// "Invalid code received for user" (CodeMismatchException, a wrong MFA
// code; Amplify's INVALID_MFA_CODE), "Your software token has already been
// used once." (ExpiredCodeException, a replayed TOTP), "Code mismatch and
// fail enable Software Token MFA" (EnableSoftwareTokenMFAException,
// VerifySoftwareToken; Amplify's end-to-end tests), "User does not have
// delivery config set to turn on SOFTWARE_TOKEN_MFA" and its SMS_MFA
// variant (InvalidParameterException, SetUserMFAPreference on a factor the
// user cannot receive), "User has not verified software token mfa"
// (Amplify's constant for an unverified authenticator). "Invalid code
// provided, please request a code again." is Cognito's ExpiredCodeException
// text elsewhere (internal/user).
var (
	errCodeMismatch   = errs.New(errs.CodeMismatchException, "Invalid code received for user")
	errCodeExpired    = errs.New(errs.ExpiredCodeException, "Invalid code provided, please request a code again.")
	errTOTPReused     = errs.New(errs.ExpiredCodeException, "Your software token has already been used once.")
	errEnableTOTP     = errs.New(errs.EnableSoftwareTokenMFAException, "Code mismatch and fail enable Software Token MFA")
	errTOTPUnverified = errs.New(errs.InvalidParameterException, "User has not verified software token mfa")
	errUserNotFound   = errs.New(errs.UserNotFoundException, "User does not exist.")

	// Ours: Cognito's texts for these are not public.
	errTOTPOff       = errs.New(errs.SoftwareTokenMFANotFoundException, "Software token MFA is not enabled for this user pool.")
	errNotAssociated = errs.New(errs.SoftwareTokenMFANotFoundException, "No software token is associated with the user; call AssociateSoftwareToken first.")
	errBothOrNeither = errs.New(errs.InvalidParameterException, "Provide either an AccessToken or a Session.")
	errTwoPreferred  = errs.New(errs.InvalidParameterException, "Only one MFA method can be preferred.")
	errPreferOff     = errs.New(errs.InvalidParameterException, "An MFA method that is turned off cannot be preferred.")

	// errSession is a session whose sealed data does not fit the answer.
	errSession = auth.ErrSessionInvalid
)

// errNoDelivery is Cognito's answer to turning on a factor the user has no
// verified destination or authenticator for.
func errNoDelivery(factor string) error {
	return errs.New(errs.InvalidParameterException, "User does not have delivery config set to turn on "+factor)
}

// errFactorOff refuses a factor the pool does not turn on (ours).
func errFactorOff(factor string) error {
	return errs.New(errs.InvalidParameterException, factor+" is not enabled for the user pool.")
}

// errUnknownChoice refuses a SELECT_MFA_TYPE answer that was not offered (ours).
func errUnknownChoice(answer string) error {
	return errs.New(errs.MFAMethodNotFoundException, "The MFA method "+answer+" is not available to the user.")
}
