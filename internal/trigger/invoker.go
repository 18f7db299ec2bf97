package trigger

import (
	"context"
	"errors"
	"io"
	"strings"
)

// Invoker runs a function synchronously: the event in, the function's
// result out, both JSON. It reports a function that threw as
// *FunctionError and an invocation that got no answer as *InvokeError; the
// Service bounds each attempt with a deadline on ctx and retries.
type Invoker interface {
	Invoke(ctx context.Context, fn Function, payload []byte) ([]byte, error)
}

// InvokerFunc adapts a function to Invoker (tests).
type InvokerFunc func(ctx context.Context, fn Function, payload []byte) ([]byte, error)

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, fn Function, payload []byte) ([]byte, error) {
	return f(ctx, fn, payload)
}

// Function is the function an event goes to.
type Function struct {
	// ARN is the function's ARN as the pool names it.
	ARN string
	// Point and Source say which trigger this is, for receivers that serve
	// several (webhook headers, command environment).
	Point  Point
	Source string
}

// maxOutput bounds what cirro reads of a function's answer. Lambda's own
// limit for a synchronous response is 6 MB; a trigger's answer is small.
const maxOutput = 6 << 20

// readBounded reads at most maxOutput bytes of r, failing beyond.
func readBounded(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxOutput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxOutput {
		return nil, errors.New("function answer exceeds 6 MB")
	}
	return b, nil
}

// functionName parses arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
// into its parts; ok is false for anything else.
func functionName(arn string) (region, name, qualifier string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || parts[6] == "" {
		return "", "", "", false
	}
	if len(parts) == 8 {
		qualifier = parts[7]
	}
	return parts[3], parts[6], qualifier, true
}

// lambdaError is the document a Lambda runtime returns for a function
// that threw, which webhooks and commands may return too.
type lambdaError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// clip shortens text for an error message.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
