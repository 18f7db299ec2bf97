package identitypool

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/store"
)

// The identity pools sign with one RSA key of their own, never a user
// pool's: a user pool's relying parties must not accept identity tokens,
// nor the reverse. It is a store record (global scope) with a fixed id,
// so that when several nodes create it at once the database keeps one and
// the others read it. The private key is sealed under the master key and
// bound to the record, so a database dump neither leaks it nor lets
// anyone substitute another.
const (
	keyRecordID = "openid/1"
	sealPurpose = "identitypool-signing-key"
	// signingAlg is Cognito Identity's: its tokens are RS512.
	signingAlg = jose.RS512
)

type keyDoc struct {
	KID     string          `json:"kid"`
	JWK     json.RawMessage `json:"jwk"` // public, in clear for operators; never trusted
	Private []byte          `json:"private"`
	Created time.Time       `json:"created"`
}

// signingKey is the opened key.
type signingKey struct {
	kid    string
	public jose.JSONWebKey
	signer jose.Signer // safe for concurrent use
}

// signingKey returns the key, creating it on first use. Once opened it is
// kept for the life of the process: it never changes.
func (s *Service) signingKey(ctx context.Context) (*signingKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	d, err := s.readKey(ctx)
	if errors.Is(err, store.ErrNotFound) {
		d, err = s.createKey(ctx)
	}
	if err != nil {
		return nil, err
	}
	k, err := s.openKey(d)
	if err != nil {
		return nil, err
	}
	s.key = k
	return k, nil
}

func (s *Service) readKey(ctx context.Context) (*keyDoc, error) {
	var d keyDoc
	err := s.store.Read(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, kindKey, keyRecordID)
		if err != nil {
			return err
		}
		return decode(rec, &d)
	})
	return &d, err
}

// createKey generates the key outside any transaction (it takes far
// longer than a transaction should) and stores it unless another node
// was first, in which case that node's key is the key.
func (s *Service) createKey(ctx context.Context) (*keyDoc, error) {
	priv, err := s.newKey()
	if err != nil {
		return nil, fmt.Errorf("identitypool: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	kid := newKID()
	jwk, err := json.Marshal(jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: string(signingAlg), Use: "sig"})
	if err != nil {
		return nil, err
	}
	d := &keyDoc{KID: kid, JWK: jwk, Private: s.keys.Seal(sealPurpose, der, keyAD(kid)), Created: s.clock.Now()}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: kindKey, ID: keyRecordID, Data: mustJSON(d)})
	})
	if errors.Is(err, store.ErrExists) {
		return s.readKey(ctx)
	}
	return d, err
}

func keyAD(kid string) []byte { return []byte(keyRecordID + "/" + kid) }

// openKey opens the sealed private key; the public key published and
// trusted is its public half, not the JWK kept in clear.
func (s *Service) openKey(d *keyDoc) (*signingKey, error) {
	der, err := s.keys.Open(sealPurpose, d.Private, keyAD(d.KID))
	if err != nil {
		return nil, fmt.Errorf("identitypool: open signing key %s: %w", d.KID, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("identitypool: parse signing key %s: %w", d.KID, err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("identitypool: signing key %s is not RSA", d.KID)
	}
	opts := (&jose.SignerOptions{}).WithType("JWS")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: signingAlg, Key: jose.JSONWebKey{Key: priv, KeyID: d.KID}}, opts)
	if err != nil {
		return nil, err
	}
	return &signingKey{
		kid:    d.KID,
		public: jose.JSONWebKey{Key: &priv.PublicKey, KeyID: d.KID, Algorithm: string(signingAlg), Use: "sig"},
		signer: signer,
	}, nil
}

func newKID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// JWKS returns the published key set.
func (s *Service) JWKS(ctx context.Context) (jose.JSONWebKeySet, error) {
	k, err := s.signingKey(ctx)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.public}}, nil
}
