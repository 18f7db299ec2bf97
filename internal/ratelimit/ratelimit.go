package ratelimit

import (
	"sync"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
)

// Limiter holds one token bucket per key. Keys are expected to come from a
// fixed set (quota categories), since buckets are never forgotten.
type Limiter struct {
	clock   clock.Clock
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
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
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
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
