// Package ratelimit is a set of named token buckets read against the
// injected clock, so that tests move time instead of sleeping.
//
// The buckets live in this process only: several cirro nodes behind one
// load balancer each admit the full rate, and nothing is shared through
// the store (a shared counter would cost a write per request).
package ratelimit
