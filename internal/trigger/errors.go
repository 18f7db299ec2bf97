package trigger

import (
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
)

// FunctionError is a function that ran and failed ("threw"): a Lambda
// answer with X-Amz-Function-Error, a webhook's error document, a command
// that exited non-zero. Cognito passes its message to the caller.
type FunctionError struct {
	// Type is the error's type as the runtime reports it (errorType).
	Type    string
	Message string
}

func (e *FunctionError) Error() string { return "function error " + e.Type + ": " + e.Message }

// InvokeError is an invocation that produced no answer: the function could
// not be reached, refused the call, or did not answer in time. Retryable
// ones (throttling, timeouts, server faults) are tried again.
type InvokeError struct {
	// Reason completes Cognito's "X invocation failed due to error
	// <Reason>.": a Lambda error type (ResourceNotFoundException,
	// TooManyRequestsException …) or a description.
	Reason    string
	Retryable bool
	Err       error
}

func (e *InvokeError) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *InvokeError) Unwrap() error { return e.Err }

// reasonTimeout is what Cognito reports for a function that did not answer
// in time (quoted in amazon-cognito-identity-dart-2 #204: "PostAuthentication
// invocation failed due to error Socket timeout while invoking Lambda
// function.").
const reasonTimeout = "Socket timeout while invoking Lambda function"

// msgUnrecognizable is Cognito's InvalidLambdaResponseException message for
// an answer it cannot read (reported verbatim in aws-amplify/amplify-studio
// #1006 and jspruance/aws-cognito-tutorial-complete #3).
const msgUnrecognizable = "Unrecognizable lambda output"

// threw is UserLambdaValidationException: "PreSignUp failed with error
// <message>." is Cognito's wording for every trigger.
func threw(p Point, fe *FunctionError) *errs.Error {
	return &errs.Error{Code: errs.UserLambdaValidationException,
		Message: fmt.Sprintf("%s failed with error %s.", p, fe.Message), Cause: fe}
}

// unexpected is UnexpectedLambdaException, in Cognito's wording
// ("PreSignUp invocation failed due to error AccessDeniedException.").
func unexpected(p Point, reason string, cause error) *errs.Error {
	return &errs.Error{Code: errs.UnexpectedLambdaException,
		Message: fmt.Sprintf("%s invocation failed due to error %s.", p, reason), Cause: cause}
}

// invalidResponse is InvalidLambdaResponseException.
func invalidResponse(msg string, cause error) *errs.Error {
	return &errs.Error{Code: errs.InvalidLambdaResponseException, Message: msg, Cause: cause}
}

// classify turns an invoker's failure into Cognito's error.
func classify(p Point, err error) error {
	var fe *FunctionError
	if errors.As(err, &fe) {
		return threw(p, fe)
	}
	var ie *InvokeError
	if errors.As(err, &ie) {
		return unexpected(p, ie.Reason, ie)
	}
	if e, ok := errs.As(err); ok {
		return e
	}
	return unexpected(p, "Unable to invoke the function", err)
}

// ErrCustomAuthNotConfigured is Cognito's answer to CUSTOM_AUTH in a pool
// without the custom authentication triggers.
var ErrCustomAuthNotConfigured = errs.New(errs.InvalidParameterException, "Custom auth lambda trigger is not configured for the user pool.")
