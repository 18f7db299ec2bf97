package srp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
)

const testTimestamp = "Tue Nov 3 05:07:09 UTC 2026"

// signIn runs one exchange between the test client and a fresh server
// and returns the server's verdict on the client's proof.
func signIn(t *testing.T, poolName, username, stored, typed string) bool {
	t.Helper()
	salt, verifier := NewVerifier(poolName, username, stored)
	srv, err := NewServer(verifier)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(poolName, username, typed)
	ck, err := c.key(SaltHex(salt), srv.PublicB())
	if err != nil {
		t.Fatal(err)
	}
	block := randomBytes(96)
	return srv.Verify(c.srpA(), poolName, username, block, testTimestamp, ck.Sign(poolName, username, block, testTimestamp))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestRoundTrip(t *testing.T) {
	for i := 0; i < 16; i++ {
		pw := base64.StdEncoding.EncodeToString(randomBytes(12))
		if !signIn(t, "AbCdEfGh1", "user"+pw[:4], pw, pw) {
			t.Fatalf("correct password %q refused", pw)
		}
		if signIn(t, "AbCdEfGh1", "user"+pw[:4], pw, pw+"x") {
			t.Fatalf("wrong password accepted for %q", pw)
		}
	}
}

// The protocol concatenates pool name and user name without a separator
// ("PoolOn"+"ealice" = "PoolOne"+"alice"); that is harmless only because
// the server takes both from its own records, never from the client.
func TestIdentityIsBoundIntoTheVerifier(t *testing.T) {
	salt, v := NewVerifier("PoolOne", "alice", "pw-1")
	for _, c := range []struct{ pool, user string }{{"PoolTwo", "alice"}, {"PoolOne", "Alice"}} {
		if bytes.Equal(ComputeVerifier(c.pool, c.user, "pw-1", salt), v) {
			t.Errorf("verifier for %s/%s equals the one for PoolOne/alice", c.pool, c.user)
		}
	}
}

// The client re-reads SALT as a number, so a leading zero byte of the
// stored salt does not take part in x.
func TestSaltIsHashedAsTheClientReadsIt(t *testing.T) {
	short := []byte{0x3c, 1, 2, 3}
	long := append([]byte{0}, short...)
	if !bytes.Equal(ComputeVerifier("P", "u", "pw", short), ComputeVerifier("P", "u", "pw", long)) {
		t.Fatal("leading zero byte of the salt changes the verifier")
	}
}

// TestDeviceRoundTrip uses a device verifier made the way the client
// library's generateHashDevice makes it: the client picks the salt (sent
// already padHex-encoded) and a random password, and hashes the device
// group key and device key where a user hashes pool name and user name.
func TestDeviceRoundTrip(t *testing.T) {
	const groupKey, deviceKey = "-k3ZqT8pW", "us-east-1_0b2f8b8e-5f4a-4a8e-9d1c-2f3b7c6e1a90"
	devicePassword := base64.StdEncoding.EncodeToString(randomBytes(40))
	salt := padBytes(new(big.Int).SetBytes(randomBytes(16)))
	verifier := padBytes(new(big.Int).SetBytes(ComputeVerifier(groupKey, deviceKey, devicePassword, salt)))

	srv, err := NewServer(verifier) // as stored from ConfirmDevice
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(groupKey, deviceKey, devicePassword)
	ck, err := c.key(SaltHex(salt), srv.PublicB())
	if err != nil {
		t.Fatal(err)
	}
	block := randomBytes(64)
	sig := ck.Sign(groupKey, deviceKey, block, testTimestamp)
	if !srv.Verify(c.srpA(), groupKey, deviceKey, block, testTimestamp, sig) {
		t.Fatal("device proof refused")
	}
	if srv.Verify(c.srpA(), "AbCdEfGh1", deviceKey, block, testTimestamp, sig) {
		t.Fatal("device proof accepted under the pool name instead of the device group key")
	}
}

func TestRejectsInvalidA(t *testing.T) {
	_, v := NewVerifier("P", "u", "pw")
	srv, err := NewServer(v)
	if err != nil {
		t.Fatal(err)
	}
	twoN := new(big.Int).Lsh(groupN, 1)
	for name, a := range map[string]string{
		"zero":          "0",
		"padded zero":   strings.Repeat("0", 768),
		"N":             groupN.Text(16),
		"2N":            twoN.Text(16),
		"N+1":           new(big.Int).Add(groupN, big.NewInt(1)).Text(16),
		"empty":         "",
		"negative":      "-1",
		"plus sign":     "+1",
		"0x prefix":     "0x12",
		"not hex":       "12g4",
		"space":         "12 34",
		"too long":      "1" + strings.Repeat("0", maxPublicHex),
		"underscore":    "1_2",
		"unicode digit": "١٢",
	} {
		if _, err := srv.Key(a); !errors.Is(err, ErrBadA) {
			t.Errorf("%s: Key(%.20q…) = %v, want ErrBadA", name, a, err)
		}
		if srv.Verify(a, "P", "u", nil, testTimestamp, "AAAA") {
			t.Errorf("%s: Verify accepted", name)
		}
	}
	// Upper case and a sign byte are both fine: some clients send them.
	c := newTestClient("P", "u", "pw")
	for _, a := range []string{strings.ToUpper(c.srpA()), "00" + c.srpA()} {
		if _, err := srv.Key(a); err != nil {
			t.Errorf("Key(%.12q…): %v", a, err)
		}
	}
}

func TestRejectsZeroU(t *testing.T) {
	_, v := NewVerifier("P", "u", "pw")
	srv, err := NewServer(v)
	if err != nil {
		t.Fatal(err)
	}
	// u = H(A ‖ B) cannot be steered to zero, so the check is exercised
	// where it sits.
	if _, err := srv.secret(big.NewInt(12345), new(big.Int)); !errors.Is(err, ErrZeroU) {
		t.Fatalf("secret with u = 0: %v, want ErrZeroU", err)
	}
}

func TestServerValidation(t *testing.T) {
	for name, v := range map[string][]byte{
		"empty": nil, "zero": make([]byte, groupBytes), "N": groupN.Bytes(),
		"N+1": new(big.Int).Add(groupN, big.NewInt(1)).Bytes(),
	} {
		if _, err := NewServer(v); !errors.Is(err, ErrBadVerifier) {
			t.Errorf("NewServer(%s) = %v, want ErrBadVerifier", name, err)
		}
	}
	_, v := NewVerifier("P", "u", "pw")
	if _, err := NewServerWithPrivate(v, nil); !errors.Is(err, ErrBadPrivate) {
		t.Errorf("b = 0: %v, want ErrBadPrivate", err)
	}
	// A verifier chosen so that k·v ≡ -g^b makes B ≡ 0, which must never
	// be sent: v = -g^b · k⁻¹ mod N.
	b := big.NewInt(7)
	bad := new(big.Int).Exp(groupG, b, groupN)
	bad.Neg(bad).Mul(bad, new(big.Int).ModInverse(groupK, groupN)).Mod(bad, groupN)
	if _, err := NewServerWithPrivate(bad.Bytes(), b.Bytes()); !errors.Is(err, ErrBadPrivate) {
		t.Errorf("B ≡ 0: %v, want ErrBadPrivate", err)
	}
}

func TestFreshEphemeralPerAttempt(t *testing.T) {
	_, v := NewVerifier("P", "u", "pw")
	s1, _ := NewServer(v)
	s2, _ := NewServer(v)
	if s1.PublicB() == s2.PublicB() {
		t.Fatal("two attempts got the same B")
	}
	if s1.b.BitLen() > 8*privateBytes {
		t.Fatalf("b has %d bits", s1.b.BitLen())
	}
}

func TestTamperedProofIsRefused(t *testing.T) {
	const pool, user = "AbCdEfGh1", "alice"
	salt, v := NewVerifier(pool, user, "pw-1")
	srv, err := NewServer(v)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(pool, user, "pw-1")
	ck, err := c.key(SaltHex(salt), srv.PublicB())
	if err != nil {
		t.Fatal(err)
	}
	block := randomBytes(64)
	sig := ck.Sign(pool, user, block, testTimestamp)
	if !srv.Verify(c.srpA(), pool, user, block, testTimestamp, sig) {
		t.Fatal("untampered proof refused")
	}

	raw, _ := base64.StdEncoding.DecodeString(sig)
	raw[0] ^= 1
	flippedSig := base64.StdEncoding.EncodeToString(raw)
	otherBlock := bytes.Clone(block)
	otherBlock[10] ^= 0x80
	other := newTestClient(pool, user, "pw-1")

	for name, p := range map[string]struct {
		a, pool, user string
		block         []byte
		ts, sig       string
	}{
		"signature bit":      {c.srpA(), pool, user, block, testTimestamp, flippedSig},
		"secret block":       {c.srpA(), pool, user, otherBlock, testTimestamp, sig},
		"secret block short": {c.srpA(), pool, user, block[:63], testTimestamp, sig},
		"timestamp":          {c.srpA(), pool, user, block, "Tue Nov 3 05:07:10 UTC 2026", sig},
		"user id":            {c.srpA(), pool, "alicE", block, testTimestamp, sig},
		"pool name":          {c.srpA(), "AbCdEfGh2", user, block, testTimestamp, sig},
		"other A":            {other.srpA(), pool, user, block, testTimestamp, sig},
		"not base64":         {c.srpA(), pool, user, block, testTimestamp, "not base64!"},
		"empty signature":    {c.srpA(), pool, user, block, testTimestamp, ""},
		"truncated":          {c.srpA(), pool, user, block, testTimestamp, sig[:len(sig)-4]},
	} {
		if srv.Verify(p.a, p.pool, p.user, p.block, p.ts, p.sig) {
			t.Errorf("%s: tampered proof accepted", name)
		}
	}
}

func TestDecoy(t *testing.T) {
	secret := []byte("server-side decoy key")
	s1, v1 := Decoy(secret, "AbCdEfGh1", "nobody")
	s2, v2 := Decoy(secret, "AbCdEfGh1", "nobody")
	if len(s1) != SaltSize || !bytes.Equal(s1, s2) || !bytes.Equal(v1, v2) {
		t.Fatal("decoy for the same unknown user is not stable")
	}
	for _, c := range []struct {
		secret     []byte
		pool, user string
	}{{secret, "AbCdEfGh1", "nobody2"}, {secret, "AbCdEfGh2", "nobody"}, {[]byte("other"), "AbCdEfGh1", "nobody"}, {secret, "AbCdEfGh1n", "obody"}} {
		if s, _ := Decoy(c.secret, c.pool, c.user); bytes.Equal(s, s1) {
			t.Errorf("decoy salt for %s/%s equals another user's", c.pool, c.user)
		}
	}
	v1[0] ^= 0xff // callers get their own copy
	if _, v3 := Decoy(secret, "AbCdEfGh1", "nobody"); bytes.Equal(v1, v3) {
		t.Fatal("Decoy hands out its shared verifier")
	}
	srv, err := NewServer(v2)
	if err != nil {
		t.Fatalf("decoy verifier unusable: %v", err)
	}
	c := newTestClient("AbCdEfGh1", "nobody", "any password")
	ck, err := c.key(SaltHex(s2), srv.PublicB())
	if err != nil {
		t.Fatal(err)
	}
	if srv.Verify(c.srpA(), "AbCdEfGh1", "nobody", nil, testTimestamp, ck.Sign("AbCdEfGh1", "nobody", nil, testTimestamp)) {
		t.Fatal("a decoy accepted a password")
	}
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"us-east-1_AbCdEfGh1": "AbCdEfGh1",
		"local_x":             "x",
		"a_b_c":               "b", // split('_')[1]
		"nounderscore":        "",
	} {
		if got := PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The examples in the library's padHex documentation, plus the zero and
// sign-byte boundaries; the golden file covers far more.
func TestPadHexDocumentedExamples(t *testing.T) {
	for in, want := range map[int64]string{
		-236: "ff14", 20: "14", -200: "ff38", 56: "38", -20: "ec", 236: "00ec", -56: "c8", 200: "00c8",
		0: "00", 127: "7f", 128: "0080", -128: "80", -129: "ff7f", -256: "ff00", 255: "00ff", 256: "0100",
		-32768: "8000", -32769: "ff7fff", -2048: "f800", -1: "ff",
	} {
		if got := PadHex(big.NewInt(in)); got != want {
			t.Errorf("PadHex(%d) = %s, want %s", in, got, want)
		}
	}
	if got := PadHex(groupN); len(got) != 2*(groupBytes+1) || got[:4] != "00ff" {
		t.Errorf("PadHex(N) = %.8s… (%d digits)", got, len(got))
	}
}

func TestKeyStringHidesTheKey(t *testing.T) {
	var k Key
	copy(k[:], "0123456789abcdef")
	if s := k.String(); strings.Contains(s, "0123") || strings.Contains(s, hex.EncodeToString(k[:4])) {
		t.Fatalf("Key.String() = %q", s)
	}
}
