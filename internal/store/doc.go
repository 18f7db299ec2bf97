// Package store is cirro's one narrow persistence interface.
//
// The domain keeps everything (pools, clients, users, groups, tokens,
// devices, events …) as records: an opaque JSON document plus a handful of
// secondary keys the domain chooses. The store knows nothing about Cognito;
// it guarantees atomic transactions, optimistic concurrency through record
// versions, uniqueness of keys through database constraints, and row locks
// (Tx.Lock) for decisions about records a writer reads but does not
// update, so that several cirro processes sharing one PostgreSQL database
// stay correct.
//
// Backends live in sub-packages (sqlite, postgres) and must all pass the
// shared suite in store/conformance.
package store
