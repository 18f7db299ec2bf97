// Package samlsp is cirro's SAML 2.0 service provider: one SP per (pool,
// SAML identity provider), built on crewjam/saml's schema types, goxmldsig
// and crewjam's xmlenc. The federation core owns routes, users, tokens and
// storage; this package only produces requests and judges responses.
//
// # How it maps to Cognito
//
//   - Entity id: "urn:amazon:cognito:sp:<poolId>" (Config.EntityID). It is
//     our Issuer in requests and the audience every assertion must name.
//   - ACS: https://<domain>/saml2/idpresponse, HTTP-POST binding only, as in
//     Cognito. ParseResponse reads the SAMLResponse and RelayState form
//     fields; responses over 100,000 characters (Cognito's limit) are
//     refused (ErrTooLarge).
//   - Requests: StartRedirect (HTTP-Redirect, Cognito's binding) or
//     StartPOST. With RequestSigningAlgorithm "rsa-sha256" (the only value
//     Cognito offers) the redirect query is signed (SigAlg rsa-sha256) and
//     the POST AuthnRequest carries an enveloped signature, both with the
//     pool's signing pair (Config.Key/Cert, what GetSigningCertificate
//     returns).
//   - Responses: the Response, the Assertion, or both must carry an XML
//     signature that verifies against one of the signing certificates in
//     the IdP metadata (Cognito accepts any of several); an unsigned
//     response is refused and a present but bad signature always is. Only
//     the signed bytes (goxmldsig's verified copy) are read afterwards, so
//     wrapped or commented content cannot change what was signed. Then:
//     Issuer = IdP entity id; Destination (when present, and always when the
//     Response is signed) and every bearer Recipient = ACS; AudienceRestriction
//     present and naming our entity id; IssueInstant, NotBefore and
//     NotOnOrAfter within ClockSkew (3 min) of Config.Now, and nothing older
//     than MaxAge (10 min); status Success (else ErrStatus with the IdP's
//     code); exactly one assertion with a NameID.
//   - Encryption: an EncryptedAssertion is decrypted with the encryption key
//     (Config.EncryptionKey, else Key). With EncryptedResponses the SP
//     metadata advertises that certificate and a plain assertion is refused
//     (ErrNotEncrypted).
//   - IdP-initiated sign-in: a response without InResponseTo is accepted only
//     when IDPInit is on (else ErrUnsolicited). A response that does name a
//     request must name one of the caller's outstanding request ids, even
//     with IDPInit on (ErrInResponseTo). For IdP-initiated sign-in Cognito
//     reads client_id, redirect_uri, response_type, scope and
//     identity_provider from RelayState; interpreting it is the caller's.
//   - Replay: after every other check the response id and the assertion id
//     are claimed in Config.Replay until the assertion's expiry plus
//     ClockSkew; a second presentation is ErrReplay. A refused message
//     claims nothing.
//   - Single logout (IDPSignout): Cognito's /logout sends a signed
//     LogoutRequest by HTTP-Redirect to the IdP's SingleLogoutService
//     (LogoutRequest) and takes the IdP's LogoutResponse by HTTP-POST at
//     /saml2/logout (ParseLogoutResponse: signed, Destination = LogoutURL,
//     InResponseTo one of ours, not replayed). Cognito documents no
//     IdP-initiated SLO; ParseLogoutRequest and LogoutResponse support it
//     (POST or signed Redirect), and the core uses them; PeekIssuer tells
//     the core which of a pool's IdPs a logout message claims to be from.
//   - Metadata: Metadata is our SP EntityDescriptor (entity id, POST ACS,
//     signing key when requests are signed or SLO is on, encryption key
//     with EncryptedResponses, SLO endpoints with IDPSignout). FetchMetadata
//     downloads a MetadataURL (10 s, 1 MiB); ValidateMetadata checks a
//     MetadataFile and, given a time, that its signing certificates are not
//     expired, as Cognito does when a provider is configured.
//
// # Errors
//
// Every refusal is an *Error with a Reason; compare with errors.Is against
// the Err* sentinels. Detail is diagnostic text for logs and may quote the
// message; only ReasonMetadata details are written to be shown to an API
// caller. Errors from the ReplayCache are returned as they are.
//
// # Time
//
// crewjam's ServiceProvider validates times against the package variable
// saml.TimeNow, which cannot be set per SP without racing parallel
// tests and servers. This package therefore does not use
// saml.ServiceProvider at all: it validates every time condition itself
// against Config.Now and gives goxmldsig a per-call fake clock at the same
// instant (for certificate validity), and never writes crewjam globals.
// crewjam's IdentityProvider, used by the tests, stamps real time, so tests
// start their fake clock at time.Now().
package samlsp
