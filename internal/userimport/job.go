package userimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// KindJob is the store kind of import jobs, owned by their pool.
const KindJob = "userimportjob"

// Secondary keys of a job record: its job id (unique in the pool), and
// its status, which Resume searches across pools.
const (
	keyJob    = "job"
	keyStatus = "status"
)

// Statuses, as Cognito names them.
const (
	statusCreated    = cognitoidp.UserImportJobStatusTypeCreated
	statusPending    = cognitoidp.UserImportJobStatusTypePending
	statusInProgress = cognitoidp.UserImportJobStatusTypeInprogress
	statusStopping   = cognitoidp.UserImportJobStatusTypeStopping
	statusStopped    = cognitoidp.UserImportJobStatusTypeStopped
	statusSucceeded  = cognitoidp.UserImportJobStatusTypeSucceeded
	statusFailed     = cognitoidp.UserImportJobStatusTypeFailed
	statusExpired    = cognitoidp.UserImportJobStatusTypeExpired
)

// Lifetimes: "The PRE_SIGNED_URL returned in the response is valid for 15
// minutes"; Expired: "You created a job, but did not start the job within
// 24-48 hours. All data associated with the job was deleted" (developer
// guide, Creating and running the user import job).
const (
	uploadWindow = 15 * time.Minute
	startWindow  = 24 * time.Hour
)

// job is the stored form of one import job.
type job struct {
	ID       string    `json:"id"`
	Pool     string    `json:"pool"`
	Name     string    `json:"name"`
	RoleARN  string    `json:"role_arn"`
	HashAlg  string    `json:"hash_alg,omitempty"`
	Status   string    `json:"status"`
	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	Imported int64     `json:"imported"`
	Skipped  int64     `json:"skipped"`
	Failed   int64     `json:"failed"`
	Message  string    `json:"message,omitempty"`
	// File is the uploaded CSV, nil until a PUT to the upload URL.
	File *file `json:"file,omitempty"`
	// Next is the line of the file (1 is the header) the runner reads
	// next; 0 until the header is checked.
	Next int `json:"next,omitempty"`
}

// active reports whether a runner owes the job work.
func (j *job) active() bool {
	return j.Status == statusPending || j.Status == statusInProgress || j.Status == statusStopping
}

// status is the job's status at now: a job still Created a day after its
// creation is Expired.
func (j *job) status(now time.Time) string {
	if j.Status == statusCreated && !now.Before(j.Created.Add(startWindow)) {
		return statusExpired
	}
	return j.Status
}

// recordID orders a pool's jobs newest first ("Jobs are listed in
// chronological order from last created to first created"): the store
// lists by id.
func recordID(created time.Time, jobID string) string {
	return fmt.Sprintf("%019d/%s", math.MaxInt64-created.UnixNano(), jobID)
}

func (j *job) record() (*store.Record, error) {
	data, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("encode import job %s: %w", j.ID, err)
	}
	return &store.Record{Kind: KindJob, ID: recordID(j.Created, j.ID), Scope: j.Pool, Data: data, Keys: []store.Key{
		{Name: keyJob, Value: j.ID, Unique: true},
		{Name: keyStatus, Value: j.Status},
	}}, nil
}

func decodeJob(rec *store.Record) (*job, error) {
	var j job
	if err := json.Unmarshal(rec.Data, &j); err != nil {
		return nil, fmt.Errorf("decode import job %s: %w", rec.ID, err)
	}
	return &j, nil
}

// save writes back a job read with rec.
func save(ctx context.Context, tx store.Tx, j *job, rec *store.Record) error {
	next, err := j.record()
	if err != nil {
		return err
	}
	next.Version = rec.Version
	if err := tx.Update(ctx, next); err != nil {
		return err
	}
	rec.Version = next.Version
	return nil
}

// errJobNotFound: Cognito's text is not public; cirro's wording.
func errJobNotFound(jobID string) error {
	return errs.New(errs.ResourceNotFoundException, "User import job "+jobID+" does not exist.")
}

// find reads a job of a pool by job id; the pool must exist.
func (s *Service) find(ctx context.Context, tx store.Tx, poolID, jobID string) (*job, *store.Record, error) {
	if _, _, err := s.Pools.Pool(ctx, tx, poolID); err != nil {
		return nil, nil, err
	}
	rec, err := tx.Lookup(ctx, KindJob, poolID, keyJob, jobID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errJobNotFound(jobID)
	}
	if err != nil {
		return nil, nil, err
	}
	j, err := decodeJob(rec)
	return j, rec, err
}

// view is the job as the API shows it.
func (s *Service) view(j *job) *cognitoidp.UserImportJobType {
	out := &cognitoidp.UserImportJobType{
		JobId:                 ptr(j.ID),
		JobName:               ptr(j.Name),
		UserPoolId:            ptr(j.Pool),
		PreSignedUrl:          ptr(s.uploadURL(j)),
		CreationDate:          shape.NewTime(j.Created),
		StartDate:             shape.NewTime(j.Started),
		CompletionDate:        shape.NewTime(j.Finished),
		Status:                ptr(j.status(s.Clock.Now())),
		CloudWatchLogsRoleArn: ptr(j.RoleARN),
		ImportedUsers:         ptr(j.Imported),
		SkippedUsers:          ptr(j.Skipped),
		FailedUsers:           ptr(j.Failed),
	}
	if j.Message != "" {
		out.CompletionMessage = ptr(j.Message)
	}
	if j.HashAlg != "" {
		out.PasswordHashingAlgorithm = ptr(j.HashAlg)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
