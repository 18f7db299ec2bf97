package userimport

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// Service serves the import operations and owns the runners of started
// jobs. Close stops the runners; a job they leave unfinished is resumed
// by the next Resume.
type Service struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
	Pools *pool.Service
	Users *user.Service
	Log   *slog.Logger
	// PublicURL is cirro's base URL, where upload URLs point.
	PublicURL string
	// BatchSize is the number of rows imported per transaction; 0 means
	// defaultBatch.
	BatchSize int

	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	running map[string]*runner
	wg      sync.WaitGroup
	closed  bool
}

// defaultBatch rows per transaction: large enough that commits do not
// dominate, small enough that progress shows and a retried transaction
// repeats little.
const defaultBatch = 100

// runner is the in-process handle of one running job.
type runner struct {
	// stop asks the runner to end its batch before the next row; the
	// job's Stopping status, committed first, says what to do then.
	stop atomic.Bool
	done chan struct{}
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) batch() int {
	if s.BatchSize > 0 {
		return s.BatchSize
	}
	return defaultBatch
}

// launch starts a runner for a job unless one already runs here or the
// service is closed (the job then waits, Pending or InProgress, for the
// next Resume).
func (s *Service) launch(recID, poolID, jobID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.ctx == nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
		s.running = map[string]*runner{}
	}
	if _, ok := s.running[jobID]; ok {
		return
	}
	r := &runner{done: make(chan struct{})}
	s.running[jobID] = r
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.running, jobID)
			s.mu.Unlock()
			close(r.done)
		}()
		s.run(s.ctx, r, recID, poolID, jobID)
	}()
}

// local is the runner of jobID in this process, if any.
func (s *Service) local(jobID string) *runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[jobID]
}

// Close stops every runner between two batches (an open batch rolls
// back) and waits for them. It is safe to call more than once.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Resume starts a runner for every job left Pending, InProgress or
// Stopping, by this process or another that stopped: each batch of a job
// committed its rows with its position in the file, so the job goes on
// from the first row not committed, and no row is imported twice. With
// several nodes on one database, each resumes the job; their batches
// serialise on the job's record version, so they share the work safely.
func (s *Service) Resume(ctx context.Context) error {
	type found struct{ rec, pool, job string }
	var jobs []found
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		jobs = jobs[:0]
		for _, st := range []string{statusPending, statusInProgress, statusStopping} {
			recs, err := tx.List(ctx, store.Query{Kind: KindJob, AnyScope: true, KeyName: keyStatus, KeyValue: st})
			if err != nil {
				return err
			}
			for _, rec := range recs {
				j, err := decodeJob(rec)
				if err != nil {
					return err
				}
				jobs = append(jobs, found{rec.ID, rec.Scope, j.ID})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range jobs {
		s.log().Info("resuming user import job", "job", f.job, "pool", f.pool)
		s.launch(f.rec, f.pool, f.job)
	}
	return nil
}
