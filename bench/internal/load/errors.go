package load

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/aws/smithy-go"
)

// ErrorCode classifies an error for the report: the Cognito error type
// the server answered with, or what went wrong on the way.
func ErrorCode(err error) string {
	var ae smithy.APIError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		return ae.ErrorCode()
	case errors.Is(err, errWrongAnswer):
		return "WrongAnswer"
	case errors.Is(err, errNoTokens):
		return "NoTokens"
	case errors.Is(err, errNoResult):
		return "NoResult"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "Timeout"
	case errors.Is(err, errBacklog):
		return "ClientBacklog"
	case strings.Contains(err.Error(), "connection refused"):
		return "ConnectionRefused"
	}
	return "Transport"
}

// describe is an error in one line: its code and the server's message.
// Describe is an error in one line: its code and the server's message.
func Describe(err error) string { return describe(err) }

func describe(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg := ae.ErrorMessage()
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		return ae.ErrorCode() + ": " + msg
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return ErrorCode(err) + ": " + s
}
