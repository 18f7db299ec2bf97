package password

import (
	"crypto/rand"
	"math/big"
)

// Character classes for generated passwords. The symbols are Cognito's set
// without the characters that break when a temporary password is pasted
// into an HTML e-mail or a shell: quotes, backquote, backslash, < > & and
// space.
const (
	genUpper   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	genLower   = "abcdefghijklmnopqrstuvwxyz"
	genDigits  = "0123456789"
	genSymbols = "^$*.[]{}()?!@#%/,:;|_~=+-"
	genAll     = genUpper + genLower + genDigits + genSymbols
)

// generatedMinLength is the shortest temporary password Generate makes:
// 12 characters from 87 give about 77 bits, enough for a secret that lives
// a few days at most and is behind sign-in rate limits.
const generatedMinLength = 12

// Generate returns a random temporary password (AdminCreateUser without
// TemporaryPassword) that satisfies p whatever it requires: it always holds
// one character of each class, the rest drawn from all of them, shuffled,
// from crypto/rand.
func Generate(p Policy) string {
	n := max(p.MinimumLength, generatedMinLength)
	pw := make([]byte, 0, n)
	for _, class := range []string{genUpper, genLower, genDigits, genSymbols} {
		pw = append(pw, class[randIndex(len(class))])
	}
	for len(pw) < n {
		pw = append(pw, genAll[randIndex(len(genAll))])
	}
	for i := len(pw) - 1; i > 0; i-- { // Fisher–Yates
		j := randIndex(i + 1)
		pw[i], pw[j] = pw[j], pw[i]
	}
	return string(pw)
}

// randIndex is uniform in [0, n).
func randIndex(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand.Reader does not fail
	}
	return int(v.Int64())
}
