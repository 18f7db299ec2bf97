// Package userimport is Cognito's CSV user import: GetCSVHeader and the
// user import jobs (CreateUserImportJob, DescribeUserImportJob,
// ListUserImportJobs, StartUserImportJob, StopUserImportJob), as the
// developer guide describes them ("Importing users into a user pool from
// a CSV file").
//
// cirro has no S3, so a job's PreSignedUrl points at cirro itself:
// <public-url>/_cirro/import/<pool>/<job>?X-Cirro-Expires=…&X-Cirro-Signature=…
// The signature is an HMAC, under a key derived from the master key, of
// the pool, job and expiry; the URL is the credential, as an S3 pre-signed
// URL is, and it expires 15 minutes after the job is created (upload.go,
// uploadhttp.go). The file is kept as sealed chunks of whole lines
// (chunks.go) until the job ends; a job not started within 24 hours is
// Expired and its chunks are swept.
//
// StartUserImportJob hands the job to a runner goroutine owned by Service
// (runner.go), which Close stops. The runner imports rows in batches: each
// batch's users, the job's counters and its position in the file commit
// in one transaction, so progress is exact and a job cut short by a
// restart is resumed where it stopped (Resume, at server start) rather
// than failed: its file is still there, and no row is imported twice.
// StopUserImportJob marks the job Stopping; the runner sees it between
// rows and ends it Stopped. Cognito allows one active job per account
// (lock.go).
//
// Users are created by user.Service.Import, with AdminCreateUser's rules;
// the CSV's own rules (columns, mfa_enabled, auto-verified attributes,
// value syntax) are in csv.go and row.go.
package userimport
