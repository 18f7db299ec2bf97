// Package load drives a Cognito-compatible endpoint with a mix of user-pool
// operations through the AWS SDK for Go v2, so that what is measured is
// what applications send: SigV4-signed AWS JSON requests, one SDK call per
// operation, no retries.
//
// A run has three phases. Setup makes a pool, an app client that allows
// every password flow, and a population of confirmed users with tokens
// (or attaches to a pool that a bulk generator filled). The measured phase
// runs operations at a fixed concurrency (closed loop) or at a fixed
// arrival rate (open loop, latency counted from the intended start so
// that a stalled server cannot hide its queue), for a bounded time and
// count. The report gives per operation the throughput, p50/p95/p99 and
// the errors by Cognito error type.
//
// Load only ever goes to loopback addresses: CheckLoopback refuses any
// other endpoint, and the HTTP transport's dialer refuses to connect
// anywhere else whatever a name resolves to.
package load
