//go:build unix

package api_test

// The users' crash test: a child process (this test binary, re-executed)
// creates users through the SDK against an in-process server on a SQLite
// file, and reports each user only once AdminCreateUser returned success.
// The parent kills it with SIGKILL at random moments, restarts it, and in
// the end checks that every reported user exists, whole, and that the
// database passes SQLite's integrity check. It follows the store's own
// crash test (internal/store/crash_test.go), one level up: what must
// survive is the API's promise, not just the store's.

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/server"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

const (
	usersCrashDBEnv    = "CIRRO_USERS_CRASH_DB" // its presence selects child mode
	usersCrashKeyEnv   = "CIRRO_USERS_CRASH_KEY"
	usersCrashPoolEnv  = "CIRRO_USERS_CRASH_POOL"
	usersCrashRoundEnv = "CIRRO_USERS_CRASH_ROUND"
	usersCrashRounds   = 24
	usersCrashWorkers  = 4
)

// fileServer is a cirro on a SQLite file with a fixed master key, as a
// real deployment restarts: cirrotest's servers get a new key each time.
type fileServer struct {
	idp  *cip.Client
	url  string
	stop func()
}

func startFileServer(ctx context.Context, path string, key []byte) (*fileServer, error) {
	kr, err := secrets.New(key)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cfg := config.Default()
	cfg.Addr, cfg.DB, cfg.MasterKeyFile = l.Addr().String(), "sqlite:"+path, ""
	cfg.UnsafeFastPasswordHashing = true
	srv, err := server.New(ctx, cfg, server.Options{Keys: kr, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		l.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(sctx, l, time.Second)
	}()
	idp := cip.NewFromConfig(aws.Config{
		Region: cfg.Region, BaseEndpoint: aws.String("http://" + cfg.Addr), RetryMaxAttempts: 1,
		// Development mode (loopback, no access keys) takes any signature.
		Credentials: credentials.NewStaticCredentialsProvider("AKIDCRASHTEST", "crash-test-secret", ""),
		HTTPClient:  &http.Client{Timeout: 30 * time.Second, Transport: cirrotest.BufferedBodies(http.DefaultTransport)},
	})
	return &fileServer{idp: idp, url: "http://" + cfg.Addr, stop: func() { cancel(); <-done; srv.Close() }}, nil
}

func TestUsersCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "users.db")
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(rand.N(256))
	}
	fs, err := startFileServer(ctx, path, key)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := fs.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("crash"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
	fs.stop()
	if err != nil {
		t.Fatal(err)
	}
	poolID := *pool.UserPool.Id
	env := []string{usersCrashDBEnv + "=" + path, usersCrashKeyEnv + "=" + base64.StdEncoding.EncodeToString(key), usersCrashPoolEnv + "=" + poolID}

	acked := map[string]bool{}
	for round := range usersCrashRounds {
		for _, name := range usersCrashRound(t, env, round) {
			acked[name] = true
		}
	}
	if len(acked) == 0 {
		t.Fatal("no user was acknowledged in any round; the test proved nothing")
	}

	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after crashes: %v", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()

	fs, err = startFileServer(ctx, path, key)
	if err != nil {
		t.Fatalf("restart after crashes: %v", err)
	}
	defer fs.stop()
	stored := map[string]bool{}
	var token *string
	for {
		out, err := fs.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			stored[*u.Username] = true
			if attrOf(u.Attributes, "email") != *u.Username+"@example.com" || u.UserStatus != types.UserStatusTypeForceChangePassword {
				t.Errorf("user %s is torn: %s %v", *u.Username, u.UserStatus, u.Attributes)
			}
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	lost := 0
	for name := range acked {
		if !stored[name] {
			if lost++; lost <= 5 {
				t.Errorf("acknowledged user %s is missing", name)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged users are missing", lost, len(acked))
	}
	// Every stored user is found through its keys, too.
	for name := range acked {
		if _, err := fs.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String(name)}); err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
	}
	t.Logf("%d rounds, %d acknowledged users, %d stored", usersCrashRounds, len(acked), len(stored))
}

// usersCrashRound runs the child, kills it, and returns the users it
// acknowledged. Every fourth round is killed while starting up.
func usersCrashRound(t *testing.T, env []string, round int) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestUsersCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(env, usersCrashRoundEnv+"="+strconv.Itoa(round))...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var names []string
	firstAck, readDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(readDone)
		once := sync.OnceFunc(func() { close(firstAck) })
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // a line without its newline was never fully reported
			}
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "U "); ok {
				names = append(names, name)
				once()
			}
		}
	}()
	if round%4 == 0 {
		time.Sleep(time.Duration(rand.N(150)) * time.Millisecond)
	} else {
		select {
		case <-firstAck:
		case <-readDone:
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: the child acknowledged nothing in 20s; stderr:\n%s", round, stderr.String())
		}
		time.Sleep(time.Duration(rand.N(250)) * time.Millisecond)
	}
	cmd.Process.Kill()
	<-readDone
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("round %d: the child ended with %v, not by our SIGKILL; stderr:\n%s", round, err, stderr.String())
	}
	return names
}

// TestUsersCrashChild is the child process; it does nothing in a normal run.
func TestUsersCrashChild(t *testing.T) {
	path := os.Getenv(usersCrashDBEnv)
	if path == "" {
		t.Skip("helper process for TestUsersCrash")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2) // the parent reports any end that is not its SIGKILL
	}
	ctx := context.Background()
	key, err := base64.StdEncoding.DecodeString(os.Getenv(usersCrashKeyEnv))
	if err != nil {
		fail(err)
	}
	fs, err := startFileServer(ctx, path, key)
	if err != nil {
		fail(err)
	}
	poolID, round := os.Getenv(usersCrashPoolEnv), os.Getenv(usersCrashRoundEnv)
	var out sync.Mutex
	for w := range usersCrashWorkers {
		go func() {
			for i := 0; ; i++ {
				name := fmt.Sprintf("r%s-w%d-%d", round, w, i)
				// The invitation goes to the outbox, in the same store:
				// a kill may fall between delivery and commit.
				_, err := fs.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
					UserPoolId: &poolID, Username: &name,
					UserAttributes:         uattrs("email", name+"@example.com", "email_verified", "true"),
					DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
				})
				if err != nil {
					fail(fmt.Errorf("AdminCreateUser %s: %w", name, err))
				}
				out.Lock()
				io.WriteString(os.Stdout, "U "+name+"\n") // one write(2), after success
				out.Unlock()
			}
		}()
	}
	time.Sleep(60 * time.Second)
	fail(errors.New("not killed within a minute"))
}
