package federation

import (
	"crypto/ecdsa"
	"encoding/json"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/cirrohq/cirro/internal/pool"
)

// Sign in with Apple has no static client secret: the client authenticates
// with a short-lived ES256 JWT signed by the developer's key (Apple,
// "Creating a client secret"): kid the key id, iss the team id, sub the
// client id, aud https://appleid.apple.com.
type appleKey struct {
	teamID, keyID string
	key           *ecdsa.PrivateKey
}

const appleAudience = "https://appleid.apple.com"

// appleSecretLifetime is short: a secret is made for each token request.
const appleSecretLifetime = 5 * time.Minute

func newAppleKey(d map[string]string) (*appleKey, error) {
	k, err := pool.ParseApplePrivateKey(d["private_key"])
	if err != nil {
		return nil, err
	}
	return &appleKey{teamID: d["team_id"], keyID: d["key_id"], key: k}, nil
}

// clientSecret makes the client secret of one token request.
func (k *appleKey) clientSecret(clientID, audience string, now time.Time) (string, error) {
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.keyID))
	if err != nil {
		return "", err
	}
	return jwt.Signed(sig).Claims(jwt.Claims{
		Issuer: k.teamID, Subject: clientID, Audience: jwt.Audience{audience},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(appleSecretLifetime)),
	}).Serialize()
}

// maxAppleUser bounds the user form field read.
const maxAppleUser = 4 << 10

// appleUser adds what Apple's user form field says to a sign-in's claims
// as Cognito names them for Apple: firstName, lastName, name (the two
// joined) and email. Apple posts the field once, on the user's first
// sign-in, and does not sign it, so it only fills claims the verified ID
// token lacks: it can name the user, never change the token's email.
func appleUser(a *assertion, raw string) {
	if raw == "" || len(raw) > maxAppleUser {
		return
	}
	var u struct {
		Name struct {
			FirstName string `json:"firstName"`
			LastName  string `json:"lastName"`
		} `json:"name"`
		Email string `json:"email"`
	}
	if json.Unmarshal([]byte(raw), &u) != nil {
		return
	}
	fill := func(claim, v string) {
		if _, ok := a.Claims[claim]; !ok && v != "" {
			a.Claims[claim] = v
		}
	}
	fill("firstName", u.Name.FirstName)
	fill("lastName", u.Name.LastName)
	fill("name", strings.TrimSpace(u.Name.FirstName+" "+u.Name.LastName))
	fill("email", u.Email)
	if a.UserInfo == nil {
		a.UserInfo = map[string]string{}
	}
	a.UserInfo["user"] = raw
}
