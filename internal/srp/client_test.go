package srp

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"
)

// testClient is the client half of the protocol, written from the steps of
// amazon-cognito-identity-js's AuthenticationHelper (getLargeAValue,
// getPasswordAuthenticationKey, calculateS). It exists only to drive the
// server in round trips; the golden vectors tie both halves to the library.
type testClient struct {
	poolName, username, password string
	a, pubA                      *big.Int
}

func newTestClient(poolName, username, password string) *testClient {
	a := make([]byte, 128) // the library draws 128 random bytes
	rand.Read(a)
	return newTestClientWithPrivate(poolName, username, password, new(big.Int).SetBytes(a))
}

func newTestClientWithPrivate(poolName, username, password string, a *big.Int) *testClient {
	return &testClient{
		poolName: poolName, username: username, password: password,
		a: a, pubA: new(big.Int).Exp(groupG, a, groupN),
	}
}

// srpA is the SRP_A parameter as the library sends it: unpadded hex.
func (c *testClient) srpA() string { return c.pubA.Text(16) }

// key is what the client derives from the challenge's SALT and SRP_B.
func (c *testClient) key(saltHex, srpB string) (Key, error) {
	pubB, ok := new(big.Int).SetString(srpB, 16)
	if !ok || new(big.Int).Mod(pubB, groupN).Sign() == 0 {
		return Key{}, errors.New("B cannot be zero")
	}
	u := hashInt(padBytes(c.pubA), padBytes(pubB))
	if u.Sign() == 0 {
		return Key{}, errors.New("U cannot be zero")
	}
	salt, ok := new(big.Int).SetString(saltHex, 16)
	if !ok {
		return Key{}, errors.New("bad salt")
	}
	inner := sha256.Sum256([]byte(c.poolName + c.username + ":" + c.password))
	x := hashInt(padBytes(salt), inner[:])

	// S = (B - k·g^x)^(a + u·x) mod N
	base := new(big.Int).Exp(groupG, x, groupN)
	base.Mul(base, groupK)
	base.Sub(pubB, base)
	base.Mod(base, groupN)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, c.a)
	S := new(big.Int).Exp(base, exp, groupN)

	raw, err := hkdf.Key(sha256.New, padBytes(S), padBytes(u), hkdfInfo, KeySize)
	if err != nil {
		return Key{}, err
	}
	return Key(raw), nil
}
