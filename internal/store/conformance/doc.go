// Package conformance is the one test suite every store backend must pass.
// A backend's tests call Run with a function that opens a fresh, empty
// store; the suite checks every behaviour documented on store.Store and
// store.Tx, so that the domain can rely on them whichever database runs
// underneath. It also provides the benchmarks the backends share.
//
// It is meant for tests only; nothing in cirro's binary imports it.
package conformance
