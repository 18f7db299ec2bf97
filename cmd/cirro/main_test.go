package main

import (
	"context"
	"debug/elf"
	"fmt"
	"net"
	"net/http"
	"os"
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

// TestStaticBinaryServesTheSDK builds cirro as CI and users do
// (CGO_ENABLED=0), checks that the result is statically linked, starts
// `cirro serve` on a fresh directory with nothing else around, answers an
// SDK call, and shuts down cleanly on SIGTERM.
func TestStaticBinaryServesTheSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cirro")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("binary has a dynamic loader: not static")
		}
	}
	f.Close()

	addr := freeAddr(t)
	work := t.TempDir()
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Dir = work // default store and key go to ./.cirro here
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	waitHealthy(t, "http://"+addr, done, logs)

	idp := cip.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("dev", "dev", ""),
		BaseEndpoint: aws.String("http://" + addr),
	})
	ctx := context.Background()
	created, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("smoke")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v\n%s", err, logs.String())
	}
	got, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: created.UserPool.Id})
	if err != nil || *got.UserPool.Name != "smoke" {
		t.Fatalf("DescribeUserPool: %v", err)
	}
	if _, err := os.Stat(filepath.Join(work, ".cirro", "cirro.db")); err != nil {
		t.Fatalf("default SQLite store not created: %v", err)
	}
	if !strings.Contains(logs.String(), "development mode") {
		t.Errorf("no development-mode warning logged:\n%s", logs.String())
	}

	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

func TestNonLoopbackWithoutKeysExits(t *testing.T) {
	err := serve([]string{"--addr", "0.0.0.0:0", "--db", "memory"})
	if err == nil || !strings.Contains(err.Error(), "without access keys") {
		t.Fatalf("want refusal, got %v", err)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(t *testing.T, base string, done chan error, logs fmt.Stringer) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("cirro exited early: %v\n%s", err, logs.String())
		default:
		}
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("cirro did not become ready\n%s", logs.String())
}

// syncBuffer collects the child's output; the child writes while the test
// reads, so access is locked.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
