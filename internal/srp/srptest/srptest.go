// Package srptest is the client half of Cognito's SRP exchange, for tests
// that sign in through the API as amazon-cognito-identity-js would. It is
// written from the steps of the library's AuthenticationHelper and is
// checked against the server package's golden vectors only indirectly (a
// sign-in succeeds); production code never imports it.
package srptest

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"time"
)

// nHex is RFC 5054's 3072-bit group, as every Cognito client hard-codes it.
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

var (
	groupN, _ = new(big.Int).SetString(nHex, 16)
	groupG    = big.NewInt(2)
	groupK    = hashInt(pad(groupN), pad(groupG))
)

// NHex is the group's modulus N in hex, for tests that send degenerate
// values (an SRP_A of N is 0 mod N).
func NHex() string { return groupN.Text(16) }

// TimestampLayout is the library's TIMESTAMP format.
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// Client is one SRP sign-in attempt of a user.
type Client struct {
	poolName, password string
	a, pubA            *big.Int
}

// NewClient starts an attempt for a pool id and password, with a fresh
// 128-byte a as the library draws.
func NewClient(userPoolID, password string) *Client {
	b := make([]byte, 128)
	rand.Read(b)
	a := new(big.Int).SetBytes(b)
	_, rest, _ := strings.Cut(userPoolID, "_")
	return &Client{poolName: rest, password: password, a: a, pubA: new(big.Int).Exp(groupG, a, groupN)}
}

// SRPA is the SRP_A parameter.
func (c *Client) SRPA() string { return c.pubA.Text(16) }

// PasswordVerifier answers a PASSWORD_VERIFIER challenge at now: the
// ChallengeResponses the library sends (USERNAME is USER_ID_FOR_SRP).
func (c *Client) PasswordVerifier(params map[string]string, now time.Time) (map[string]string, error) {
	userID := params["USER_ID_FOR_SRP"]
	pubB, ok := new(big.Int).SetString(params["SRP_B"], 16)
	if !ok || new(big.Int).Mod(pubB, groupN).Sign() == 0 {
		return nil, errors.New("srptest: bad SRP_B")
	}
	salt, ok := new(big.Int).SetString(params["SALT"], 16)
	if !ok {
		return nil, errors.New("srptest: bad SALT")
	}
	block, err := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if err != nil {
		return nil, err
	}
	u := hashInt(pad(c.pubA), pad(pubB))
	inner := sha256.Sum256([]byte(c.poolName + userID + ":" + c.password))
	x := hashInt(pad(salt), inner[:])
	// S = (B - k·g^x)^(a + u·x) mod N
	base := new(big.Int).Exp(groupG, x, groupN)
	base.Mul(base, groupK).Sub(pubB, base).Mod(base, groupN)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, c.a)
	S := new(big.Int).Exp(base, exp, groupN)
	key, err := hkdf.Key(sha256.New, pad(S), pad(u), "Caldera Derived Key", 16)
	if err != nil {
		return nil, err
	}
	ts := now.UTC().Format(TimestampLayout)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.poolName))
	m.Write([]byte(userID))
	m.Write(block)
	m.Write([]byte(ts))
	return map[string]string{
		"USERNAME": userID, "TIMESTAMP": ts, "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE": base64.StdEncoding.EncodeToString(m.Sum(nil)),
	}, nil
}

// pad is the library's padHex as bytes: the shortest two's-complement
// encoding of a non-negative number.
func pad(x *big.Int) []byte {
	b := x.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

func hashInt(parts ...[]byte) *big.Int {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}
