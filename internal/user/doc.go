// Package user is the user directory of a pool: users, their attributes
// and aliases, their statuses, and the one-time codes that prove an email
// address or phone number. Sign-in flows (internal/auth) read and update
// users through this package; nothing else writes user records.
//
// A user is one store record (Kind "user", ID = sub, Scope = pool id)
// whose secondary keys carry the pool's uniqueness rules — the username,
// and every alias in use — so that the database, not a read-then-write
// check, decides races between concurrent sign-ups.
package user
