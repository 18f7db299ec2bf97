package sqlbase

import (
	"math"
	"time"
)

// Expiry is stored as Unix nanoseconds rather than as a database
// timestamp: PostgreSQL keeps only microseconds, and a record must read
// back exactly as written on every backend. Times outside int64
// nanoseconds (before 1678, after 2262) are clamped, which keeps their
// order, and so Sweep's answer, intact.
var (
	minExpiry = time.Unix(0, math.MinInt64)
	maxExpiry = time.Unix(0, math.MaxInt64)
)

// ExpiresNanos returns the column value for t: nil (NULL) for the zero
// time, which means "never".
func ExpiresNanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := Nanos(t)
	return &n
}

// Nanos converts t to Unix nanoseconds, clamping.
func Nanos(t time.Time) int64 {
	switch {
	case t.Before(minExpiry):
		return math.MinInt64
	case t.After(maxExpiry):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// Expires is the inverse of ExpiresNanos, in UTC.
func Expires(ns *int64) time.Time {
	if ns == nil {
		return time.Time{}
	}
	return time.Unix(0, *ns).UTC()
}
