package user

import (
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
)

// ErrNotFound is returned by the lookups other packages use (FindForSignIn,
// Get) when no user answers to the name; each caller words Cognito's
// error for its own operation.
var ErrNotFound = errors.New("user: not found")

// Cognito's messages. Sources: real AWS CLI output for "User does not
// exist." (docs/research/cognito-defaults.md §4.7); Amplify's catalogue of
// service messages and applications matching them verbatim for the
// others (code index: "Username/client id combination not found.",
// "User cannot be confirmed. Current status is CONFIRMED",
// "Cannot reset password for the user as there is no registered/verified
// email or phone_number", "User password cannot be reset in the current
// state.", "Cannot resend codes. Auto verification not turned on.").
var (
	// errUserNotFound answers the administrator operations.
	errUserNotFound = errs.New(errs.UserNotFoundException, "User does not exist.")
	// errUserClientNotFound answers the public operations (sign-up
	// confirmation, recovery) when PreventUserExistenceErrors is LEGACY.
	errUserClientNotFound = errs.New(errs.UserNotFoundException, "Username/client id combination not found.")
	errUserDisabled       = errs.New(errs.NotAuthorizedException, "User is disabled.")
	errCodeMismatch       = errs.New(errs.CodeMismatchException, "Invalid verification code provided, please try again.")
	errCodeExpired        = errs.New(errs.ExpiredCodeException, "Invalid code provided, please request a code again.")
	// Cognito's text for this one is not public; cirro's wording.
	errTooManyAttempts = errs.New(errs.TooManyFailedAttemptsException, "Too many failed attempts with this code; request a new code.")
	errNoRecovery      = errs.New(errs.InvalidParameterException, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	errCannotReset     = errs.New(errs.NotAuthorizedException, "User password cannot be reset in the current state.")
	errNoAutoVerify    = errs.New(errs.InvalidParameterException, "Cannot resend codes. Auto verification not turned on.")
	errAlreadyConfirm  = errs.New(errs.InvalidParameterException, "User is already confirmed.")
	// Cognito's text is not public; cirro's wording.
	errPasswordReused = errs.New(errs.PasswordHistoryPolicyViolationException, "Password has previously been used.")
)

func errCannotConfirm(status string) error {
	return errs.New(errs.NotAuthorizedException, "User cannot be confirmed. Current status is "+status)
}

// invalid is an InvalidParameterException.
func invalid(msg string) error { return errs.New(errs.InvalidParameterException, msg) }
