package sqlbase

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// MaxAttempts bounds how often Write runs fn. Under optimistic concurrency
// the loser of a race retries; a bound keeps a livelock (or a domain bug
// that always conflicts) from spinning forever. It is generous because a
// hot record (50 writers at once in the conformance suite) makes an
// unlucky writer lose several races in a row; 10 was seen to be used up.
const MaxAttempts = 16

// Backoff between attempts grows from firstDelay and stops at maxDelay; the
// sleep is drawn from the upper half of it so that writers which collided
// once do not collide again in lockstep.
const (
	firstDelay = 2 * time.Millisecond
	maxDelay   = 200 * time.Millisecond
)

// Retry runs attempt until it returns an error that does not wrap
// store.ErrConflict (nil included), at most MaxAttempts times. Other
// errors come back unchanged so that the domain's typed errors survive.
func Retry(ctx context.Context, attempt func() error) error {
	delay := firstDelay
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || !errors.Is(err, store.ErrConflict) {
			return err
		}
		if n == MaxAttempts {
			return fmt.Errorf("store: giving up after %d attempts: %w", n, err)
		}
		sleep := delay/2 + rand.N(delay/2+1)
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("store: retrying after a conflict: %w", ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, maxDelay)
	}
}
