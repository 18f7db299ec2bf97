// Package secrets is the one envelope every secret at rest passes through.
//
// A 32-byte master key lives outside the database (a key file or the
// CIRRO_MASTER_KEY environment variable). Purpose-bound subkeys are derived
// from it with HKDF-SHA256, so that a ciphertext or MAC made for one use
// (TOTP seeds, upstream client secrets, signing keys, pagination tokens,
// auth sessions) can never be replayed as another. Sealing is AES-256-GCM
// with a random nonce and caller-supplied associated data that binds a
// ciphertext to its owner (the record it belongs to).
package secrets
