package srp

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
)

// nHex is the 3072-bit safe prime of RFC 5054 appendix A (also RFC 3526
// group 15), the group every Cognito client hard-codes.
const nHex = "" +
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// groupBytes is the byte length of N; no honest public value is longer.
const groupBytes = 384

var (
	groupN = mustHex(nHex)
	groupG = big.NewInt(2)
	// groupK is the SRP-6a multiplier. The client library computes it as
	// H(PAD(N) ‖ PAD(g)) with its own padding (a sign byte in front of N,
	// g as the single byte 02) rather than RFC 5054's left-padding of g to
	// the length of N; B is only accepted if both sides use the same k.
	groupK = hashInt(padBytes(groupN), padBytes(groupG))
)

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad group constant")
	}
	return n
}

// padBytes is the big-endian encoding the client library hashes: the
// shortest two's-complement form of a non-negative integer, so a value
// whose top bit is set gets a leading zero byte and zero is one zero byte.
// It is PadHex for the non-negative values the protocol actually uses.
func padBytes(x *big.Int) []byte {
	b := x.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// PadHex renders x the way amazon-cognito-identity-js's padHex does: an
// even-length, lower-case hex string of the shortest two's-complement
// encoding (Java's BigInteger.toByteArray). Positive values with the top
// bit set gain a "00" byte; negative values get the minimal number of 0xff
// sign bits, so -128 is "80" and -129 is "ff7f".
//
// Only non-negative values occur in the protocol; negatives are covered
// because the library defines them and the golden vectors test them.
func PadHex(x *big.Int) string {
	if x.Sign() >= 0 {
		return hex.EncodeToString(padBytes(x))
	}
	// The shortest width L with -2^(8L-1) <= x, then x + 2^(8L) in L bytes.
	m := new(big.Int).Neg(x)
	l := (m.BitLen() + 7) / 8
	if m.BitLen()%8 == 0 && !isPowerOfTwo(m) {
		l++ // |x| fills the top bit of its last byte: a sign byte is needed
	}
	v := new(big.Int).Lsh(big.NewInt(1), uint(8*l))
	v.Sub(v, m)
	return hex.EncodeToString(v.FillBytes(make([]byte, l)))
}

func isPowerOfTwo(m *big.Int) bool {
	return m.Sign() > 0 && m.TrailingZeroBits() == uint(m.BitLen()-1)
}

// hashInt is SHA-256 over the concatenated parts, read as a non-negative
// integer, which is how the library turns its hex digests back into numbers.
func hashInt(parts ...[]byte) *big.Int {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}
