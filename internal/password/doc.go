// Package password stores and checks user pool passwords: argon2id hashes
// in PHC string format, verification of hashes imported from other
// systems, and Cognito's password policy and temporary passwords.
//
// # Storage
//
// New hashes are argon2id with OWASP's recommended settings (DefaultParams:
// 19 MiB, 2 passes, 1 lane, 16-byte salt, 32-byte key), written as
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" so the settings travel
// with each hash and can change without a migration: NeedsRehash tells
// sign-in to replace any hash that is not argon2id with the current
// settings once the password has verified. Imported bcrypt, PBKDF2 and
// scrypt hashes (and argon2 with other settings) verify as they are and are
// upgraded that way; their cost parameters are capped so that a single
// absurd import cannot be used to burn the server's CPU.
//
// FastParams make hashing nearly free for test suites. They are a separate
// constructor so no configuration path arrives at them by default, and
// Params.IsFast lets the server refuse them unless fast hashing was enabled
// on purpose.
//
// Dummy performs the work of one verification against a current hash, for
// users that do not exist: with PreventUserExistenceErrors an unknown name
// must cost as much as a wrong password.
//
// # Policy
//
// Check and CheckAdmin apply a pool's PasswordPolicy and return Cognito's
// InvalidPasswordException messages verbatim ("Password did not conform
// with policy: Password must have numeric characters"); the two differ only
// in the wording Cognito uses for SignUp and for AdminCreateUser. Character
// classes are Basic Latin letters and digits and Cognito's documented set
// of special characters, where an inner space counts as one. Generate
// makes temporary passwords that satisfy any policy.
package password
