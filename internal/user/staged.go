package user

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// Operations that send a message work in three steps: stage the change
// from a read of the store, deliver the message, then commit the change
// in a write transaction, and only if what was read is still current.
//
// Delivering before the commit is what guarantees that a failed delivery
// leaves nothing behind (no user without their invitation, no code that
// never reached anyone), whatever happens to the process: the other
// orders cannot. Sending inside the write transaction would hold the
// database's write lock (SQLite has one writer) for the length of an SMTP
// exchange, and would deadlock outright on the development outbox, which
// writes to the same store; creating first and deleting on failure leaves
// the half-created user in place if the process dies in between.
//
// The price is on the other side of a race: when two requests create the
// same user, both messages go out and only one user is committed. The
// loser's message carries a code bound to a sub that never exists, so it
// can confirm nothing, and the loser gets the error.

// errStale reports that a user changed between staging and commit.
var errStale = errors.New("user: changed since the change was staged")

// maxStages bounds how often a change is staged again after losing a race.
// Under load (16 clients updating 100 users) three immediate retries were
// seen to be used up, failing about 2% of AdminUpdateUserAttributes with
// TooManyRequestsException; a random pause that doubles between attempts
// keeps the losers from colliding again in step.
const maxStages = 8

// untilCurrent runs attempt again while its commit found the user
// changed, and gives up after maxStages tries.
func untilCurrent(attempt func() error) error {
	for i := range maxStages {
		if err := attempt(); !errors.Is(err, errStale) {
			return err
		}
		time.Sleep(time.Duration(rand.N(int64(2)<<i)) * time.Millisecond)
	}
	return errs.New(errs.TooManyRequestsException, "The user was changed by concurrent requests; try again.")
}

// current re-reads a record staged from a read and fails with errStale if
// it changed since. errStale does not wrap store.ErrConflict on purpose:
// Store.Write would retry the commit alone, without the new message.
func current(ctx context.Context, tx store.Tx, staged *store.Record) (*store.Record, error) {
	rec, err := tx.Get(ctx, staged.Kind, staged.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errStale
	}
	if err != nil {
		return nil, err
	}
	if rec.Version != staged.Version {
		return nil, errStale
	}
	return rec, nil
}
