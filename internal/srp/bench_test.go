package srp

import (
	"math/big"
	"testing"
)

// BenchmarkServerSignIn is the server's whole share of one SRP sign-in:
// NewServer (g^b) when the challenge is issued, then the session key (v^u
// and (A·v^u)^b) and the signature check. The signature is wrong, which
// costs the same as a right one.
func BenchmarkServerSignIn(b *testing.B) {
	_, v := NewVerifier("AbCdEfGh1", "alice", "pw")
	a := newTestClient("AbCdEfGh1", "alice", "pw").srpA()
	block := make([]byte, 1024)
	b.ReportAllocs()
	for b.Loop() {
		srv, err := NewServer(v)
		if err != nil {
			b.Fatal(err)
		}
		if srv.Verify(a, "AbCdEfGh1", "alice", block, testTimestamp, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") {
			b.Fatal("bogus signature accepted")
		}
	}
}

// BenchmarkModExp is one exponentiation as the server does them: a
// 3072-bit base and modulus with a 256-bit exponent. A sign-in costs three.
func BenchmarkModExp(b *testing.B) {
	_, vb := NewVerifier("AbCdEfGh1", "alice", "pw")
	v := new(big.Int).SetBytes(vb)
	e := new(big.Int).SetBytes(randomBytes(privateBytes))
	z := new(big.Int)
	for b.Loop() {
		z.Exp(v, e, groupN)
	}
}

// BenchmarkNewVerifier is the cost of storing a password for SRP.
func BenchmarkNewVerifier(b *testing.B) {
	for b.Loop() {
		NewVerifier("AbCdEfGh1", "alice", "pw")
	}
}
