package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestServeTemplate runs the binary as `cirro serve --template`, twice on
// one database: the second start finds the stack applied and changes
// nothing. A broken template stops cirro before it listens.
func TestServeTemplate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cirro")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := "sqlite:" + filepath.Join(dir, "cirro.db")
	args := []string{"--db", db, "--master-key-file", filepath.Join(dir, "master.key"),
		"--template", fixtures + "CfnResources.template.json", "--template", fixtures + "UserPoolTriggers.template.json",
		"--parameter", "Stage=prod", "--lambda", "TriggersauthChallengeFnC75309B0=http://127.0.0.1:9001"}

	start := func() (*exec.Cmd, string, *lockedBuffer, chan error) {
		addr := freeAddr(t)
		cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
		logs := &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		t.Cleanup(func() { cmd.Process.Kill() })
		waitHealthy(t, "http://"+addr, done, logs)
		return cmd, addr, logs, done
	}
	stop := func(cmd *exec.Cmd, done chan error) {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("no exit after SIGTERM")
		}
	}
	names := func(addr string) []string {
		idp := cip.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
			Credentials: credentials.NewStaticCredentialsProvider("dev", "dev", "")})
		out, err := idp.ListUserPools(context.Background(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, p := range out.UserPools {
			n = append(n, *p.Id+" "+*p.Name)
		}
		return n
	}

	cmd, addr, logs, done := start()
	first := names(addr)
	if len(first) != 3 || !strings.Contains(strings.Join(first, ","), "CfnResources-prod-users") {
		t.Errorf("pools %v\n%s", first, logs.String())
	}
	for _, want := range []string{"created Risk (AWS::Cognito::UserPoolRiskConfigurationAttachment)", "skip CDKMetadata",
		"has no invoke endpoint here", "key=UserPoolId"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "TriggersauthChallengeFnC75309B0 (AWS::Lambda::Function): arn") {
		t.Errorf("the routed function was reported unrouted:\n%s", logs.String())
	}
	stop(cmd, done)

	cmd, addr, logs, done = start()
	if again := names(addr); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Errorf("after a restart: %v, want %v\n%s", again, first, logs.String())
	}
	if strings.Contains(logs.String(), "created ") {
		t.Errorf("the restart created resources:\n%s", logs.String())
	}
	stop(cmd, done)

	out, err := exec.Command(bin, "serve", "--addr", freeAddr(t), "--db", "memory", "--template", fixtures+"CfnResources.template.json",
		"--parameter", "Stage=staging").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `Parameters.Stage: "staging" is not one of the AllowedValues`) {
		t.Errorf("a bad parameter: %v\n%s", err, out)
	}
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
