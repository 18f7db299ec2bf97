// Package storetest holds test helpers around store.Store.
//
// Counting wraps a store and counts the transactions it runs and every
// call made in them, so that a test can hold an operation to a budget of
// store calls and catch N+1 query patterns (a call per listed item).
package storetest
