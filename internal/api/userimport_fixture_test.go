package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/store"
)

const importRole = "arn:aws:iam::000000000000:role/CognitoImport"

// importPool creates a pool fit for CSV import: email verified
// automatically and an alias, a custom string and number attribute.
func importPool(t *testing.T, idp *cip.Client, opts ...func(*cip.CreateUserPoolInput)) string {
	t.Helper()
	return newFamilyPool(t, idp, append([]func(*cip.CreateUserPoolInput){func(in *cip.CreateUserPoolInput) {
		in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
		in.Schema = []types.SchemaAttributeType{
			{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString},
			{Name: aws.String("age"), AttributeDataType: types.AttributeDataTypeNumber,
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("0"), MaxValue: aws.String("150")}},
		}
	}}, opts...)...)
}

// importCSV builds a file with the pool's header (columns in reverse
// order: the order of columns does not matter) and one row per map.
func importCSV(t *testing.T, idp *cip.Client, poolID string, rows ...map[string]string) string {
	t.Helper()
	h, err := idp.GetCSVHeader(context.Background(), &cip.GetCSVHeaderInput{UserPoolId: &poolID})
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]string, len(h.CSVHeader))
	for i, c := range h.CSVHeader {
		cols[len(cols)-1-i] = c
	}
	var b strings.Builder
	b.WriteString(strings.Join(cols, ",") + "\n")
	for _, r := range rows {
		vals := make([]string, len(cols))
		for i, c := range cols {
			vals[i] = r[c]
		}
		b.WriteString(strings.Join(vals, ",") + "\n")
	}
	return b.String()
}

// importRow is a valid row: a verified email, MFA off.
func importRow(name, email string, kv ...string) map[string]string {
	r := map[string]string{"cognito:username": name, "email": email, "email_verified": "TRUE", "cognito:mfa_enabled": "FALSE"}
	for i := 0; i < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r
}

func createImportJob(t *testing.T, idp *cip.Client, poolID, name string) *types.UserImportJobType {
	t.Helper()
	out, err := idp.CreateUserImportJob(context.Background(), &cip.CreateUserImportJobInput{
		UserPoolId: &poolID, JobName: aws.String(name), CloudWatchLogsRoleArn: aws.String(importRole)})
	if err != nil {
		t.Fatal(err)
	}
	return out.UserImportJob
}

// putCSV uploads body to a pre-signed URL as the developer guide's curl
// command does, and returns the status and body of the answer.
func putCSV(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-amz-server-side-encryption", "aws:kms")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func uploadCSV(t *testing.T, j *types.UserImportJobType, body string) {
	t.Helper()
	if code, msg := putCSV(t, aws.ToString(j.PreSignedUrl), body); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, msg)
	}
}

func describeImport(t *testing.T, idp *cip.Client, poolID, jobID string) *types.UserImportJobType {
	t.Helper()
	out, err := idp.DescribeUserImportJob(context.Background(), &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: &jobID})
	if err != nil {
		t.Fatal(err)
	}
	return out.UserImportJob
}

// waitImport polls a job until it has one of the statuses.
func waitImport(t *testing.T, idp *cip.Client, poolID, jobID string, want ...types.UserImportJobStatusType) *types.UserImportJobType {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		j := describeImport(t, idp, poolID, jobID)
		for _, w := range want {
			if j.Status == w {
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: status %s, want %v", jobID, j.Status, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runImport(t *testing.T, idp *cip.Client, poolID, body string) *types.UserImportJobType {
	t.Helper()
	j := createImportJob(t, idp, poolID, "run")
	uploadCSV(t, j, body)
	if _, err := idp.StartUserImportJob(context.Background(), &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId}); err != nil {
		t.Fatal(err)
	}
	return waitImport(t, idp, poolID, *j.JobId, types.UserImportJobStatusTypeSucceeded, types.UserImportJobStatusTypeFailed)
}

func wantCounts(t *testing.T, j *types.UserImportJobType, imported, skipped, failed int64) {
	t.Helper()
	if j.ImportedUsers != imported || j.SkippedUsers != skipped || j.FailedUsers != failed {
		t.Fatalf("imported/skipped/failed = %d/%d/%d, want %d/%d/%d (%s: %s)", j.ImportedUsers, j.SkippedUsers, j.FailedUsers,
			imported, skipped, failed, j.Status, aws.ToString(j.CompletionMessage))
	}
}

func manyRows(n int) []map[string]string {
	rows := make([]map[string]string, n)
	for i := range rows {
		rows[i] = importRow(fmt.Sprintf("user%05d", i), fmt.Sprintf("user%05d@example.com", i))
	}
	return rows
}

// slowUsers delays every insert of a user by d, so that a test can act
// in the middle of an import.
func slowUsers(d time.Duration) func(store.Store) store.Store {
	return func(s store.Store) store.Store { return slowStore{s, d} }
}

type slowStore struct {
	store.Store
	d time.Duration
}

func (s slowStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Write(ctx, func(tx store.Tx) error { return fn(slowTx{tx, s.d}) })
}

type slowTx struct {
	store.Tx
	d time.Duration
}

func (t slowTx) Insert(ctx context.Context, rec *store.Record) error {
	if rec.Kind == "user" {
		time.Sleep(t.d)
	}
	return t.Tx.Insert(ctx, rec)
}
