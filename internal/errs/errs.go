package errs

import (
	"errors"
	"fmt"
)

// Code is a Cognito error type name, the value of "__type" on the wire.
type Code string

// Error is a failure with a Cognito error type and a client-facing message.
type Error struct {
	Code    Code
	Message string
	// Status overrides the HTTP status (default: StatusOf(Code)).
	Status int
	// Cause is kept for logs; it is never sent to the client.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s (%v)", e.Code, e.Message, e.Cause)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an error of the given type.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Newf returns an error of the given type with a formatted message.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As extracts the *Error from err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err carries the given Cognito error type.
func Is(err error, code Code) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// HTTPStatus is the status the wire sends for err.
func HTTPStatus(err error) int {
	e, ok := As(err)
	if !ok {
		return 500
	}
	if e.Status != 0 {
		return e.Status
	}
	return StatusOf(e.Code)
}

// StatusOf is the HTTP status of an error type: 500 for faults, 400 otherwise.
func StatusOf(c Code) int {
	if faults[c] {
		return 500
	}
	return 400
}

// Protocol-level error types that are not shapes of either model but that
// AWS JSON services (and so the SDKs) use.
const (
	SerializationException              Code = "SerializationException"
	UnknownOperationException           Code = "UnknownOperationException"
	MissingAuthenticationTokenException Code = "MissingAuthenticationTokenException"
	InvalidSignatureException           Code = "InvalidSignatureException"
	UnrecognizedClientException         Code = "UnrecognizedClientException"
	IncompleteSignatureException        Code = "IncompleteSignatureException"
	RequestEntityTooLargeException      Code = "RequestEntityTooLargeException"
	NotImplementedException             Code = "NotImplementedException"
)
