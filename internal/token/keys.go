package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/store"
)

// KindSigningKey is the record kind of signing keys.
const KindSigningKey = "signingkey"

// Key uses: which tokens a key signs.
const (
	UseID     = "id"
	UseAccess = "access"
)

var uses = [...]string{UseID, UseAccess}

// sealPurpose is the master-key purpose that seals private keys.
const sealPurpose = "signing-key"

// keyDoc is a signing key record. The id of the record is
// keyRecordID(pool, use, gen): deterministic, so that the database itself
// refuses a second key of the same generation from a concurrent node.
type keyDoc struct {
	Use string `json:"use"`
	Gen int    `json:"gen"`
	KID string `json:"kid"`
	// JWK is the public key, in clear for operators. Verification does not
	// trust it: it uses the public half of the sealed private key.
	JWK     json.RawMessage `json:"jwk"`
	Private []byte          `json:"private"` // PKCS #8, sealed
	Created time.Time       `json:"created"`
	// ActiveFrom is when the key starts signing (zero for a pool's first
	// keys); RetireAt, set when a successor is scheduled, when it leaves
	// the JWKS for good.
	ActiveFrom time.Time `json:"active_from,omitzero"`
	RetireAt   time.Time `json:"retire_at,omitzero"`
}

func keyRecordID(poolID, use string, gen int) string {
	return fmt.Sprintf("%s/%s/%06d", poolID, use, gen)
}

// keyMaterial is a fresh key pair, made outside any transaction because
// generating an RSA key takes far longer than a transaction should last.
type keyMaterial struct {
	kid     string
	jwk     json.RawMessage
	private []byte
}

// newKeyMaterial generates a key pair for poolID and seals its private
// half, bound to the pool and kid.
func (s *Service) newKeyMaterial(poolID string) (*keyMaterial, error) {
	priv, err := s.newKey()
	if err != nil {
		return nil, fmt.Errorf("token: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	kid := newKID()
	jwk, err := json.Marshal(jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"})
	if err != nil {
		return nil, err
	}
	return &keyMaterial{kid: kid, jwk: jwk, private: s.sealer.Seal(sealPurpose, der, keyAD(poolID, kid))}, nil
}

func keyAD(poolID, kid string) []byte { return []byte(poolID + "/" + kid) }

// newKID returns a random key id in the shape of Cognito's (44 characters
// of standard base64): it only has to be unique, and random kids say
// nothing about the pool or the key.
func newKID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// listKeys reads a pool's key records, by use then generation.
func listKeys(ctx context.Context, tx store.Tx, poolID string) ([]*store.Record, []*keyDoc, error) {
	recs, err := tx.List(ctx, store.Query{Kind: KindSigningKey, Scope: poolID})
	if err != nil {
		return nil, nil, err
	}
	docs := make([]*keyDoc, len(recs))
	for i, rec := range recs {
		var d keyDoc
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return nil, nil, fmt.Errorf("token: decode %s %s: %w", rec.Kind, rec.ID, err)
		}
		docs[i] = &d
	}
	return recs, docs, nil
}

// latest returns the index of the newest generation of use in docs, or -1.
func latest(docs []*keyDoc, use string) int {
	best := -1
	for i, d := range docs {
		if d.Use == use && (best < 0 || d.Gen > docs[best].Gen) {
			best = i
		}
	}
	return best
}

// createFirstKeys gives a pool that lacks them its first ID and access
// keys. They sign at once — no relying party can hold tokens of the pool
// yet — and are active "since ever" rather than since the creating
// node's clock, so a node whose clock runs a little behind can use them
// too. It refuses a pool that does not exist, so that a request for an
// unknown pool's JWKS creates nothing.
func (s *Service) createFirstKeys(ctx context.Context, poolID string) ([]*keyDoc, error) {
	fresh := map[string]*keyMaterial{}
	for _, use := range uses {
		m, err := s.newKeyMaterial(poolID)
		if err != nil {
			return nil, err
		}
		fresh[use] = m
	}
	var docs []*keyDoc
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.dir.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		var err error
		if _, docs, err = listKeys(ctx, tx, poolID); err != nil {
			return err
		}
		now := s.clock.Now()
		for _, use := range uses {
			if latest(docs, use) >= 0 {
				continue
			}
			d := &keyDoc{Use: use, Gen: 1, Created: now}
			d.fill(fresh[use])
			if err := insertKey(ctx, tx, poolID, d); err != nil {
				return err
			}
			docs = append(docs, d)
		}
		return nil
	})
	return docs, err
}

func (d *keyDoc) fill(m *keyMaterial) { d.KID, d.JWK, d.Private = m.kid, m.jwk, m.private }

// insertKey stores a key. Losing the race for its generation to another
// node is a conflict: Write runs the transaction again, which then finds
// the winner's key.
func insertKey(ctx context.Context, tx store.Tx, poolID string, d *keyDoc) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	err = tx.Insert(ctx, &store.Record{Kind: KindSigningKey, ID: keyRecordID(poolID, d.Use, d.Gen), Scope: poolID, Data: data})
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("token: %s key generation %d of %s taken: %w", d.Use, d.Gen, poolID, store.ErrConflict)
	}
	return err
}

// Rotate schedules new ID and access keys for a pool. They are published
// at once and sign from now + PublishDelay; the keys they replace stay
// published until every token those can have signed has expired, then
// retire. Calling Rotate again before the delay has passed schedules yet
// another generation, and the pending one retires unused.
func (s *Service) Rotate(ctx context.Context, poolID string) error {
	if _, err := s.keySet(ctx, poolID, true); err != nil {
		return err
	}
	fresh := map[string]*keyMaterial{}
	for _, use := range uses {
		m, err := s.newKeyMaterial(poolID)
		if err != nil {
			return err
		}
		fresh[use] = m
	}
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := s.dir.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		recs, docs, err := listKeys(ctx, tx, poolID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		for _, use := range uses {
			d := &keyDoc{Use: use, Gen: 1, Created: now, ActiveFrom: now.Add(s.publishDelay)}
			d.fill(fresh[use])
			if i := latest(docs, use); i >= 0 {
				d.Gen = docs[i].Gen + 1
				if err := retire(ctx, tx, recs[i], docs[i], d.ActiveFrom.Add(MaxTokenValidity+retireLeeway)); err != nil {
					return err
				}
			}
			if err := insertKey(ctx, tx, poolID, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.cache.forget(poolID)
	return nil
}

// retire schedules a superseded key's retirement; the record expires
// then too, so the store's sweeper removes it.
func retire(ctx context.Context, tx store.Tx, rec *store.Record, d *keyDoc, at time.Time) error {
	d.RetireAt = at
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	rec.Data, rec.Expires = data, at
	return tx.Update(ctx, rec)
}

// openKey opens a key record into a usable key. The public key comes from
// the sealed private key, whose seal also authenticates the pool and kid,
// so a tampered record cannot slip a foreign key into the JWKS.
func (s *Service) openKey(poolID string, d *keyDoc) (*signingKey, error) {
	der, err := s.sealer.Open(sealPurpose, d.Private, keyAD(poolID, d.KID))
	if err != nil {
		return nil, fmt.Errorf("token: open %s key %s of %s: %w", d.Use, d.KID, poolID, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("token: parse %s key %s of %s: %w", d.Use, d.KID, poolID, err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("token: %s key %s of %s is not RSA", d.Use, d.KID, poolID)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: d.KID}}, nil)
	if err != nil {
		return nil, err
	}
	return &signingKey{
		use: d.Use, gen: d.Gen, kid: d.KID,
		public:     jose.JSONWebKey{Key: &priv.PublicKey, KeyID: d.KID, Algorithm: string(jose.RS256), Use: "sig"},
		signer:     signer,
		activeFrom: d.ActiveFrom, retireAt: d.RetireAt,
	}, nil
}

// sortKeys orders keys by use (ID first, as Cognito lists them) and then
// by generation.
func sortKeys(keys []*signingKey) {
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].use != keys[j].use {
			return keys[i].use == UseID
		}
		return keys[i].gen < keys[j].gen
	})
}
