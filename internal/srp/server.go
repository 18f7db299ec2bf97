package srp

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"
)

// Errors for values a client or the store got wrong. The flows map them to
// Cognito's errors; none of them says anything about the password.
var (
	ErrBadVerifier = errors.New("srp: verifier is not an element of the group")
	ErrBadPrivate  = errors.New("srp: server private value is out of range or degenerate")
	ErrBadA        = errors.New("srp: SRP_A is not a valid public value")
	ErrZeroU       = errors.New("srp: scrambling parameter u is zero")
)

// privateBytes is the size of the server's ephemeral secret b. RFC 5054
// (section 2.5.4) asks for at least 256 bits; more buys nothing against a
// 3072-bit group's ~128-bit strength and makes every exponentiation
// slower, since both of the server's exponents (b and u) are this short.
const privateBytes = 32

// maxPublicHex bounds SRP_A before it is parsed: room for the 384-byte
// value, a sign byte and generous zero padding, but no megabyte numbers.
const maxPublicHex = 1024

// hkdfInfo is the HKDF info string the client library uses.
const hkdfInfo = "Caldera Derived Key"

// Server is one SRP attempt on the server side: the stored verifier, the
// ephemeral secret b and the public value B sent as SRP_B. It serves the A
// of that one attempt. Reusing it would give a client several exchanges
// under the same secret exponent, which SRP's security argument rules out.
type Server struct {
	v, b, pubB *big.Int
}

// NewServer starts an attempt for a stored verifier with a fresh random b.
// It costs one modular exponentiation (g^b).
func NewServer(verifier []byte) (*Server, error) {
	for {
		b := make([]byte, privateBytes)
		rand.Read(b) // never fails: crypto/rand aborts the process instead
		s, err := NewServerWithPrivate(verifier, b)
		if errors.Is(err, ErrBadPrivate) {
			continue // b = 0 or B ≡ 0: astronomically unlikely, draw again
		}
		return s, err
	}
}

// NewServerWithPrivate is NewServer with a caller-chosen b, for test
// vectors. Production code uses NewServer.
func NewServerWithPrivate(verifier, private []byte) (*Server, error) {
	v := new(big.Int).SetBytes(verifier)
	if v.Sign() == 0 || v.Cmp(groupN) >= 0 {
		return nil, ErrBadVerifier
	}
	b := new(big.Int).SetBytes(private)
	if b.Sign() == 0 || b.Cmp(groupN) >= 0 {
		return nil, ErrBadPrivate
	}
	// B = (k·v + g^b) mod N. A B that is 0 mod N would leak nothing to
	// the server but is refused by every client, so it must never be sent.
	pubB := new(big.Int).Exp(groupG, b, groupN)
	pubB.Add(pubB, new(big.Int).Mul(groupK, v))
	pubB.Mod(pubB, groupN)
	if pubB.Sign() == 0 {
		return nil, ErrBadPrivate
	}
	return &Server{v: v, b: b, pubB: pubB}, nil
}

// PublicB is the SRP_B challenge parameter: B in lower-case hex, which
// the clients parse as a number.
func (s *Server) PublicB() string { return s.pubB.Text(16) }

// Key derives the session key for the client's SRP_A (hex, as sent). It
// refuses an A that is 0 mod N, which would let a client that knows no
// password force S = 0, and a u of 0, which would take the verifier out of
// S. It costs two modular exponentiations (v^u and (A·v^u)^b).
func (s *Server) Key(srpA string) (Key, error) {
	u, S, err := s.premaster(srpA)
	if err != nil {
		return Key{}, err
	}
	raw, err := hkdf.Key(sha256.New, padBytes(S), padBytes(u), hkdfInfo, KeySize)
	if err != nil {
		return Key{}, err // only in FIPS-only mode, which cannot refuse these sizes
	}
	return Key(raw), nil
}

// premaster computes the scrambling parameter u = H(A ‖ B) and the shared
// secret S.
func (s *Server) premaster(srpA string) (u, S *big.Int, err error) {
	a, err := parsePublic(srpA)
	if err != nil {
		return nil, nil, err
	}
	u = hashInt(padBytes(a), padBytes(s.pubB))
	S, err = s.secret(a, u)
	return u, S, err
}

// secret is S = (A · v^u)^b mod N, the value the client reaches as
// (B - k·g^x)^(a + u·x). With u = 0 it would be A^b, independent of the
// verifier, so anyone could compute it.
func (s *Server) secret(a, u *big.Int) (*big.Int, error) {
	if u.Sign() == 0 {
		return nil, ErrZeroU
	}
	S := new(big.Int).Exp(s.v, u, groupN)
	S.Mul(S, a).Mod(S, groupN)
	return S.Exp(S, s.b, groupN), nil
}

// Verify checks a PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) answer
// in one step: the session key for srpA, then the signature. It does not
// look at the clock; callers check the timestamp with CheckTimestamp, and
// must make sure secretBlock is the one they issued for this attempt.
func (s *Server) Verify(srpA, poolName, userIDForSRP string, secretBlock []byte, timestamp, signature string) bool {
	k, err := s.Key(srpA)
	if err != nil {
		return false
	}
	return k.Verify(poolName, userIDForSRP, secretBlock, timestamp, signature)
}

// parsePublic reads SRP_A: hex digits only (big.Int would also take a
// sign), and a value in [1, N-1]. A ≥ N is refused outright rather than
// reduced: no client sends it, and u is defined over the value as sent.
func parsePublic(s string) (*big.Int, error) {
	if len(s) == 0 || len(s) > maxPublicHex {
		return nil, ErrBadA
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return nil, ErrBadA
		}
	}
	a, _ := new(big.Int).SetString(s, 16)
	if a.Sign() == 0 || a.Cmp(groupN) >= 0 {
		return nil, ErrBadA
	}
	return a, nil
}
