package userimport

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
	"github.com/cirrohq/cirro/internal/user"
)

func TestFields(t *testing.T) {
	for line, want := range map[string][]string{
		"a,b,c":              {"a", "b", "c"},
		" a , b ,":           {"a", "b", ""},
		`red\, blue,x`:       {"red, blue", "x"},
		`back\slash,\`:       {`back\slash`, `\`},
		`"quoted, not",csv`:  {`"quoted`, `not"`, "csv"},
		"":                   {""},
		`a\,,\,`:             {"a,", ","},
		"unicode ü,日本,\tx\t": {"unicode ü", "日本", "x"},
	} {
		if got := fields(line); !reflect.DeepEqual(got, want) {
			t.Errorf("fields(%q) = %q, want %q", line, got, want)
		}
	}
}

func newTestService(t *testing.T) (*Service, *cognitoidp.UserPoolType) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	keys := secrets.Random()
	pools := &pool.Service{Store: st, Clock: clk, Keys: keys, Region: "us-east-1", AccountID: "000000000000", PublicURL: "http://cirro.test"}
	users := &user.Service{Store: st, Clock: clk, Keys: keys, Pools: pools}
	s := &Service{Store: st, Clock: clk, Keys: keys, Pools: pools, Users: users, PublicURL: "http://cirro.test"}
	t.Cleanup(s.Close)
	out, err := pools.CreateUserPool(ctx, &cognitoidp.CreateUserPoolRequest{PoolName: ptr("p")})
	if err != nil {
		t.Fatal(err)
	}
	return s, out.UserPool
}

// upload PUTs body to the job's own URL, as the handler would.
func (s *Service) testUpload(t *testing.T, j *cognitoidp.UserImportJobType, body string) (string, error) {
	t.Helper()
	u, err := url.Parse(*j.PreSignedUrl)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(u.Path, "/")
	q := u.Query()
	return s.Upload(context.Background(), parts[3], parts[4], q.Get("X-Cirro-Expires"), q.Get("X-Cirro-Signature"), strings.NewReader(body))
}

// TestUploadChunks: a file of several chunks, with CRLF line ends, a line
// longer than the read buffer and no final line end, reads back line for
// line; a second upload replaces the first and leaves none of it behind.
func TestUploadChunks(t *testing.T) {
	ctx := context.Background()
	s, p := newTestService(t)
	out, err := s.CreateUserImportJob(ctx, &cognitoidp.CreateUserImportJobRequest{UserPoolId: p.Id, JobName: ptr("j"),
		CloudWatchLogsRoleArn: ptr("arn:aws:iam::000000000000:role/r")})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 30000 {
		lines = append(lines, fmt.Sprintf("user%d,%s", i, strings.Repeat("x", i%97)))
	}
	lines[12345] = strings.Repeat("long", 40000)
	body := strings.Join(lines, "\r\n")
	etag, err := s.testUpload(t, out.UserImportJob, body)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte(body))
	if etag != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("etag %s", etag)
	}
	j, err := s.read(ctx, *p.Id, *out.UserImportJob.JobId)
	if err != nil {
		t.Fatal(err)
	}
	if j.File == nil || j.File.Lines != len(lines) || len(j.File.Starts) < 2 || j.File.Size != int64(len(body)) {
		t.Fatalf("file %+v", j.File)
	}
	rd := s.newReader(j)
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		for i, want := range lines {
			got, ok, err := rd.line(ctx, tx, i+1)
			if err != nil || !ok || got != want {
				return fmt.Errorf("line %d: %v %v %.40q", i+1, ok, err, got)
			}
		}
		if _, ok, _ := rd.line(ctx, tx, len(lines)+1); ok {
			return errors.New("a line past the end")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first := len(j.File.Starts)
	if _, err := s.testUpload(t, out.UserImportJob, "just,one\n"); err != nil {
		t.Fatal(err)
	}
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		n, err := tx.Count(ctx, store.Query{Kind: KindChunk, Scope: *p.Id})
		if err == nil && n != 1 {
			err = fmt.Errorf("%d chunks after replacing %d", n, first)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUploadSignature: the signature binds pool, job and expiry.
func TestUploadSignature(t *testing.T) {
	ctx := context.Background()
	s, p := newTestService(t)
	out, err := s.CreateUserImportJob(ctx, &cognitoidp.CreateUserImportJobRequest{UserPoolId: p.Id, JobName: ptr("j"),
		CloudWatchLogsRoleArn: ptr("arn:aws:iam::000000000000:role/r")})
	if err != nil {
		t.Fatal(err)
	}
	j := out.UserImportJob
	u, _ := url.Parse(*j.PreSignedUrl)
	exp, sig := u.Query().Get("X-Cirro-Expires"), u.Query().Get("X-Cirro-Signature")
	for name, args := range map[string][4]string{
		"other pool":   {"us-east-1_other", *j.JobId, exp, sig},
		"other job":    {*p.Id, "import-other", exp, sig},
		"other expiry": {*p.Id, *j.JobId, exp + "0", sig},
		"bad encoding": {*p.Id, *j.JobId, exp, sig + "!"},
		"no signature": {*p.Id, *j.JobId, exp, ""},
	} {
		if _, err := s.Upload(ctx, args[0], args[1], args[2], args[3], strings.NewReader("x")); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.Upload(ctx, *p.Id, *j.JobId, exp, sig, strings.NewReader("x\n")); err != nil {
		t.Fatal(err)
	}
}

func TestRedact(t *testing.T) {
	for _, c := range [][3]string{
		{"Attributes did not conform to the schema: custom:age: Number abc is not a number.", "bob,abc,true", "Attributes did not conform to the schema: custom:age: Number <value> is not a number."},
		{"Number must be at most 150", "15,x", "Number must be at most 150"},
		{"Value must be true or false.", "true,false", "Value must be true or false."},
	} {
		if got := redact(c[0], c[1]); got != c[2] {
			t.Errorf("redact(%q) = %q", c[0], got)
		}
	}
}
