package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/config"
)

// CommandInvoker runs a local program per invocation: the event on its
// standard input, the result on its standard output, as a Lambda handler
// receives and returns it.
//
// Exit status 0 means the standard output is the result. A non-zero exit
// is a function that threw: its message is the errorMessage of a Lambda
// error document on standard output ({"errorMessage": "…"}), else the last
// line of standard error. At the deadline the program and everything it
// started (its process group) are killed, and the invocation counts as a
// timeout.
//
// The program does not inherit cirro's environment, which may hold the
// master key (CIRRO_MASTER_KEY): it gets PATH and HOME, the configured
// variables, and CIRRO_TRIGGER_SOURCE and CIRRO_FUNCTION_ARN.
type CommandInvoker struct {
	cfg config.Command
}

// NewCommandInvoker returns an invoker for the command.
func NewCommandInvoker(cfg config.Command) *CommandInvoker { return &CommandInvoker{cfg: cfg} }

// maxStderr bounds the standard error kept for the error message.
const maxStderr = 64 << 10

// Invoke implements Invoker.
func (c *CommandInvoker) Invoke(ctx context.Context, fn Function, payload []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, c.cfg.Args[0], c.cfg.Args[1:]...)
	cmd.Dir = c.cfg.Dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, c.cfg.Env...)
	cmd.Env = append(cmd.Env, "CIRRO_TRIGGER_SOURCE="+fn.Source, "CIRRO_FUNCTION_ARN="+fn.ARN)
	cmd.Stdin = bytes.NewReader(payload)
	var stdout, stderr limitedBuffer
	stdout.limit, stderr.limit = maxOutput, maxStderr
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	killGroup(cmd)
	// Descendants that keep the output pipes open must not hold the
	// invocation past its deadline.
	cmd.WaitDelay = 100 * time.Millisecond

	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, &InvokeError{Reason: reasonTimeout, Retryable: errors.Is(ctx.Err(), context.DeadlineExceeded), Err: ctx.Err()}
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		var le lambdaError
		if json.Unmarshal(stdout.Bytes(), &le) == nil && le.ErrorMessage != "" {
			return nil, &FunctionError{Type: le.ErrorType, Message: le.ErrorMessage}
		}
		return nil, &FunctionError{Type: "ExitError", Message: lastLine(stderr.String(), exit.String())}
	case err != nil:
		return nil, &InvokeError{Reason: "Unable to run the function's command", Err: err}
	case stdout.overflow:
		return nil, &InvokeError{Reason: "Function answer exceeds 6 MB"}
	}
	return stdout.Bytes(), nil
}

// lastLine is the last non-empty line of s, or fallback.
func lastLine(s, fallback string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return clip(l, 1024)
	}
	return fallback
}

// limitedBuffer keeps the first limit bytes written and notes the rest.
type limitedBuffer struct {
	bytes.Buffer
	limit    int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room < len(p) {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
