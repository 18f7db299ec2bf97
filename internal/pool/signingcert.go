package pool

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// KindSigningCert is the record (id: the pool id) of the certificate a
// pool signs SAML requests with. The certificate is public; its private
// key is stored sealed under the master key, bound to the pool.
const KindSigningCert = "signingcert"

const signingKeyPurpose = "pool-signing-cert"

// signingCertValidity: "Issued certificates are valid for 10 years from
// the date of issue" (model: GetSigningCertificate).
const signingCertValidity = 10 * 365 * 24 * time.Hour

type signingCert struct {
	Certificate []byte `json:"Certificate"` // DER
	SealedKey   []byte `json:"SealedKey"`   // PKCS #8 DER, sealed
}

// newSigningCert makes a self-signed RSA 2048 certificate for a pool,
// valid from now for ten years.
func (s *Service) newSigningCert(poolID string) (*signingCert, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: poolID, Organization: []string{"cirro"}},
		NotBefore:    now.Add(-time.Minute), // tolerate a verifier's clock running slightly behind
		NotAfter:     now.Add(signingCertValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &signingCert{Certificate: der, SealedKey: s.Keys.Seal(signingKeyPurpose, pk, []byte(poolID))}, nil
}

// signingCertOf returns a pool's certificate, making it on first use.
// The key is generated outside any transaction (it takes a while); if
// another request stored one meanwhile, that one wins and this is
// dropped, so a pool only ever has one.
func (s *Service) signingCertOf(ctx context.Context, poolID string) (*signingCert, error) {
	read := func() (*signingCert, error) {
		var c *signingCert
		err := s.Store.Read(ctx, func(tx store.Tx) error {
			if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
				return err
			}
			var sc signingCert
			_, err := getJSON(ctx, tx, KindSigningCert, poolID, &sc)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			c = &sc
			return err
		})
		return c, err
	}
	if c, err := read(); err != nil || c != nil {
		return c, err
	}
	c, err := s.newSigningCert(poolID)
	if err != nil {
		return nil, err
	}
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		return tx.Insert(ctx, &store.Record{Kind: KindSigningCert, ID: poolID, Scope: poolID, Data: mustJSON(c)})
	})
	if errors.Is(err, store.ErrExists) {
		return read()
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// GetSigningCertificate returns a pool's SAML signing certificate, base64
// DER (no PEM armour), as Cognito does.
func (s *Service) GetSigningCertificate(ctx context.Context, in *cognitoidp.GetSigningCertificateRequest) (*cognitoidp.GetSigningCertificateResponse, error) {
	c, err := s.signingCertOf(ctx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetSigningCertificateResponse{Certificate: ptr(base64.StdEncoding.EncodeToString(c.Certificate))}, nil
}

// SigningKey returns the certificate and private key a pool signs SAML
// requests with, for the federation code.
func (s *Service) SigningKey(ctx context.Context, poolID string) (*x509.Certificate, crypto.Signer, error) {
	c, err := s.signingCertOf(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(c.Certificate)
	if err != nil {
		return nil, nil, fmt.Errorf("signing certificate of %s: %w", poolID, err)
	}
	pk, err := s.Keys.Open(signingKeyPurpose, c.SealedKey, []byte(poolID))
	if err != nil {
		return nil, nil, fmt.Errorf("signing key of %s: %w", poolID, err)
	}
	key, err := x509.ParsePKCS8PrivateKey(pk)
	if err != nil {
		return nil, nil, fmt.Errorf("signing key of %s: %w", poolID, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("signing key of %s is a %T", poolID, key)
	}
	return cert, signer, nil
}
