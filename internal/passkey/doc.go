// Package passkey is a user pool's WebAuthn passkeys: registration
// (StartWebAuthnRegistration, CompleteWebAuthnRegistration), the list and
// deletion of a user's passkeys (ListWebAuthnCredentials,
// DeleteWebAuthnCredential), and sign-in with one as the WEB_AUTHN first
// factor of USER_AUTH (internal/auth). The ceremonies themselves, the
// parsing and verification of attestations and assertions, are
// go-webauthn's; this package decides what Cognito decides around them.
//
// # Relying party
//
// The relying party id is the pool's WebAuthnConfiguration.RelyingPartyId
// (SetUserPoolMfaConfig), or else the pool's custom domain, or else its
// prefix domain's host; with none of them the operations answer
// WebAuthnConfigurationMissingException. An origin is allowed when its
// host is the relying party id or a subdomain of it, over https (http for
// localhost only), which is WebAuthn's own rule for an RP id: Cognito
// keeps no list of origins. UserVerification "required" makes the
// ceremonies require user verification; "preferred", the default, asks
// for it without requiring it.
//
// # State
//
// A registration's challenge is a single-use record per user (Kind
// KindRegistration), bound to the app client whose access token started
// it and valid five minutes; completing deletes it in the transaction
// that stores the passkey, so it cannot be used twice. A sign-in's
// challenge travels in the sealed, single-use auth Session of the
// WEB_AUTHN challenge, so a replayed assertion meets a spent session, and
// an assertion made for another sign-in meets another challenge.
//
// A passkey is a record (Kind Kind) in the pool's scope with a key on the
// user's sub and a unique key on its credential id (base64url, as
// clients name it): one credential cannot be registered twice in a
// pool. Its public key is stored in the clear (it is public); its
// signature counter is checked and advanced in the transaction that
// accepts an assertion, so a counter that does not grow (a cloned
// authenticator, or two sign-ins racing with one signature) is refused.
package passkey
