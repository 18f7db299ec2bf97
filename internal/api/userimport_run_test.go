package api_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestImportStop: a large file stopped in the middle ends Stopped with
// the users imported so far, counted; it cannot be started again.
func TestImportStop(t *testing.T) {
	ctx := context.Background()
	c := cirrotest.Start(t, cirrotest.WithStoreWrapper(slowUsers(time.Millisecond)))
	idp := c.IdentityProvider()
	poolID := importPool(t, idp)
	const total = 5000
	j := createImportJob(t, idp, poolID, "big")
	uploadCSV(t, j, importCSV(t, idp, poolID, manyRows(total)...))
	if _, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId}); err != nil {
		t.Fatal(err)
	}
	for describeImport(t, idp, poolID, *j.JobId).ImportedUsers == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// While the job runs its pool cannot be changed; another pool can.
	update := &cip.UpdateUserPoolInput{UserPoolId: &poolID, UserPoolTags: map[string]string{"team": "a"}}
	_, err := idp.UpdateUserPool(ctx, update)
	wantCognitoErr(t, err, "UserImportInProgressException", "A user import job is in progress for this user pool")
	other := importPool(t, idp)
	if _, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &other}); err != nil {
		t.Fatal(err)
	}
	out, err := idp.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId})
	if err != nil {
		t.Fatal(err)
	}
	s := out.UserImportJob
	if s.Status != types.UserImportJobStatusTypeStopped || aws.ToString(s.CompletionMessage) != "The Import Job was stopped by the developer." ||
		s.CompletionDate == nil {
		t.Fatalf("stopped job %s %q", s.Status, aws.ToString(s.CompletionMessage))
	}
	if n := s.ImportedUsers; n == 0 || n >= total || s.FailedUsers != 0 || s.SkippedUsers != 0 {
		t.Fatalf("imported %d of %d", n, total)
	}
	time.Sleep(50 * time.Millisecond)
	if again := describeImport(t, idp, poolID, *j.JobId); again.Status != s.Status || again.ImportedUsers != s.ImportedUsers {
		t.Fatalf("after stop: %s %d", again.Status, again.ImportedUsers)
	}
	if n := countScoped(t, c, "user", poolID); int64(n) != s.ImportedUsers {
		t.Fatalf("%d users, job says %d", n, s.ImportedUsers)
	}
	if _, err := idp.UpdateUserPool(ctx, update); err != nil {
		t.Fatalf("update after the job stopped: %v", err)
	}
	_, err = idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId})
	wantCognitoErr(t, err, "PreconditionNotMetException", "Stopped")
	_, err = idp.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId})
	wantCognitoErr(t, err, "PreconditionNotMetException", "Stopped")
	t.Logf("stopped after %d of %d rows", s.ImportedUsers, total)
}

// TestImportOneActiveJob: "Only one import job can be active at a time
// per account": a second start, in another pool, waits for the first.
func TestImportOneActiveJob(t *testing.T) {
	ctx := context.Background()
	c := cirrotest.Start(t, cirrotest.WithStoreWrapper(slowUsers(time.Millisecond)))
	idp := c.IdentityProvider()
	poolA, poolB := importPool(t, idp), importPool(t, idp)
	a := createImportJob(t, idp, poolA, "a")
	uploadCSV(t, a, importCSV(t, idp, poolA, manyRows(2000)...))
	b := createImportJob(t, idp, poolB, "b")
	uploadCSV(t, b, importCSV(t, idp, poolB, importRow("solo", "solo@example.com")))
	if _, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolA, JobId: a.JobId}); err != nil {
		t.Fatal(err)
	}
	_, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolB, JobId: b.JobId})
	wantCognitoErr(t, err, "PreconditionNotMetException", "Only one import job")
	if j := describeImport(t, idp, poolB, *b.JobId); j.Status != types.UserImportJobStatusTypeCreated {
		t.Fatalf("refused job is %s", j.Status)
	}
	if _, err := idp.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: &poolA, JobId: a.JobId}); err != nil {
		t.Fatal(err)
	}
	waitImport(t, idp, poolA, *a.JobId, types.UserImportJobStatusTypeStopped)
	wantCounts(t, runStarted(t, idp, poolB, *b.JobId), 1, 0, 0)
}

// TestImportResume: a job cut short (its runners closed, as a server
// shutting down does) is resumed by the next server on the database and
// ends with every row imported exactly once.
func TestImportResume(t *testing.T) {
	ctx := context.Background()
	node := cirrotest.SharedNode("sqlite:"+filepath.Join(t.TempDir(), "cirro.db"), cirrotest.NewMasterKey(), "http://cirro.test")
	a := cirrotest.Start(t, node, cirrotest.WithStoreWrapper(slowUsers(time.Millisecond)))
	idp := a.IdentityProvider()
	poolID := importPool(t, idp)
	const total = 600
	j := createImportJob(t, idp, poolID, "resume")
	body := importCSV(t, idp, poolID, manyRows(total)...)
	req, _ := http.NewRequest(http.MethodPut, strings.Replace(*j.PreSignedUrl, "http://cirro.test", a.URL, 1), strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %v %v", res, err)
	}
	res.Body.Close()
	if _, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId}); err != nil {
		t.Fatal(err)
	}
	for describeImport(t, idp, poolID, *j.JobId).ImportedUsers == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	a.Internal().API.Imports.Close()
	cut := describeImport(t, idp, poolID, *j.JobId)
	if cut.Status != types.UserImportJobStatusTypeInProgress || cut.ImportedUsers >= total {
		t.Fatalf("cut short: %s %d", cut.Status, cut.ImportedUsers)
	}

	b := cirrotest.Start(t, node)
	done := waitImport(t, b.IdentityProvider(), poolID, *j.JobId, types.UserImportJobStatusTypeSucceeded, types.UserImportJobStatusTypeFailed)
	wantCounts(t, done, total, 0, 0)
	if n := countScoped(t, b, "user", poolID); n != total {
		t.Fatalf("%d users", n)
	}
	t.Logf("cut after %d rows, resumed to %d", cut.ImportedUsers, total)
}

// TestImportPoolDeleted: deleting a pool in the middle of its import ends
// the job with the pool (nothing of it is left) and frees the account's
// active job for another pool.
func TestImportPoolDeleted(t *testing.T) {
	ctx := context.Background()
	c := cirrotest.Start(t, cirrotest.WithStoreWrapper(slowUsers(time.Millisecond)))
	idp := c.IdentityProvider()
	poolA, poolB := importPool(t, idp), importPool(t, idp)
	a := createImportJob(t, idp, poolA, "a")
	uploadCSV(t, a, importCSV(t, idp, poolA, manyRows(2000)...))
	if _, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolA, JobId: a.JobId}); err != nil {
		t.Fatal(err)
	}
	for describeImport(t, idp, poolA, *a.JobId).ImportedUsers == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolA}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"userimportjob", "userimportchunk", "user"} {
		if n := countScoped(t, c, kind, poolA); n != 0 {
			t.Errorf("%d %s records left", n, kind)
		}
	}
	b := createImportJob(t, idp, poolB, "b")
	uploadCSV(t, b, importCSV(t, idp, poolB, importRow("solo", "solo@example.com")))
	wantCounts(t, runStarted(t, idp, poolB, *b.JobId), 1, 0, 0)
}
