//go:build linux

package api_test

// The disk-full test: a child process (this test binary, re-executed)
// serves a SQLite file under a file-size limit (RLIMIT_FSIZE, which it sets
// on itself before opening the database). Go ignores SIGXFSZ, so a write
// past the limit fails with EFBIG, as a write to a full disk fails with
// ENOSPC, and SQLite reports SQLITE_FULL or SQLITE_IOERR_WRITE: the same
// path through the store and the API as a full disk, without mounting a
// small filesystem. The parent creates users until writes fail, checks how
// they fail and what still works, then lifts the limit by restarting.

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

const (
	diskFullDBEnv    = "CIRRO_DISKFULL_DB" // its presence selects child mode
	diskFullKeyEnv   = "CIRRO_DISKFULL_KEY"
	diskFullLimitEnv = "CIRRO_DISKFULL_LIMIT"
	// diskFullLimit is the largest file the child may write: the database
	// after the pool's creation is far smaller, and the write-ahead log
	// reaches it after a few dozen users.
	diskFullLimit = 1 << 20
)

func TestDiskFullSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("disk-full test skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "full.db")
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(rand.N(256))
	}
	fs, err := startFileServer(ctx, path, key)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := fs.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("full")})
	fs.stop()
	if err != nil {
		t.Fatal(err)
	}
	poolID := *pool.UserPool.Id

	child := startDiskFullChild(t, path, key)
	idp := devClient(child.url)
	create := func(idp *cip.Client, name string) error {
		_, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: &poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: uattrs("email", name+"@example.com", "name", strings.Repeat("n", 512)),
		})
		return err
	}
	var acked, refused []string
	for i := 0; len(refused) < 10; i++ {
		if i == 5000 || ctx.Err() != nil {
			t.Fatalf("%d users created under a %d-byte file limit and writes still succeed", len(acked), diskFullLimit)
		}
		name := fmt.Sprintf("u%04d", i)
		err := create(idp, name)
		if err == nil {
			acked = append(acked, name)
			continue
		}
		refused = append(refused, name)
		// A clean Cognito error: InternalErrorException, HTTP 500, and the
		// generic message, not SQLite's.
		code, msg := apiError(err)
		var re *awshttp.ResponseError
		if code != "InternalErrorException" || !errors.As(err, &re) || re.HTTPStatusCode() != 500 ||
			!strings.HasPrefix(msg, "An internal error occurred.") {
			t.Fatalf("AdminCreateUser %s on a full disk: %v", name, err)
		}
	}
	if len(acked) == 0 {
		t.Fatal("no user was created before the disk was full; the test proved nothing")
	}
	// The process is alive and reads work.
	for _, name := range []string{acked[0], acked[len(acked)-1]} {
		if _, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}); err != nil {
			t.Fatalf("AdminGetUser %s while the disk is full: %v", name, err)
		}
	}
	if out, err := idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(5)}); err != nil || len(out.Users) == 0 {
		t.Fatalf("ListUsers while the disk is full: %v", err)
	}
	child.stop(t)

	// The limit is lifted: the same file opens clean, nothing acknowledged
	// is missing, nothing refused is half there, and writes work again.
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after the disk was full: %v", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	fs, err = startFileServer(ctx, path, key)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.stop()
	for _, name := range acked {
		if _, err := fs.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}); err != nil {
			t.Errorf("acknowledged user %s: %v", name, err)
		}
	}
	for _, name := range refused {
		_, err := fs.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
		if code, _ := apiError(err); code != "UserNotFoundException" {
			t.Errorf("refused user %s: %v, want UserNotFoundException", name, err)
		}
	}
	if err := create(fs.idp, "after"); err != nil {
		t.Fatalf("AdminCreateUser once the limit is lifted: %v", err)
	}
	t.Logf("%d users created under a %d-byte limit, then %d refused with InternalErrorException", len(acked), diskFullLimit, len(refused))
}

// devClient is an SDK client for a development-mode cirro at url.
func devClient(url string) *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDDISKFULL", "disk-full-test-secret", ""),
		HTTPClient:  &http.Client{Timeout: 10 * time.Second, Transport: cirrotest.BufferedBodies(http.DefaultTransport)},
	})
}

type diskFullChild struct {
	url    string
	cmd    *exec.Cmd
	stdin  interface{ Close() error }
	stderr *strings.Builder
}

// startDiskFullChild starts the child and waits for its address.
func startDiskFullChild(t *testing.T, path string, key []byte) *diskFullChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFullChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), diskFullDBEnv+"="+path, diskFullKeyEnv+"="+base64.StdEncoding.EncodeToString(key),
		diskFullLimitEnv+"="+strconv.Itoa(diskFullLimit))
	c := &diskFullChild{cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = c.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.stdin = stdin
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
				got <- u
			}
		}
		close(got)
	}()
	select {
	case c.url = <-got:
	case <-time.After(20 * time.Second):
	}
	if c.url == "" {
		t.Fatalf("the child did not start; stderr:\n%s", c.stderr.String())
	}
	return c
}

// stop asks the child to shut down (closing its stdin) and checks that it
// was still running and ends cleanly: a crash would show here.
func (c *diskFullChild) stop(t *testing.T) {
	t.Helper()
	c.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the child ended with %v; stderr:\n%s", err, c.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the child did not shut down within 15 s; stderr:\n%s", c.stderr.String())
	}
}

// TestDiskFullChild is the child process; it does nothing in a normal run.
func TestDiskFullChild(t *testing.T) {
	path := os.Getenv(diskFullDBEnv)
	if path == "" {
		t.Skip("helper process for TestDiskFullSQLite")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "disk-full child:", err)
		os.Exit(2) // the parent reports an exit that it did not ask for
	}
	limit, err := strconv.ParseUint(os.Getenv(diskFullLimitEnv), 10, 64)
	if err != nil {
		fail(err)
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
		fail(err)
	}
	rl.Cur = limit
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
		fail(err)
	}
	key, err := base64.StdEncoding.DecodeString(os.Getenv(diskFullKeyEnv))
	if err != nil {
		fail(err)
	}
	fs, err := startFileServer(context.Background(), path, key)
	if err != nil {
		fail(err)
	}
	fmt.Println("URL " + fs.url)
	// Serve until the parent closes stdin, then shut down cleanly.
	bufio.NewReader(os.Stdin).ReadString(0)
	fs.stop()
}
