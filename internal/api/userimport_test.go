package api_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// TestImportCSVHeader: the pool's schema in Cognito's order (the
// developer guide's sample response), custom attributes after the
// standard ones, then cognito:mfa_enabled and cognito:username.
func TestImportCSVHeader(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	poolID := importPool(t, idp)
	out, err := idp.GetCSVHeader(context.Background(), &cip.GetCSVHeaderInput{UserPoolId: &poolID})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
		"picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
		"phone_number_verified", "address", "updated_at", "custom:team", "custom:age", "cognito:mfa_enabled", "cognito:username"}
	if !reflect.DeepEqual(out.CSVHeader, want) || aws.ToString(out.UserPoolId) != poolID {
		t.Fatalf("header %q", out.CSVHeader)
	}
	_, err = idp.GetCSVHeader(context.Background(), &cip.GetCSVHeaderInput{UserPoolId: aws.String("us-east-1_nope")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "does not exist")
}

// TestImportFlow: create, upload to the PreSignedUrl with net/http and the
// guide's encryption header, start, poll: the users exist, RESET_REQUIRED,
// with their attributes. On SQLite and PostgreSQL.
func TestImportFlow(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		ctx := context.Background()
		idp := c.IdentityProvider()
		poolID := importPool(t, idp)
		j := createImportJob(t, idp, poolID, "first-import")
		if j.Status != types.UserImportJobStatusTypeCreated || !strings.HasPrefix(*j.JobId, "import-") ||
			!strings.HasPrefix(*j.PreSignedUrl, c.URL+"/_cirro/import/"+poolID+"/"+*j.JobId+"?") ||
			*j.JobName != "first-import" || *j.CloudWatchLogsRoleArn != importRole || j.CreationDate == nil ||
			j.StartDate != nil || j.ImportedUsers != 0 {
			t.Fatalf("created job %+v", j)
		}
		uploadCSV(t, j, importCSV(t, idp, poolID,
			importRow("alice", "alice@example.com", "given_name", "Alice", "custom:team", "red\\, blue", "custom:age", "41",
				"birthdate", "02/01/1985", "updated_at", "1471453471"),
			importRow("bob", "bob@example.com", "phone_number", "+12345550100", "phone_number_verified", "false"),
		))
		st, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId})
		if err != nil {
			t.Fatal(err)
		}
		if s := st.UserImportJob.Status; (s != types.UserImportJobStatusTypePending && s != types.UserImportJobStatusTypeInProgress &&
			s != types.UserImportJobStatusTypeSucceeded) || st.UserImportJob.StartDate == nil {
			t.Fatalf("started job %+v", st.UserImportJob)
		}
		done := waitImport(t, idp, poolID, *j.JobId, types.UserImportJobStatusTypeSucceeded, types.UserImportJobStatusTypeFailed)
		wantCounts(t, done, 2, 0, 0)
		if done.Status != types.UserImportJobStatusTypeSucceeded || done.CompletionDate == nil {
			t.Fatalf("finished job %+v", done)
		}
		u, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		if u.UserStatus != types.UserStatusTypeResetRequired || !u.Enabled {
			t.Fatalf("alice: %s", u.UserStatus)
		}
		for name, want := range map[string]string{"email": "alice@example.com", "email_verified": "true", "given_name": "Alice",
			"custom:team": "red, blue", "custom:age": "41", "birthdate": "1985-02-01", "updated_at": "1471453471"} {
			if got := attrOf(u.UserAttributes, name); got != want {
				t.Errorf("alice %s = %q, want %q", name, got, want)
			}
		}
		// The verified email is an alias: the user signs in by it.
		if _, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("alice@example.com")}); err != nil {
			t.Errorf("alias: %v", err)
		}
		b, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("bob")})
		if err != nil {
			t.Fatal(err)
		}
		if b.UserStatus != types.UserStatusTypeResetRequired || attrOf(b.UserAttributes, "phone_number") != "+12345550100" {
			t.Fatalf("bob %+v", b)
		}
		// Nothing of the file outlives the job.
		if n := countScoped(t, c, "userimportchunk", poolID); n != 0 {
			t.Errorf("%d chunks left", n)
		}
		_, err = idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId})
		wantCognitoErr(t, err, "PreconditionNotMetException", "Succeeded")
	})
}

// TestImportBadRows: rows the rules refuse are counted as failed (a
// username taken as skipped) and the import goes on; the job succeeds.
func TestImportBadRows(t *testing.T) {
	ctx := context.Background()
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	poolID := importPool(t, idp)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("taken"),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	j := runImport(t, idp, poolID, importCSV(t, idp, poolID,
		importRow("good1", "good1@example.com"),
		importRow("", "nobody@example.com"),                      // missing username
		importRow("dup", "good1@example.com"),                    // alias taken
		importRow("old", "old@example.com", "custom:age", "abc"), // not a number
		importRow("unverified", "u@example.com", "email_verified", "false"),
		importRow("mfa", "m@example.com", "cognito:mfa_enabled", ""),
		importRow("has space", "s@example.com"),
		importRow("taken", "taken@example.com"), // exists: skipped
		importRow("good2", "good2@example.com"),
	)+"\n\n")
	if j.Status != types.UserImportJobStatusTypeSucceeded {
		t.Fatalf("status %s: %s", j.Status, aws.ToString(j.CompletionMessage))
	}
	wantCounts(t, j, 2, 1, 6)
	for _, name := range []string{"good1", "good2"} {
		if _, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String(name)}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"dup", "old", "unverified", "mfa"} {
		_, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String(name)})
		wantCognitoErr(t, err, "UserNotFoundException", "")
	}

	// Every row refused: "Too many users have failed or been skipped".
	j = runImport(t, idp, poolID, importCSV(t, idp, poolID, importRow("taken", "x@example.com"), importRow("", "")))
	if j.Status != types.UserImportJobStatusTypeFailed || !strings.Contains(aws.ToString(j.CompletionMessage), "Too many users") {
		t.Fatalf("%s: %s", j.Status, aws.ToString(j.CompletionMessage))
	}
	wantCounts(t, j, 0, 1, 1)
}

// TestImportHeaderMismatch: a file whose columns are not the pool's
// cannot be parsed, and the job fails; a row with a value too many fails
// alone.
func TestImportHeaderMismatch(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	poolID := importPool(t, idp)
	body := importCSV(t, idp, poolID, importRow("a", "a@example.com"))
	missing := strings.Replace(body, "custom:team,", "", 1)
	j := runImport(t, idp, poolID, missing)
	if j.Status != types.UserImportJobStatusTypeFailed || !strings.Contains(aws.ToString(j.CompletionMessage), "missing columns: custom:team") {
		t.Fatalf("%s: %s", j.Status, aws.ToString(j.CompletionMessage))
	}
	wantCounts(t, j, 0, 0, 0)
	unknown := strings.Replace(body, "custom:team", "custom:nope", 1)
	j = runImport(t, idp, poolID, unknown)
	if j.Status != types.UserImportJobStatusTypeFailed || !strings.Contains(aws.ToString(j.CompletionMessage), "custom:nope") {
		t.Fatalf("%s: %s", j.Status, aws.ToString(j.CompletionMessage))
	}
	extra := "b" + strings.Repeat(",", strings.Count(strings.SplitN(body, "\n", 2)[0], ",")+1) + "\n"
	j = runImport(t, idp, poolID, body+extra)
	wantCounts(t, j, 1, 0, 1)
	if n := countScoped(t, c, "user", poolID); n != 1 {
		t.Fatalf("%d users", n)
	}
}

// TestImportUploadURL: the PreSignedUrl is the credential. A tampered
// signature, another job's URL, an expired URL or a job already started
// are refused (403, S3's error document) and change nothing.
func TestImportUploadURL(t *testing.T) {
	ctx := context.Background()
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	poolID := importPool(t, idp)
	j := createImportJob(t, idp, poolID, "url")
	other := createImportJob(t, idp, poolID, "other")
	good := importCSV(t, idp, poolID, importRow("first", "first@example.com"))
	bad := importCSV(t, idp, poolID, importRow("second", "second@example.com"))
	url := *j.PreSignedUrl

	i := strings.Index(url, "X-Cirro-Signature=") + len("X-Cirro-Signature=")
	repl := "A"
	if url[i] == 'A' {
		repl = "B"
	}
	flipped := url[:i] + repl + url[i+1:]
	transplanted := strings.Replace(*other.PreSignedUrl, *other.JobId, *j.JobId, 1)
	laterExpiry := strings.Replace(url, "X-Cirro-Expires=", "X-Cirro-Expires=9", 1)
	for name, u := range map[string]string{"tampered": flipped, "other job's": transplanted, "extended": laterExpiry,
		"unsigned": strings.SplitN(url, "?", 2)[0]} {
		if code, msg := putCSV(t, u, bad); code != http.StatusForbidden || !strings.Contains(msg, "SignatureDoesNotMatch") {
			t.Errorf("%s URL: %d %s", name, code, msg)
		}
	}
	_, err := idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: j.JobId})
	wantCognitoErr(t, err, "PreconditionNotMetException", "No CSV file")

	uploadCSV(t, j, good)
	start := clk.Now()
	clk.Advance(16 * time.Minute)
	if code, msg := putCSV(t, url, bad); code != http.StatusForbidden || !strings.Contains(msg, "Request has expired") {
		t.Errorf("expired URL: %d %s", code, msg)
	}
	clk.Set(start) // requests are signed with the real time
	done := runStarted(t, idp, poolID, *j.JobId)
	wantCounts(t, done, 1, 0, 0)
	if _, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("first")}); err != nil {
		t.Fatal(err)
	}
	if code, _ := putCSV(t, url, bad); code != http.StatusForbidden {
		t.Errorf("upload to a finished job: %d", code)
	}

	// A job not started within a day is Expired and cannot start.
	late := createImportJob(t, idp, poolID, "late")
	uploadCSV(t, late, good)
	clk.Advance(24 * time.Hour)
	if got := describeLate(t, c, poolID, *late.JobId); got != "Expired" {
		t.Fatalf("a day later: %s", got)
	}
}

// runStarted starts a job and waits for its end.
func runStarted(t *testing.T, idp *cip.Client, poolID, jobID string) *types.UserImportJobType {
	t.Helper()
	if _, err := idp.StartUserImportJob(context.Background(), &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: &jobID}); err != nil {
		t.Fatal(err)
	}
	return waitImport(t, idp, poolID, jobID, types.UserImportJobStatusTypeSucceeded, types.UserImportJobStatusTypeFailed)
}

// describeLate reads a job's status, and tries to start it, straight
// through the service: the server's fake clock is a day ahead of the
// signing time of SDK requests, past the allowed skew.
func describeLate(t *testing.T, c *cirrotest.Server, poolID, jobID string) string {
	t.Helper()
	ctx := context.Background()
	imports := c.Internal().API.Imports
	out, err := imports.DescribeUserImportJob(ctx, &cognitoidp.DescribeUserImportJobRequest{UserPoolId: &poolID, JobId: &jobID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = imports.StartUserImportJob(ctx, &cognitoidp.StartUserImportJobRequest{UserPoolId: &poolID, JobId: &jobID})
	if e, ok := errs.As(err); !ok || e.Code != errs.PreconditionNotMetException || !strings.Contains(e.Message, "Expired") {
		t.Fatalf("start an expired job: %v", err)
	}
	return *out.UserImportJob.Status
}

// TestImportListAndErrors: ListUserImportJobs pages newest first with
// sealed tokens; unknown pools and jobs are ResourceNotFoundException.
func TestImportListAndErrors(t *testing.T) {
	ctx := context.Background()
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	poolID, otherPool := importPool(t, idp), importPool(t, idp)
	var ids []string
	for i := range 5 {
		ids = append([]string{*createImportJob(t, idp, poolID, "job"+string(rune('a'+i))).JobId}, ids...)
		clk.Advance(time.Second)
	}
	var got []string
	var token *string
	pages := 0
	for {
		out, err := idp.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: &poolID, MaxResults: aws.Int32(2), PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, j := range out.UserImportJobs {
			got = append(got, *j.JobId)
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	if !reflect.DeepEqual(got, ids) || pages != 3 {
		t.Fatalf("listed %v in %d pages, want %v", got, pages, ids)
	}
	_, err := idp.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: &otherPool, MaxResults: aws.Int32(2),
		PaginationToken: aws.String("bm90IGEgdG9rZW4")})
	wantCognitoErr(t, err, "InvalidParameterException", "")
	out, err := idp.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: &otherPool, MaxResults: aws.Int32(60)})
	if err != nil || len(out.UserImportJobs) != 0 || out.PaginationToken != nil {
		t.Fatalf("other pool: %v %v", out, err)
	}

	unknownPool := aws.String("us-east-1_unknown1")
	_, err = idp.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: unknownPool, MaxResults: aws.Int32(2)})
	wantCognitoErr(t, err, "ResourceNotFoundException", "does not exist")
	_, err = idp.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{UserPoolId: unknownPool, JobName: aws.String("x"),
		CloudWatchLogsRoleArn: aws.String(importRole)})
	wantCognitoErr(t, err, "ResourceNotFoundException", "does not exist")
	_, err = idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: unknownPool, JobId: &ids[0]})
	wantCognitoErr(t, err, "ResourceNotFoundException", "does not exist")
	// A job is found only in its own pool.
	_, err = idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &otherPool, JobId: &ids[0]})
	wantCognitoErr(t, err, "ResourceNotFoundException", ids[0])
	_, err = idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &poolID, JobId: aws.String("import-nope")})
	wantCognitoErr(t, err, "ResourceNotFoundException", "import-nope")
	_, err = idp.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: &poolID, JobId: &ids[0]})
	wantCognitoErr(t, err, "PreconditionNotMetException", "Created")
	_, err = idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: &poolID, JobId: aws.String("job-1")})
	wantCognitoErr(t, err, "InvalidParameterException", "")

	// A pool that verifies nothing automatically cannot import.
	plain := newFamilyPool(t, idp)
	j := createImportJob(t, idp, plain, "plain")
	uploadCSV(t, j, importCSV(t, idp, plain, importRow("a", "a@example.com")))
	_, err = idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: &plain, JobId: j.JobId})
	wantCognitoErr(t, err, "PreconditionNotMetException", "auto-verified")
}
