// Package federation signs users of a pool in through upstream identity
// providers: OpenID Connect providers, the social providers (Google,
// Facebook, Login with Amazon, Sign in with Apple, which are presets of
// the same OAuth 2.0 machinery with every endpoint overridable through
// ProviderDetails), and SAML 2.0 providers (saml.go, on the protocol of
// internal/federation/samlsp).
//
// # Where it sits
//
// The pool's domain (internal/oauth) owns the browser: it receives
// /oauth2/authorize?identity_provider=… and the callbacks, sets cookies,
// and issues the authorization code once a user is signed in. This
// package owns everything between: it sends the browser to the upstream
// (Start), and on the way back (Finish) checks the state, exchanges the
// code, verifies the upstream's ID token (coreos/go-oidc: signature from
// the upstream JWKS, issuer, audience, expiry; the nonce here), reads
// userInfo, maps the claims to pool attributes and finds or makes the
// user. oauth only sees the small types of port.go, so neither side
// knows the other's internals and no import cycle is possible.
//
// # One path for every protocol
//
// Each protocol ends in an assertion: the provider's subject and its
// claims (signin.go). From there it is one path: the inbound federation
// trigger may change the attributes; an identity linked to a native user
// (AdminLinkProviderForUser) signs in as that user; otherwise the user
// <ProviderName>_<subject> (status EXTERNAL_PROVIDER) is created on first
// sign-in, after the pre sign-up trigger (PreSignUp_ExternalProvider),
// and its mapped attributes refreshed on each. Triggers run outside store
// transactions.
//
// # State
//
// A sign-in in progress is a store record keyed by the SHA-256 of the
// state parameter (state.go): single use, ten minutes, bound to the
// browser by a cookie whose hash it keeps (except for answers posted
// cross-site, Apple's form_post and SAML's POST binding, which carry no
// SameSite cookie), and holding the nonce, the PKCE verifier (sealed),
// the SAML request id and the client's authorization request, which
// Finish hands back to oauth. SAML message ids are claimed in the store
// (KindSAMLReplay) so that a response is consumed once on any node.
// A SAML single logout in progress is a record of its own (logout.go,
// KindLogout), named by the RelayState and holding the LogoutRequest id.
//
// # Reaching upstreams
//
// Every request to a provider goes through one client (outbound.go):
// timeouts, a 2 MiB bound on every answer, no proxy, and no connection to
// loopback, private, link-local or other non-public addresses, checked on
// the dialled address so that DNS rebinding cannot get round it; the
// server lifts that in development mode or with
// federation.allow_private_upstreams. A SAML MetadataURL is fetched once
// and cached six hours per provider (metadata.go), and fetched again,
// once, when a response's signature does not verify with the cached
// certificates (the IdP rotated its key).
package federation
