package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// userImportNotes lists CSV user import operations that are only partly done.
var userImportNotes = map[string]string{
	"CreateUserImportJob": "PreSignedUrl is a signed PUT URL on cirro itself (<public-url>/_cirro/import/…, 15 minutes), not S3; " +
		"CloudWatchLogsRoleArn is kept but not assumed: the per-line results go to cirro's log; " +
		"PasswordHashingAlgorithm is kept and shown, but password hashes are not imported (users are RESET_REQUIRED)",
	"StartUserImportJob": "one active job per cirro server (Cognito: per account); " +
		"a job whose every row failed or was skipped ends Failed (\"Too many users have failed or been skipped\"), any imported row makes it Succeeded",
	"StopUserImportJob": "answers Stopped when the job's runner is in this process and stops within 10 s, else Stopping",
}

func (a *API) registerUserImport(h *cognitoidp.Handlers) {
	h.GetCSVHeader = a.Imports.GetCSVHeader
	h.CreateUserImportJob = a.Imports.CreateUserImportJob
	h.DescribeUserImportJob = a.Imports.DescribeUserImportJob
	h.ListUserImportJobs = a.Imports.ListUserImportJobs
	h.StartUserImportJob = a.Imports.StartUserImportJob
	h.StopUserImportJob = a.Imports.StopUserImportJob
}
