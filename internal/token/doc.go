// Package token issues, verifies and revokes a user pool's tokens, the
// way Cognito does: RS256 JWTs for ID and access tokens, opaque refresh
// tokens, and revocation that every token-authorized operation honours.
//
// # Signing keys
//
// Each pool has two RSA-2048 keys in service at a time, one for ID tokens
// and one for access tokens, because Cognito signs them with different keys
// and relying parties look a key up by kid: an ID token can never verify as
// an access token. Keys are store records (Kind "signingkey"), created on
// first use. The private key is sealed under the master key and bound to
// its pool and kid, so a database dump neither leaks it nor lets anyone
// move it to another pool; verification trusts the public half of the
// sealed key, not the JWK kept in clear beside it for operators.
//
// A record's id is deterministic (pool/use/generation), so when several
// nodes create a pool's first keys at once the database keeps exactly one
// per use and the losers re-read it. Rotate publishes the next generation
// at once but lets it sign only after a publish delay, so that relying
// parties that cache the JWKS have fetched it before they meet a token it
// signed; the previous key stays published until the last token it can
// have signed has expired (one day, the longest an ID or access token
// lives), and is then retired and no longer verifies anything.
//
// Nodes keep parsed keys in memory for a short TTL measured on the
// injected clock, so a rotation made on one node reaches the others well
// within the publish delay.
//
// # Refresh tokens
//
// Cognito's refresh tokens are encrypted blobs; ours are 32 random bytes
// (base64url, 43 characters) whose SHA-256 is the record id. The database
// therefore never holds a usable refresh token, and a lookup is an index
// probe on a hash. A record binds the token to its pool, client and user
// and to the origin_jti of the sign-in it belongs to: every ID and access
// token minted from it, by refresh or by rotation, carries that origin_jti.
//
// # Revocation
//
// JWTs cannot be recalled, so revocation is checked where cirro itself
// accepts a token (VerifyAccess): a revoked origin_jti (RevokeToken, reuse
// of a rotated refresh token, global sign-out) and the user's
// TokensValidAfter (global sign-out, disable, delete). Revoked refresh
// tokens are kept as tombstones until they would have expired, so that
// their use is answered "Refresh Token has been revoked" and reuse of a
// rotated one is recognised.
//
// The package has no HTTP in it: internal/wellknown serves the JWKS and
// the discovery document, and the sign-in flows call IssueTokens, Refresh
// and VerifyAccess.
package token
