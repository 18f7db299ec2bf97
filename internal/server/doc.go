// Package server assembles a running cirro from a configuration: the
// store, the master key, the domain services, the API edge and the
// operational endpoints (/healthz, /readyz, /metrics). cmd/cirro and the
// cirrotest harness both start cirro through it, so tests run the same
// wiring as production.
package server
