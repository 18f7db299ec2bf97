package userimport

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// "Only one import job can be active at a time per account" (developer
// guide, Starting a user import job). A cirro server is one account, so
// one global record names the active job; inserting it, or taking it
// over from a job that is no longer active, is what StartUserImportJob
// decides in its transaction, and the database's (kind, id) identity
// settles two concurrent starts, on any number of nodes.
const (
	kindLock = "userimportlock"
	lockID   = "account"
)

type lockDoc struct {
	Pool   string `json:"pool"`
	Job    string `json:"job"`
	Record string `json:"record"`
}

// errBusy: Cognito's text is not public; cirro's wording.
func errBusy(jobID, poolID string) error {
	return errs.New(errs.PreconditionNotMetException,
		"Only one import job can be active at a time per account; job "+jobID+" of user pool "+poolID+" is active.")
}

// acquire makes the job of record recID the account's active job, unless
// another job that is still active holds it. A holder whose record is
// gone (its pool was deleted) or has ended no longer counts.
func acquire(ctx context.Context, tx store.Tx, poolID, jobID, recID string) error {
	data, err := json.Marshal(lockDoc{Pool: poolID, Job: jobID, Record: recID})
	if err != nil {
		return err
	}
	rec, err := tx.Get(ctx, kindLock, lockID)
	if errors.Is(err, store.ErrNotFound) {
		err = tx.Insert(ctx, &store.Record{Kind: kindLock, ID: lockID, Data: data})
		if errors.Is(err, store.ErrExists) {
			return store.ErrConflict // a concurrent start won: run again and see it
		}
		return err
	}
	if err != nil {
		return err
	}
	var held lockDoc
	if err := json.Unmarshal(rec.Data, &held); err != nil {
		return err
	}
	if held.Job != jobID {
		other, err := tx.Get(ctx, KindJob, held.Record)
		switch {
		case err == nil:
			j, err := decodeJob(other)
			if err != nil {
				return err
			}
			if j.active() {
				return errBusy(held.Job, held.Pool)
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	rec.Data = data
	return tx.Update(ctx, rec)
}

// release gives up the account's active job if jobID holds it.
func release(ctx context.Context, tx store.Tx, jobID string) error {
	rec, err := tx.Get(ctx, kindLock, lockID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var held lockDoc
	if err := json.Unmarshal(rec.Data, &held); err != nil {
		return err
	}
	if held.Job != jobID {
		return nil
	}
	return tx.Delete(ctx, kindLock, lockID)
}

// PoolImportActive reports whether the account's active job belongs to
// poolID and is still active (pool.Service.ImportActive).
func PoolImportActive(ctx context.Context, tx store.Tx, poolID string) (bool, error) {
	rec, err := tx.Get(ctx, kindLock, lockID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var held lockDoc
	if err := json.Unmarshal(rec.Data, &held); err != nil {
		return false, err
	}
	if held.Pool != poolID {
		return false, nil
	}
	job, err := tx.Get(ctx, KindJob, held.Record)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	j, err := decodeJob(job)
	if err != nil {
		return false, err
	}
	return j.active(), nil
}
