// Package identitypool is Amazon Cognito identity pools (the
// cognito-identity API): pools that federate logins from cirro's user
// pools, OpenID Connect providers and a developer's own backend into
// stable identity ids, sign OpenID tokens for those identities, and
// exchange the tokens for AWS credentials at a configured STS.
//
// # Records
//
// A pool is one record (Kind "identitypool", its own scope) holding the
// model's IdentityPool shape as given, so that Describe returns what
// Create and Update stored, together with its roles, role mappings and
// principal-tag maps. An identity (Kind "identity") lives in its pool's
// scope, so deleting a pool deletes its identities. Its linked logins —
// (provider, subject) pairs such as a user pool and a user's sub, or the
// developer provider and a developer user identifier — are kept in the
// document and as unique secondary keys (a hash of the pair), so the
// database itself guarantees that one login belongs to at most one
// identity even when several nodes link it at once; the loser of such a
// race re-runs its transaction and finds the winner's identity.
//
// # Logins
//
// A cirro user pool is named as its issuer without the scheme,
// <public-url host>/<poolId>, which is what SDKs (Amplify among them)
// derive from the ID token's iss; the AWS spelling
// cognito-idp.<region>.amazonaws.com/<poolId> is accepted as an alias in
// pool configuration, role mappings and logins, and identities record the
// canonical cirro spelling, so both reach the same identity. An ID token
// login is verified by the user pool's keys, issuer, audience (one of the
// app clients the identity pool lists) and expiry, and with
// ServerSideTokenCheck also against revocation. OpenID Connect providers
// (OpenIdConnectProviderARNs, and Google and Sign in with Apple among the
// SupportedLoginProviders) are verified through their discovery documents.
//
// # OpenID tokens and credentials
//
// cirro signs identity tokens with its own RSA key, kept sealed in the
// store and separate from every user pool's keys; the JWKS and discovery
// document are served under <public-url>/identitypool, which is the
// tokens' issuer. Amazon Cognito's issuer is https://cognito-identity.amazonaws.com;
// a role's trust policy (or a self-hosted STS's identity provider) must
// therefore name cirro's issuer instead. GetCredentialsForIdentity picks
// the role (the pool's default roles, or a Token or Rules role mapping)
// and calls AssumeRoleWithWebIdentity on the configured STS with a fresh
// token, whose https://aws.amazon.com/tags claim carries the principal
// tags, which STS turns into session tags.
//
// # Not done
//
// Facebook, Login with Amazon, Twitter and Digits logins (access tokens
// that only their APIs can check) and SAML assertions are refused:
// cirro verifies OpenID Connect ID tokens only. OpenID Connect providers
// named by ARN are trusted for any audience, because the client ids AWS
// keeps on the IAM OIDC provider have no counterpart here. The signing key
// does not rotate. Unauthenticated credentials get no scope-down policy.
package identitypool
