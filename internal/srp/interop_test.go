package srp

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requireNode returns the directory of the Node scripts, or skips the test
// when Node or the npm packages are missing. Set CIRRO_SRP_REQUIRE_NODE=1
// (as CI should) to make that a failure instead.
func requireNode(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "js"))
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "amazon-cognito-identity-js", "package.json")); err != nil {
		missing = "amazon-cognito-identity-js is not installed; run: npm ci --prefix internal/srp/testdata/js"
	}
	if missing != "" {
		if os.Getenv("CIRRO_SRP_REQUIRE_NODE") != "" {
			t.Fatalf("interop with amazon-cognito-identity-js required but %s", missing)
		}
		t.Skipf("skipping interop with amazon-cognito-identity-js: %s", missing)
	}
	return dir
}

// TestInteropWithCognitoIdentityJS signs in with the real library's
// CognitoUser.authenticateUser (random a, real clock, its own padding,
// hashing and HMAC) against a minimal Cognito stand-in built on this
// package, over the script's stdio. It covers USER_SRP_AUTH with right and
// wrong passwords, non-ASCII names, device confirmation with the verifier
// the library generates, and DEVICE_SRP_AUTH with that verifier.
func TestInteropWithCognitoIdentityJS(t *testing.T) {
	dir := requireNode(t)

	const poolID = "us-east-1_InTeRoP42"
	f := newFakeCognito(PoolName(poolID))
	f.addUser("alice", "Correct-Horse-9")
	f.addUser("bjørn.ü@example.com", "pässwörd 🔑 Ω-1")
	f.addUser("bob", "the-real-one-1A!")
	f.issueDevices = map[string]bool{"alice": true}

	steps := []struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}{
		{"alice", "Correct-Horse-9"}, // success; remembers a device
		{"alice", "Correct-Horse-8"}, // wrong password
		{"alice", "Correct-Horse-9"}, // success through DEVICE_SRP_AUTH
		{"bjørn.ü@example.com", "pässwörd 🔑 Ω-1"},
		{"bob", "the-real-one-1B!"}, // wrong password
	}
	want := []string{"success", "failure", "success", "success", "failure"}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "interop.js")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()

	enc := json.NewEncoder(stdin)
	if err := enc.Encode(map[string]any{"poolId": poolID, "clientId": "interopclient", "steps": steps}); err != nil {
		t.Fatal(err)
	}
	scanner := bufio.NewScanner(stdout)
	scanner.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var results []map[string]any
	for done := false; !done; {
		if !scanner.Scan() {
			t.Fatalf("interop.js ended early: %v\nstderr:\n%s", scanner.Err(), stderr.String())
		}
		var msg struct {
			Type   string          `json:"type"`
			Op     string          `json:"op"`
			Params json.RawMessage `json:"params"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &msg); err != nil {
			t.Fatalf("interop.js wrote %q: %v", scanner.Text(), err)
		}
		switch msg.Type {
		case "request":
			data, apiErr := f.handle(msg.Op, msg.Params)
			reply := map[string]any{"data": data}
			if apiErr != nil {
				reply = map[string]any{"error": apiErr}
			}
			if err := enc.Encode(reply); err != nil {
				t.Fatal(err)
			}
		case "result":
			var r map[string]any
			_ = json.Unmarshal(scanner.Bytes(), &r)
			results = append(results, r)
		case "done":
			done = true
		default:
			t.Fatalf("unexpected message %s", scanner.Text())
		}
	}
	stdin.Close()

	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d: %v", len(results), len(want), results)
	}
	for i, r := range results {
		if r["outcome"] != want[i] {
			t.Errorf("step %d (%s): %v, want %s", i, steps[i].Username, r, want[i])
		}
		if want[i] == "failure" && (r["code"] != "NotAuthorizedException" || r["message"] != "Incorrect username or password.") {
			t.Errorf("step %d: failure %v, want NotAuthorizedException", i, r)
		}
	}
	// Both kinds of proof must have been checked by this package, and
	// both wrong passwords refused by it (not by some earlier check).
	if f.userProofsOK != 3 || f.userProofsBad != 2 {
		t.Errorf("user proofs: %d accepted, %d refused; want 3 and 2", f.userProofsOK, f.userProofsBad)
	}
	if f.deviceProofsOK != 1 || f.devicesConfirmed != 1 {
		t.Errorf("devices: %d confirmed, %d device proofs accepted; want 1 and 1", f.devicesConfirmed, f.deviceProofsOK)
	}
	for _, ts := range f.timestamps {
		if _, err := ParseTimestamp(ts); err != nil {
			t.Errorf("library TIMESTAMP %q: %v", ts, err)
		}
	}
}
