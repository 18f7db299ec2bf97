// Package sigv4 verifies AWS Signature Version 4 on the requests that IAM
// authorizes (Cognito's admin operations), and answers whether the signing
// key's grant covers an action on a resource.
//
// # Why the canonical request is built here and not by the SDK signer
//
// The SDK's v4.Signer is a client: it decides which headers to sign (it skips
// User-Agent, Expect, X-Amzn-Trace-Id and Transfer-Encoding even when present),
// writes X-Amz-Date, X-Amz-Security-Token and Content-Length from its own
// inputs, and takes the host from the URL it is about to dial. A verifier must
// do the opposite: take the list of signed headers from the Authorization
// header and canonicalize exactly those, with the values as they arrived. Any
// client (botocore, the JavaScript SDK, a hand-rolled signer) that signed a
// header the Go SDK ignores would be refused if we re-signed with the SDK.
// So the canonical request, string to sign and key derivation are computed
// here (canonical.go, a few dozen lines of the published algorithm), and the
// tests hold them to the SDK: requests signed by a real cognitoidentityprovider
// client and by v4.Signer.SignHTTP directly, randomized headers, paths and
// queries signed by the SDK, and AWS's published test-suite vectors.
//
// # Deliberate differences from AWS
//
//   - X-Amz-Target, when present, must be signed. AWS does not insist, but
//     here the target selects the operation and so the IAM action: an
//     unsigned target would let a captured request be replayed as another
//     operation with the same body. Every SDK and the CLI sign it.
//   - Query-string (presigned) authentication is not accepted: Cognito's JSON
//     API is only ever header-signed.
//   - Session tokens are accepted and may be signed, but not checked: keys are
//     long-term here, and a token proves nothing the signature does not.
//
// The host that is verified is the Host the server received, so a reverse
// proxy in front of cirro must pass the client's Host header through.
package sigv4
