package user

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// app is an app client and its pool: the context of the public
// operations (SignUp, ConfirmSignUp, ForgotPassword …), which name a
// client, never a pool.
type app struct {
	client *cognitoidp.UserPoolClientType // shared: never changed
	// secrets are the client's active secrets, none for a public client.
	secrets []string
	pool    *cognitoidp.UserPoolType
	rules   rules
}

// app reads a client and its pool; an unknown client is Cognito's
// ResourceNotFoundException.
func (s *Service) app(ctx context.Context, tx store.Tx, clientID string) (*app, error) {
	c, secrets, err := s.Pools.SharedClient(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	p, _, err := s.Pools.Pool(ctx, tx, *c.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &app{client: c, secrets: secrets, pool: p, rules: rulesOf(p)}, nil
}

// checkSecretHash verifies SECRET_HASH for a client with secrets, against
// any of them (pool.VerifySecretHash). username is the name as the request
// gives it, which is what the client hashed.
func (a *app) checkSecretHash(username string, hash *string) error {
	return pool.VerifySecretHash(*a.client.ClientId, a.secrets, username, deref(hash))
}

// SecretHash is Cognito's SECRET_HASH: Base64(HMAC-SHA256(client secret,
// username + client id)) (developer guide, Computing secret hash values).
func SecretHash(clientSecret, username, clientID string) string {
	return base64.StdEncoding.EncodeToString(secretHashMAC(clientSecret, username, clientID))
}

func secretHashMAC(clientSecret, username, clientID string) []byte {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return m.Sum(nil)
}

// hidesUsers reports PreventUserExistenceErrors ENABLED: the public
// operations then answer for an unknown user as they would for a real
// one. LEGACY, the API default, reports UserNotFoundException.
func (a *app) hidesUsers() bool {
	return deref(a.client.PreventUserExistenceErrors) == cognitoidp.PreventUserExistenceErrorTypesEnabled
}

// find finds the user a public operation names, with the error Cognito
// gives for an unknown one under LEGACY.
func (s *Service) findForApp(ctx context.Context, tx store.Tx, a *app, name string) (*User, *store.Record, error) {
	u, rec, err := s.find(ctx, tx, a.pool, name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, errUserClientNotFound
	}
	return u, rec, err
}
