// Package oauth is a user pool's domain: the OAuth 2.0 and OpenID Connect
// endpoints and the hosted sign-in pages that Cognito serves at
// https://<prefix>.auth.<region>.amazoncognito.com or a custom domain.
//
// # Routing
//
// A request reaches a pool's domain in one of three ways (Handler.Wrap):
//
//   - its Host is the pool's prefix domain, <prefix>.auth.<region>.<base
//     domain> (pool.Service.PoolForHost; with the default base domain
//     "localhost", browsers resolve it to this machine), or its custom
//     domain;
//   - its path starts with /domain/<prefix>/, for clients that cannot set
//     a host name;
//   - its path starts with /<poolId>/ followed by an endpoint of this
//     package, which is where the discovery document of a pool without a
//     domain points (the issuer's own /.well-known/ paths stay
//     internal/wellknown's).
//
// Everything else goes to the next handler, so the AWS API is unaffected.
//
// # Endpoints
//
// /oauth2/authorize, /oauth2/token, /oauth2/userInfo, /oauth2/revoke and
// /logout take Cognito's parameters and answer Cognito's errors (RFC 6749
// error and error_description); /login, /signup, /confirm,
// /forgotPassword and /confirmForgotPassword are the hosted pages
// (package ui), and /.well-known/openid-configuration and
// /.well-known/jwks.json are the pool's documents under its domain.
// /oauth2/idpresponse (OIDC and social providers) and /saml2/idpresponse,
// /saml2/metadata, /saml2/logout (SAML) are the callbacks of sign-in
// through upstream identity providers (federation.go): an authorization
// request with identity_provider or idp_identifier goes to the upstream
// through internal/federation, and comes back here to be completed. A
// session started by a SAML IdP with single logout keeps the IdP's NameID
// and SessionIndex, so that /logout can sign the user out there too (and
// /saml2/logout take the IdP's answer, or its own LogoutRequest). A
// client without COGNITO that lists several providers gets a sign-in
// page of provider buttons only.
//
// # One sign-in path
//
// The pages never check a password themselves: they call the sign-in
// service (auth.Service.HostedSignIn, HostedRespond), the user directory
// (SignUp, ConfirmSignUp, ForgotPassword …) and the token service, the
// same domain code the API runs, so lockout, events, challenges and
// triggers behave alike on both paths. Tokens are minted at the token
// endpoint (auth.Service.HostedTokens), with the scopes and nonce of the
// authorization request.
//
// # State
//
// Authorization codes and single sign-on sessions are store records, so
// any node can redeem a code or recognise a session. A code is 256 random
// bits, kept as its SHA-256; it lives five minutes, is bound to the
// client, the redirect URI and the PKCE challenge, and can be redeemed
// once: a second redemption is refused and revokes the tokens the first
// one issued (RFC 6749 §4.1.2). A session cookie is likewise random and
// stored hashed; it is HttpOnly, SameSite=Lax, and Secure when the domain
// is served over TLS. The authorization request itself travels in the
// query of the pages' URLs, as it does on Cognito's, and is checked again
// on every step, so no page can be made to redirect anywhere the client
// did not register.
//
// # Browser security
//
// Every form carries a CSRF token bound to a cookie (double submit, the
// token an HMAC of the cookie under the master key); pages are sent with
// a Content-Security-Policy that allows no script at all, no framing
// (frame-ancestors 'none'), and form submissions only to the domain and
// the client's redirect URI; token responses carry Cache-Control:
// no-store.
package oauth
