package trigger

import (
	"os/exec"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
)

func shTriggers(t *testing.T, script string) config.TriggersConfig {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	return config.TriggersConfig{
		Functions: []config.TriggerFunction{{ARN: "arn:aws:lambda:*", Command: &config.Command{Args: []string{"sh", "-c", script}, Env: []string{"GREETING=hi"}}}},
		Timeout:   300 * time.Millisecond,
		Attempts:  1,
	}
}

func TestCommandInvokerAnswer(t *testing.T) {
	t.Setenv("CIRRO_MASTER_KEY", "must-not-reach-the-function")
	// The function sees the event on stdin, its own environment only, and
	// answers the event with autoConfirmUser set.
	script := `test -z "$CIRRO_MASTER_KEY" && test "$GREETING" = hi && test "$CIRRO_TRIGGER_SOURCE" = PreSignUp_AdminCreateUser || exit 3
sed 's/"autoConfirmUser":false/"autoConfirmUser":true/'`
	s := routedService(t, shTriggers(t, script))
	resp, err := s.PreSignUp(sdkContext(), testPool("V1_0"), PreSignUpAdminCreateUser, Caller{UserName: "jane"}, PreSignUpRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.AutoConfirmUser {
		t.Errorf("response = %+v", resp)
	}
}

func TestCommandInvokerFailures(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		code         errs.Code
		msg          string
	}{
		{"exit with stderr", `echo "starting" >&2; echo "Email domain not allowed" >&2; exit 1`,
			errs.UserLambdaValidationException, "PreSignUp failed with error Email domain not allowed."},
		{"exit with a Lambda error document", `echo '{"errorType":"Error","errorMessage":"Too young"}'; exit 2`,
			errs.UserLambdaValidationException, "PreSignUp failed with error Too young."},
		// sh starts sleep as a child: the whole group must die at the
		// deadline, or the pipes would hold the invocation for 10 s.
		{"timeout", `sleep 10; cat`,
			errs.UnexpectedLambdaException, "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."},
		{"malformed", `echo OK`, errs.InvalidLambdaResponseException, "Unrecognizable lambda output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := routedService(t, shTriggers(t, tc.script))
			start := time.Now()
			_, err := s.PreSignUp(sdkContext(), testPool("V1_0"), PreSignUpSignUp, Caller{ClientID: testClientID, UserName: "jane"}, PreSignUpRequest{})
			wantErr(t, err, tc.code, tc.msg)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v: the command outlived its deadline", d)
			}
		})
	}
}
