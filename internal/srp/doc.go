// Package srp is the server half of Cognito's Secure Remote Password
// exchange (USER_SRP_AUTH → PASSWORD_VERIFIER and DEVICE_SRP_AUTH →
// DEVICE_PASSWORD_VERIFIER), computed exactly as the client SDKs compute
// their half. amazon-cognito-identity-js and Amplify sign in with SRP by
// default, so cirro has to agree with them byte for byte; being "standard"
// SRP-6a is not enough, because the library departs from RFC 5054 in its
// padding and key derivation.
//
// # The exchange
//
// SRP-6a over the 3072-bit group of RFC 5054 (g = 2) with SHA-256. Every
// number is hashed in the library's padHex encoding (the shortest
// two's-complement bytes: a zero byte in front when the top bit is set, no
// left-padding to the size of N), and:
//
//	k = H(PAD(N) ‖ PAD(g))                   PAD(g) is the single byte 02
//	x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password))
//	v = g^x                                   stored instead of the password
//	B = k·v + g^b,  b random (256 bits)      sent as SRP_B, with SALT
//	u = H(PAD(A) ‖ PAD(B)),  A from SRP_A    A ≡ 0 and u = 0 are refused
//	S = (A·v^u)^b                             all mod N
//	K = HKDF-SHA256(salt = PAD(u), ikm = PAD(S), info "Caldera Derived Key")[:16]
//	PASSWORD_CLAIM_SIGNATURE = base64 HMAC-SHA256_K(poolName ‖ userId ‖ SECRET_BLOCK ‖ TIMESTAMP)
//
// poolName is the user pool id after the "_" (PoolName) and userId is
// USER_ID_FOR_SRP; for devices they are the device group key and the device
// key, and the verifier is the one the client sent in ConfirmDevice.
// TIMESTAMP is "Tue Nov 3 05:07:09 UTC 2026": English names, day without
// zero padding. Cognito refuses a padded day and a wrong weekday, so
// ParseTimestamp accepts only the exact text TimestampString would make.
//
// # Using it
//
// A sign-in has A when B is made (SRP_A comes with InitiateAuth, or with the
// DEVICE_SRP_AUTH answer), so the server can finish at once:
//
//	srv, err := srp.NewServer(verifier)   // per attempt, never reused
//	key, err := srv.Key(srpA)             // ErrBadA → InvalidParameter-style error
//	// send SRP_B = srv.PublicB(), SALT = srp.SaltHex(salt), SECRET_BLOCK
//
// and carry only the 16-byte key to the second request, for instance
// sealed inside the SECRET_BLOCK itself, which makes the challenge
// stateless across nodes. Answering it is an HMAC:
//
//	ok := key.Verify(poolName, userIDForSRP, secretBlockBytes, timestamp, signature)
//	err := srp.CheckTimestamp(timestamp, now, srp.DefaultMaxSkew)
//
// The caller must check that the SECRET_BLOCK is the one it issued for this
// attempt and unused; pool name and user id must come from the server's
// records, never from the request, because the protocol concatenates them
// without a separator. For unknown users under PreventUserExistenceErrors,
// Decoy supplies a stable fake salt and a verifier that costs the same.
//
// # Cost
//
// Three modular exponentiations per sign-in on the server, each a 3072-bit
// base and modulus with a 256-bit exponent: g^b in NewServer, v^u and
// (A·v^u)^b in Key; everything else is hashing. Setting a password costs
// one more (g^x in NewVerifier). On the 2-core AMD EPYC machines of this
// project one exponentiation takes about 0.72 ms and BenchmarkServerSignIn
// (all three plus the HMAC) about 2.2 ms, so the exponentiations are ~99%
// of the server's SRP work.
//
// # Security notes
//
// Exponents are short (256 bits) as RFC 5054 section 2.5.4 allows; that
// keeps the group's ~128-bit strength and makes each exponentiation about
// twelve times cheaper than a full-size one. The arithmetic is math/big,
// which is not constant-time. b and u are fresh for every attempt, so a
// timing trace reveals at most one ephemeral; the verifier is the long-term
// secret and enters only as the base of v^u, whose timing depends mostly on
// the exponent. The signature comparison is constant-time.
//
// # Evidence of interoperability
//
// testdata/vectors.json holds vectors computed by amazon-cognito-identity-js
// itself (testdata/js/vectors.js; signatures from CognitoUser.authenticateUser
// run against a scripted service), and the tests check every intermediate
// value against them without Node. With Node and the npm packages
// installed (npm ci --prefix internal/srp/testdata/js), the tests also
// regenerate the vectors and sign in with the unmodified library against
// this package, including device confirmation and DEVICE_SRP_AUTH; set
// CIRRO_SRP_REQUIRE_NODE=1 to make their absence a failure.
package srp
