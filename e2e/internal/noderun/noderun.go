// Package noderun runs the end-to-end tests' Node scripts: the real
// JavaScript client libraries driving a cirro over HTTP. A script reads one
// JSON document on stdin and writes one JSON object per line, the last
// being {"done":true}, so that a script that dies half-way is told apart
// from one that finished.
package noderun

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RequireEnv, when set (CI and scripts/test.sh set it), turns a missing
// Node or npm package into a failure instead of a skip.
const RequireEnv = "CIRRO_SRP_REQUIRE_NODE"

// Require returns the test's directory after checking that node is on
// PATH and that module is installed in its node_modules; otherwise it
// skips the test, or fails it when RequireEnv is set. what names the test
// in the message.
func Require(t *testing.T, module, what string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", module, "package.json")); err != nil {
		missing = module + " is not installed; run: npm ci --prefix " + relative(dir)
	}
	if missing != "" {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("%s required but %s", what, missing)
		}
		t.Skipf("skipping %s: %s", what, missing)
	}
	return dir
}

// relative names dir from the repository root (the folder holding go.mod).
func relative(dir string) string {
	for root := dir; root != filepath.Dir(root); root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			if rel, err := filepath.Rel(root, dir); err == nil {
				return rel
			}
		}
	}
	return dir
}

// Run runs `node script` in dir with input as JSON on stdin, and decodes
// each line it writes before {"done":true} as a T. It fails the test when
// the script fails, writes something else, or stops without "done", or
// when want ≥ 0 and the number of results differs.
func Run[T any](t *testing.T, dir, script string, input any, want int) []T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	var results []T
	done := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var probe struct {
			Done bool `json:"done"`
		}
		if err := json.Unmarshal(sc.Bytes(), &probe); err != nil {
			t.Fatalf("%s wrote %q: %v", script, sc.Text(), err)
		}
		if probe.Done {
			done = true
			break
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		results = append(results, v)
	}
	if !done || (want >= 0 && len(results) != want) {
		t.Fatalf("%s gave %d results, want %d (done: %v)\nstdout:\n%s\nstderr:\n%s", script, len(results), want, done, out, stderr.String())
	}
	return results
}
