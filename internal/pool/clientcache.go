package pool

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// clientCache keeps the decoded form of client documents, with their
// secrets opened, as poolCache does for pools: sign-in reads the client
// at every call, and decoding it and opening its secrets cost more than
// reading it.
type clientCache struct {
	mu sync.RWMutex
	m  map[string]cachedClient
}

type cachedClient struct {
	data    []byte
	c       *cognitoidp.UserPoolClientType
	secrets []string
}

// SharedClient is Client for callers that only read the client, with
// every active secret of a confidential client (oldest first, so the
// first is ClientSecret); none for a public one. Like SharedPool it reads
// the record in tx, so a change committed by any node is seen at once,
// and skips only the decoding when the stored bytes are the ones decoded
// before. What it returns may be shared with concurrent requests and must
// not be modified.
func (s *Service) SharedClient(ctx context.Context, tx store.Tx, clientID string) (*cognitoidp.UserPoolClientType, []string, error) {
	rec, err := tx.Get(ctx, KindClient, clientID)
	if err != nil {
		return nil, nil, notFound(err, "User pool client "+clientID+" does not exist.")
	}
	c := &s.clients
	c.mu.RLock()
	hit, ok := c.m[clientID]
	c.mu.RUnlock()
	if ok && bytes.Equal(hit.data, rec.Data) {
		return hit.c, hit.secrets, nil
	}
	var doc clientDoc
	if err := json.Unmarshal(rec.Data, &doc); err != nil {
		return nil, nil, fmt.Errorf("decode %s %s: %w", KindClient, clientID, err)
	}
	secrets := make([]string, 0, len(doc.Secrets))
	for _, cs := range doc.Secrets {
		v, err := s.openClientSecret(clientID, cs)
		if err != nil {
			return nil, nil, err
		}
		secrets = append(secrets, v)
	}
	client := doc.Client
	if len(secrets) > 0 {
		client.ClientSecret = &secrets[0]
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedPools {
		c.m = map[string]cachedClient{}
	}
	c.m[clientID] = cachedClient{data: bytes.Clone(rec.Data), c: &client, secrets: secrets}
	c.mu.Unlock()
	return &client, secrets, nil
}

// VerifySecretHash checks the SECRET_HASH of a request to a client with
// the given active secrets: Base64(HMAC-SHA256(secret, username + client
// id)) (developer guide, "Computing secret hash values"), accepted if it
// matches any of them, since a client rotating its secret
// (AddUserPoolClientSecret) has two valid at once. Every secret is
// compared, in constant time, whichever matches. username is the name as
// the request gives it, which is what the client hashed. A client without
// secrets needs no SECRET_HASH and ignores one.
func VerifySecretHash(clientID string, secrets []string, username, hash string) error {
	if len(secrets) == 0 {
		return nil
	}
	if hash == "" {
		return errs.New(errs.NotAuthorizedException, "Client "+clientID+" is configured with secret but SECRET_HASH was not received")
	}
	got, err := base64.StdEncoding.DecodeString(hash)
	match := 0
	for _, secret := range secrets {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(username + clientID))
		if hmac.Equal(got, m.Sum(nil)) {
			match = 1
		}
	}
	if err != nil || match == 0 {
		return errs.New(errs.NotAuthorizedException, "Unable to verify secret hash for client "+clientID)
	}
	return nil
}
