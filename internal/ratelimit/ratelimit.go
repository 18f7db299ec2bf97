package ratelimit

import (
	"sync"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
)

// Limiter holds one token bucket per key. Keys may come from an open set
// (a user per key): a bucket that would be full again is the same as no
// bucket, so once the map holds sweepAt buckets, those are dropped.
type Limiter struct {
	clock   clock.Clock
	mu      sync.Mutex
	buckets map[string]*bucket
}

// sweepAt is the number of buckets at which Allow drops the full ones.
const sweepAt = 4096

type bucket struct {
	tokens float64
	last   time.Time
	// rate and burst are the bucket's last limits, to tell when it is full.
	rate, burst float64
}

// New returns a Limiter reading time from c.
func New(c clock.Clock) *Limiter {
	return &Limiter{clock: c, buckets: map[string]*bucket{}}
}

// Allow takes one token from the bucket named key and reports whether
// there was one. The bucket refills at rate tokens per second up to
// burst; a new bucket starts full. rate and burst are passed on every
// call so that a changed limit applies at once; a bucket holding more than
// a lowered burst is cut down to it.
func (l *Limiter) Allow(key string, rate, burst float64) bool {
	if rate <= 0 || burst < 1 {
		return false
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= sweepAt {
			l.sweep(now)
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	b.rate, b.burst = rate, burst
	// A clock set backwards (a test's fake clock) refills nothing rather
	// than draining the bucket.
	if d := now.Sub(b.last); d > 0 {
		b.tokens += d.Seconds() * rate
		b.last = now
	}
	if b.tokens > burst {
		b.tokens = burst
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep drops the buckets that have refilled: a new bucket starts full,
// so forgetting them changes no answer.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*b.rate >= b.burst {
			delete(l.buckets, k)
		}
	}
}

// Len is the number of buckets held (for tests).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
