// Package ids makes the identifiers Cognito hands out, in Cognito's
// formats, from a CSPRNG: pool ids (us-east-1_AbC123xyZ), app client ids
// (26 lowercase alphanumerics), subs (UUID v4) and opaque secrets.
package ids

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"

	"github.com/google/uuid"
)

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// FromAlphabet returns n characters drawn uniformly from alphabet.
func FromAlphabet(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		x, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}

// UserPoolID returns an id like us-east-1_AbC123xyZ.
func UserPoolID(region string) string { return region + "_" + FromAlphabet(alnum, 9) }

// ClientID returns an app client id: 26 lowercase letters and digits.
func ClientID() string { return FromAlphabet(lowerAlnum, 26) }

// Sub returns a user's immutable subject, a random UUID.
func Sub() string { return uuid.NewString() }

// Secret returns n random bytes, URL-safe base64 encoded.
func Secret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
