// Package auth is the sign-in half of a user pool: InitiateAuth,
// AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge,
// with Cognito's flows, challenges, parameters and errors, the lockout of
// repeated wrong passwords, and the auth events AdminListUserAuthEvents
// shows.
//
// # Handlers
//
// Every AuthFlow and every ChallengeName is served by one small Handler
// registered by name (HandleFlow, HandleChallenge), in the manner of
// fosite: the core opens the request (client, pool, SECRET_HASH, which
// flows the client allows, the Session), the handler does the one thing its
// step is about, and the core turns the Outcome into a response. A handler
// that authenticates the user returns the user; the core then asks the
// registered Steps, in order, whether the user must answer a further
// challenge before tokens are issued. NEW_PASSWORD_REQUIRED is such a step;
// MFA (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP),
// remembered devices (DEVICE_SRP_AUTH) and CUSTOM_AUTH plug in the same way,
// with a Step that asks and a challenge Handler that answers, and
// TokenHooks see the tokens go out (pre token generation, NewDeviceMetadata).
//
// USER_AUTH, choice-based sign-in (userauth.go), goes to the challenge a
// client prefers or offers SELECT_CHALLENGE with the first factors the
// pool allows and the user has. PASSWORD and PASSWORD_SRP are this
// package's own proofs; the passwordless factors are FirstFactor
// plug-ins (EMAIL_OTP and SMS_OTP from internal/mfa, WEB_AUTHN from
// internal/passkey) whose answers end with FirstFactorPassed.
//
// The last step of a sign-in (finish.go) runs the hooks before anything
// is recorded, outside any transaction, signs the tokens, and then
// commits in one transaction the step, its PASS auth event and the
// refresh token: a failing hook (post authentication, pre token
// generation) leaves a failed event and no tokens, and a sign-in costs a
// single write.
//
// # One read per call
//
// Each call of the four operations reads what it needs in one read
// transaction, the one that reads its client and pool (snapshot.go): the
// flow's or challenge's Loader reads the user a name, a Session or a
// SECRET_BLOCK designates, the single-use record of the Session, a refresh
// token; for a user the call may sign in it also reads the groups their
// tokens carry and what Steps and TokenHooks preload (Preloader: the
// pool's MFA configuration). The handlers find all this in the Request
// and read on their own only what is not there. Nothing outlives the
// call, so a change to a client, pool or user made on any node is seen by
// the next call; the one write of a sign-in re-reads what it changes.
//
// # Sessions
//
// A Session string is the state of an unfinished sign-in sealed under the
// master key (AES-GCM, bound to pool and client): opaque and tamper-proof
// to the client, and stateless across nodes. It names the user, the
// challenge it answers and what the sign-in has passed so far, and expires
// after the client's AuthSessionValidity. It is single-use: answering it
// records its id in the store (with the session's expiry, so the sweeper
// removes it), in the same transaction as the answer's effects, so a replay
// is refused on any node.
//
// USER_SRP_AUTH carries its state in SECRET_BLOCK instead, which is what
// the client library sends back: the SRP session key is computed when the
// challenge is issued (the client's A is already known), sealed with the
// attempt's identity and expiry into the block, and the PASSWORD_VERIFIER
// answer is an HMAC check under that key. The block is single-use like a
// Session: checking its proof, right or wrong, creates the sign-in's auth
// event under the event id sealed in the block, and that id's unique key
// refuses a second use without a record of its own. Because the client
// signs the decoded block, its bytes are the sealed ciphertext itself.
//
// # Unknown users
//
// With PreventUserExistenceErrors ENABLED an unknown name fails exactly as
// a wrong password does, after the same work: a password verification
// against a dummy hash, or for SRP a challenge built on srp.Decoy (a salt
// that is stable per name, a verifier whose exponentiations cost the same)
// that no proof can satisfy. An unknown name also has a lockout of its own
// (KindDecoy, keyed by a MAC of the name), so that "Password attempts
// exceeded" after five tries does not single out the names that exist, and
// its failures cost the database write a real user's do.
//
// # Lockout
//
// Cognito's documented rule (developer guide, "User pool sign-in"): five
// failed password attempts are allowed; then each failure locks the user
// for 1 s, doubling with each further failure up to about 15 minutes;
// attempts during a lockout fail with "Password attempts exceeded" and do
// not extend it; fifteen minutes without a failure, or a success, reset the
// count. The state lives in the user record and changes in optimistic
// transactions, so it holds across nodes sharing one database.
package auth
