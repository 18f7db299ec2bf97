//go:build unix

package trigger

import (
	"os/exec"
	"syscall"
)

// killGroup runs the command in its own process group and kills the
// whole group at the deadline, so that "sh -c" and the programs it starts
// go together.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
