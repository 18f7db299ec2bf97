// Package wellknown serves a user pool's public OpenID Connect metadata,
// at the paths Cognito serves them under its issuer:
//
//	GET /{poolId}/.well-known/jwks.json
//	GET /{poolId}/.well-known/openid-configuration
//
// Relying parties (API gateways, aws-jwt-verify, any OIDC library) find
// the keys that verify a pool's tokens through these documents, so the
// discovery document's issuer is exactly the tokens' iss, and the JWKS
// lists every key that may have signed a live token as well as a rotated
// key before it starts signing. Responses are cacheable, but for less
// time than a rotated key waits before it signs (token.Service.JWKSCacheTTL),
// so that no cache can miss it. They are public and carry
// Access-Control-Allow-Origin: * because browser apps verify tokens too.
//
// The OAuth endpoints the discovery document lists are served by the
// hosted UI; until it is mounted on pool domains they are given under the
// issuer (<publicURL>/<poolId>/oauth2/…), and New takes an option to
// point them elsewhere.
package wellknown
