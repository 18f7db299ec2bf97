// Package proc reads what a process on this machine has used from /proc:
// CPU time and resident memory. The benchmarks charge each target the
// CPU it spent, so that a server the load generator could not keep busy
// is still measured fairly.
package proc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, 100 on every Linux the benchmarks run on.
const clockTicks = 100

// CPUSeconds is the user+system CPU time of pid and its waited-for
// children so far.
func CPUSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields are counted
	// after its closing parenthesis.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("proc: malformed stat of %d", pid)
	}
	f := strings.Fields(s[i+1:])
	// After the name: state(3) … utime(14) stime(15) cutime(16) cstime(17).
	if len(f) < 15 {
		return 0, fmt.Errorf("proc: short stat of %d", pid)
	}
	var ticks int64
	for _, k := range []int{11, 12, 13, 14} {
		v, err := strconv.ParseInt(f[k], 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += v
	}
	return float64(ticks) / clockTicks, nil
}

// RSS is the resident set size of pid in bytes.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("proc: no VmRSS for %d", pid)
}

// Tree is pid and its descendants (npx starts node, moto_server may fork):
// the processes a target's usage is summed over.
func Tree(pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out) && i < 64; i++ {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", out[i], out[i]))
		if err != nil {
			continue
		}
		for f := range strings.FieldsSeq(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// TreeCPU sums CPUSeconds over Tree(pid).
func TreeCPU(pid int) float64 {
	var sum float64
	for _, p := range Tree(pid) {
		if v, err := CPUSeconds(p); err == nil {
			sum += v
		}
	}
	return sum
}

// TreeRSS sums RSS over Tree(pid).
func TreeRSS(pid int) int64 {
	var sum int64
	for _, p := range Tree(pid) {
		if v, err := RSS(p); err == nil {
			sum += v
		}
	}
	return sum
}
