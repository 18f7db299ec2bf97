package userimport

import (
	"context"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
)

const jobIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// GetCSVHeader returns the columns of an import file for the pool.
func (s *Service) GetCSVHeader(ctx context.Context, in *cognitoidp.GetCSVHeaderRequest) (*cognitoidp.GetCSVHeaderResponse, error) {
	var cols []string
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		p, _, err := s.Pools.Pool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		cols = header(p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetCSVHeaderResponse{UserPoolId: in.UserPoolId, CSVHeader: cols}, nil
}

// CreateUserImportJob creates a job in Created, with the URL to upload its
// file to. CloudWatchLogsRoleArn is kept and shown; cirro writes the
// job's log lines to its own log instead of assuming the role.
func (s *Service) CreateUserImportJob(ctx context.Context, in *cognitoidp.CreateUserImportJobRequest) (*cognitoidp.CreateUserImportJobResponse, error) {
	j := &job{
		ID: "import-" + ids.FromAlphabet(jobIDAlphabet, 10), Pool: *in.UserPoolId, Name: *in.JobName,
		RoleARN: *in.CloudWatchLogsRoleArn, HashAlg: deref(in.PasswordHashingAlgorithm),
		Status: statusCreated, Created: s.Clock.Now(),
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pools.Pool(ctx, tx, j.Pool); err != nil {
			return err
		}
		rec, err := j.record()
		if err != nil {
			return err
		}
		return tx.Insert(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CreateUserImportJobResponse{UserImportJob: s.view(j)}, nil
}

// DescribeUserImportJob returns one job.
func (s *Service) DescribeUserImportJob(ctx context.Context, in *cognitoidp.DescribeUserImportJobRequest) (*cognitoidp.DescribeUserImportJobResponse, error) {
	j, err := s.read(ctx, *in.UserPoolId, *in.JobId)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeUserImportJobResponse{UserImportJob: s.view(j)}, nil
}

func (s *Service) read(ctx context.Context, poolID, jobID string) (*job, error) {
	var j *job
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		j, _, err = s.find(ctx, tx, poolID, jobID)
		return err
	})
	return j, err
}

// ListUserImportJobs pages through a pool's jobs, newest first.
func (s *Service) ListUserImportJobs(ctx context.Context, in *cognitoidp.ListUserImportJobsRequest) (*cognitoidp.ListUserImportJobsResponse, error) {
	const op = "ListUserImportJobs"
	poolID, limit := *in.UserPoolId, int(*in.MaxResults)
	out := &cognitoidp.ListUserImportJobsResponse{UserImportJobs: []cognitoidp.UserImportJobType{}}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pools.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		after, err := pagination.Cursor(s.Keys, op, poolID, in.PaginationToken)
		if err != nil {
			return err
		}
		recs, err := tx.List(ctx, store.Query{Kind: KindJob, Scope: poolID, After: after, Limit: limit + 1})
		if err != nil {
			return err
		}
		if len(recs) > limit {
			recs = recs[:limit]
			out.PaginationToken = pagination.Token(s.Keys, op, poolID, recs[limit-1].ID)
		}
		for _, rec := range recs {
			j, err := decodeJob(rec)
			if err != nil {
				return err
			}
			out.UserImportJobs = append(out.UserImportJobs, *s.view(j))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Errors of Start and Stop. Cognito's texts are not public; cirro's wording.
var (
	errNoFile      = errs.New(errs.PreconditionNotMetException, "No CSV file has been uploaded to the job's PreSignedUrl.")
	errNoAutoVerif = errs.New(errs.PreconditionNotMetException, "The user pool has no auto-verified attributes; an import job cannot start.")
)

func errNotStartable(status string) error {
	return errs.New(errs.PreconditionNotMetException, "The import job cannot be started: its status is "+status+".")
}

func errNotStoppable(status string) error {
	return errs.New(errs.PreconditionNotMetException, "The import job cannot be stopped: its status is "+status+".")
}

// StartUserImportJob starts a Created job whose file was uploaded: the
// job becomes Pending, the account's active job, and a runner takes it.
func (s *Service) StartUserImportJob(ctx context.Context, in *cognitoidp.StartUserImportJobRequest) (*cognitoidp.StartUserImportJobResponse, error) {
	var j *job
	var recID string
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		var rec *store.Record
		var err error
		if j, rec, err = s.find(ctx, tx, *in.UserPoolId, *in.JobId); err != nil {
			return err
		}
		now := s.Clock.Now()
		if st := j.status(now); st != statusCreated {
			return errNotStartable(st)
		}
		if j.File == nil {
			return errNoFile
		}
		p, _, err := s.Pools.Pool(ctx, tx, j.Pool)
		if err != nil {
			return err
		}
		if !hasAutoVerified(p) {
			return errNoAutoVerif
		}
		if err := acquire(ctx, tx, j.Pool, j.ID, rec.ID); err != nil {
			return err
		}
		if err := keepChunks(ctx, tx, j.ID, j.File); err != nil {
			return err
		}
		j.Status, j.Started = statusPending, now
		recID = rec.ID
		return save(ctx, tx, j, rec)
	})
	if err != nil {
		return nil, err
	}
	s.launch(recID, j.Pool, j.ID)
	return &cognitoidp.StartUserImportJobResponse{UserImportJob: s.view(j)}, nil
}

// stopWait bounds how long StopUserImportJob waits for a runner of this
// process to reach Stopped; past it, or when the job runs elsewhere, the
// answer says Stopping.
const stopWait = 10 * time.Second

// StopUserImportJob stops a Pending or InProgress job: it becomes
// Stopping, and its runner ends it Stopped before its next row ("After
// you stop the job, it cannot be restarted").
func (s *Service) StopUserImportJob(ctx context.Context, in *cognitoidp.StopUserImportJobRequest) (*cognitoidp.StopUserImportJobResponse, error) {
	poolID, jobID := *in.UserPoolId, *in.JobId
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		j, rec, err := s.find(ctx, tx, poolID, jobID)
		if err != nil {
			return err
		}
		switch st := j.status(s.Clock.Now()); st {
		case statusStopping:
			return nil
		case statusPending, statusInProgress:
			j.Status = statusStopping
			return save(ctx, tx, j, rec)
		default:
			return errNotStoppable(st)
		}
	})
	if err != nil {
		return nil, err
	}
	if r := s.local(jobID); r != nil {
		r.stop.Store(true)
		t := time.NewTimer(stopWait)
		select {
		case <-r.done:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
	j, err := s.read(ctx, poolID, jobID)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.StopUserImportJobResponse{UserImportJob: s.view(j)}, nil
}
