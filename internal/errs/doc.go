// Package errs carries Cognito's error types from the domain to the wire.
//
// The domain decides which Cognito error a failure is (UserNotFoundException,
// InvalidParameterException …) and returns an *Error; the wire edge encodes
// it once as {"__type": …, "message": …}. Anything that is not an *Error is
// an internal failure: it is logged and answered as InternalErrorException
// without leaking its text.
package errs
