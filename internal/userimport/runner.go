package userimport

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// Completion messages. The stopped and failed ones are Cognito's (developer
// guide, Creating and running the user import job); the others cirro's.
const (
	msgStopped   = "The Import Job was stopped by the developer."
	msgTooMany   = "Too many users have failed or been skipped during the import."
	msgSucceeded = "Import Job Completed Successfully."
	msgInternal  = "The import job stopped because of an internal error."
)

// maxAttempts is how many times in a row a batch may fail (the store
// unavailable, say) before the job is failed; a conflict with a Stop or
// another node's batch is no failure.
const maxAttempts = 5

// run imports a job's rows, one batch per transaction, until the job ends
// or ctx is cancelled (the job then stays as it is, for Resume).
func (s *Service) run(ctx context.Context, r *runner, recID, poolID, jobID string) {
	log := s.log().With("job", jobID, "pool", poolID)
	defer func() {
		if v := recover(); v != nil {
			log.Error("user import job panicked", "panic", fmt.Sprint(v))
			s.fail(ctx, recID, jobID)
		}
	}()
	var rd *reader
	for attempts := 0; ctx.Err() == nil; {
		var more bool
		err := s.Store.Write(ctx, func(tx store.Tx) (err error) {
			more, err = s.step(ctx, tx, r, &rd, recID, poolID)
			return err
		})
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			attempts = 0
			if !more {
				return
			}
		case errors.Is(err, store.ErrConflict):
		default:
			if attempts++; attempts >= maxAttempts {
				log.Error("user import job failed", "error", err)
				s.fail(ctx, recID, jobID)
				return
			}
			log.Warn("user import batch failed; retrying", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(attempts) * time.Second):
			}
		}
	}
}

// step runs one batch in tx and reports whether the job has more to do.
func (s *Service) step(ctx context.Context, tx store.Tx, r *runner, rdp **reader, recID, poolID string) (bool, error) {
	rec, err := tx.Get(ctx, KindJob, recID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // the pool, and the job with it, was deleted
	}
	if err != nil {
		return false, err
	}
	j, err := decodeJob(rec)
	if err != nil {
		return false, err
	}
	if *rdp == nil || (*rdp).f == nil {
		*rdp = s.newReader(j)
	}
	rd := *rdp
	// Shared, before the batch writes anything: a DeleteUserPool then
	// waits for the batch and deletes its users with the pool, or the
	// batch finds the pool gone. Without it a batch could commit users
	// into a pool deleted meanwhile.
	err = s.Pools.LockPool(ctx, tx, poolID, store.LockShared)
	if errs.Is(err, errs.ResourceNotFoundException) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p, _, err := s.Pools.Pool(ctx, tx, poolID)
	if errs.Is(err, errs.ResourceNotFoundException) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	now := s.Clock.Now()
	switch j.Status {
	case statusStopping:
		if err := s.end(ctx, tx, j, statusStopped, msgStopped, now); err != nil {
			return false, err
		}
		return false, save(ctx, tx, j, rec)
	case statusPending:
		j.Status = statusInProgress
		msg, err := s.begin(ctx, tx, p, rd, j)
		if err != nil {
			return false, err
		}
		if msg != "" {
			s.log().Info("user import job failed", "job", j.ID, "reason", msg)
			if err := s.end(ctx, tx, j, statusFailed, msg, now); err != nil {
				return false, err
			}
		}
		return j.active(), save(ctx, tx, j, rec)
	case statusInProgress:
	default:
		return false, nil
	}
	cols, err := rd.columns(ctx, tx)
	if err != nil {
		return false, err
	}
	for range s.batch() {
		if r.stop.Load() {
			break // the job is Stopping: the next step ends it
		}
		line, ok, err := rd.line(ctx, tx, j.Next)
		if err != nil {
			return false, err
		}
		if !ok {
			status, msg := statusSucceeded, msgSucceeded
			if j.Imported == 0 && j.Skipped+j.Failed > 0 {
				status, msg = statusFailed, msgTooMany
			}
			if err := s.end(ctx, tx, j, status, msg, now); err != nil {
				return false, err
			}
			break
		}
		n := j.Next
		j.Next++
		if strings.TrimSpace(line) == "" {
			continue // a blank line is no user
		}
		if err := s.importRow(ctx, tx, p, cols, j, n, line); err != nil {
			return false, err
		}
	}
	return j.active(), save(ctx, tx, j, rec)
}

// begin checks the file before the first row, and returns why it cannot
// be imported, if it cannot: "Amazon Cognito is unable to parse the .csv
// file" fails the job (developer guide).
func (s *Service) begin(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, rd *reader, j *job) (string, error) {
	switch {
	case j.File == nil || j.File.Lines == 0:
		return "The CSV file is empty.", nil
	case j.File.Lines-1 > maxUsers:
		return "The CSV file has more than 500,000 users.", nil
	}
	h, _, err := rd.line(ctx, tx, 1)
	if err != nil {
		return "", err
	}
	if !utf8.ValidString(h) {
		return "The CSV file is not valid UTF-8.", nil
	}
	cols, err := rd.columns(ctx, tx)
	if err != nil {
		return "", err
	}
	if msg := checkHeader(p, cols); msg != "" {
		return msg, nil
	}
	j.Next = 2
	return "", nil
}

// importRow imports the row on line n, counting it. A row the rules
// refuse is counted and logged, and the import goes on; an error of the
// store aborts the batch.
func (s *Service) importRow(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, cols []string, j *job, n int, line string) error {
	in, err := parseRow(p, cols, line)
	if err == nil {
		_, err = s.Users.Import(ctx, tx, p, in)
	}
	var re rowError
	e, typed := errs.As(err)
	switch {
	case err == nil:
		j.Imported++
		s.log().Debug(fmt.Sprintf("[SUCCEEDED] Line Number %d - The import succeeded.", n), "job", j.ID)
	case typed && e.Code == errs.UsernameExistsException:
		j.Skipped++
		s.log().Info(fmt.Sprintf("[SKIPPED] Line Number %d - The user already exists.", n), "job", j.ID)
	case typed || errors.As(err, &re):
		// Only the reason, never the row's values: "No user data is
		// written to the log" (developer guide).
		msg := err.Error()
		if typed {
			msg = redact(e.Message, line)
		}
		j.Failed++
		s.log().Info(fmt.Sprintf("[FAILED] Line Number %d - %s", n, msg), "job", j.ID)
	default:
		return err
	}
	return nil
}

// end finishes a job: its status and message, its completion date, the
// account's active job given up and its file deleted.
func (s *Service) end(ctx context.Context, tx store.Tx, j *job, status, msg string, now time.Time) error {
	j.Status, j.Message, j.Finished = status, msg, now
	if err := release(ctx, tx, j.ID); err != nil {
		return err
	}
	if f := j.File; f != nil {
		if err := deleteChunks(ctx, tx, j.ID, f.Gen, len(f.Starts)); err != nil {
			return err
		}
		j.File = nil
	}
	return nil
}

// fail ends a job Failed after an internal error, if it is still active.
func (s *Service) fail(ctx context.Context, recID, jobID string) {
	ctx = context.WithoutCancel(ctx)
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindJob, recID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		j, err := decodeJob(rec)
		if err != nil || !j.active() {
			return err
		}
		if err := s.end(ctx, tx, j, statusFailed, msgInternal, s.Clock.Now()); err != nil {
			return err
		}
		return save(ctx, tx, j, rec)
	})
	if err != nil {
		s.log().Error("user import job: cannot record the failure", "job", jobID, "error", err)
	}
}

// redact takes the row's values out of a message of the user directory
// (some, like "Number … is not a number.", quote the value), so that the
// log holds line numbers and reasons only.
func redact(msg, line string) string {
	for _, v := range fields(line) {
		if len(v) > 1 && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			re := regexp.MustCompile(`(^|[^\pL\pN])` + regexp.QuoteMeta(v) + `([^\pL\pN]|$)`)
			msg = re.ReplaceAllString(msg, "${1}<value>${2}")
		}
	}
	return msg
}
