// Package user is the user directory of a pool: users, their attributes
// and aliases, their statuses, and the one-time codes that prove an email
// address or phone number. Sign-in flows (internal/auth) read and update
// users through this package; nothing else writes user records.
//
// A user is one store record (Kind "user", ID = sub, Scope = pool id)
// whose secondary keys carry the pool's uniqueness rules — the username,
// and every alias in use — so that the database, not a read-then-write
// check, decides races between concurrent sign-ups (keys.go). Names are
// compared as the pool says (UsernameConfiguration.CaseSensitive), and
// the searchable attributes of ListUsers have non-unique keys, so that a
// filter is an index range rather than a scan.
//
// Operations that send a message stage their change from a read, deliver
// the message, and commit only then, if what they read is still current
// (staged.go): a message that cannot be delivered leaves nothing behind,
// whenever the process dies.
//
// Codes are six CSPRNG digits stored as keyed hashes bound to pool, user
// and purpose (internal/message), single use, with a limit of wrong
// guesses per code (codes.go). Passwords are argon2id hashes with an SRP
// verifier sealed under the master key (passwords.go).
//
// Files by concern: signup.go, confirm.go, resend.go (self sign-up);
// external.go (users of external identity providers, linked identities)
// and providers.go (AdminLinkProviderForUser, AdminDisableProviderForUser);
// admin*.go (administrator operations); attributes.go (schema checks) and
// attrupdate.go, verify.go (attribute changes and their verification);
// aliases.go, rules.go, keys.go, lookup.go (identity); recovery.go
// (forgotten passwords); groups.go (memberships); listusers.go and
// filter.go (search); messages.go (what is sent, and where) and
// notify.go (the one way out of every message: custom message and custom
// sender triggers, then the Sender); presignup.go (pre sign-up and post
// confirmation triggers); migrate.go (users brought over by the user
// migration trigger); self*.go
// (the operations a user drives with an access token); import.go (one
// user of a CSV import job, for internal/userimport).
//
// Lambda triggers are invoked as messages are delivered: once the change
// is staged, outside any transaction, before the commit, so a failing
// function leaves nothing behind.
package user
