package federation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// KindState is the record kind of sign-ins in progress; the id is the
// SHA-256 of the state parameter, so the database holds no usable state.
const KindState = "fedstate"

// stateLifetime bounds the time a user may spend at the upstream.
const stateLifetime = 10 * time.Minute

const verifierPurpose = "federation-pkce"

type stateDoc struct {
	Pool     string `json:"pool"`
	Client   string `json:"client"`
	Provider string `json:"provider"`
	// Binding is the SHA-256 of the browser's federation cookie.
	Binding  string    `json:"binding"`
	Nonce    string    `json:"nonce,omitempty"`
	Verifier []byte    `json:"verifier,omitempty"` // sealed PKCE verifier
	Callback string    `json:"callback"`
	Resume   string    `json:"resume"`
	Request  string    `json:"request,omitempty"` // SAML AuthnRequest id
	Expires  time.Time `json:"expires"`
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashHex(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// saveState records a sign-in in progress and returns its state value.
func (s *Service) saveState(ctx context.Context, doc *stateDoc) (string, error) {
	state := random()
	return state, s.putState(ctx, state, doc)
}

// putState records a sign-in in progress under a given state value.
func (s *Service) putState(ctx context.Context, state string, doc *stateDoc) error {
	now := s.clock.Now()
	doc.Expires = now.Add(stateLifetime)
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: KindState, ID: hashHex(state), Scope: doc.Pool, Data: data, Expires: doc.Expires})
	})
}

// ErrState is a callback whose state is unknown, expired, used, or not
// the browser's: there is no client to send the browser back to.
var ErrState = errors.New("federation: unknown, expired or used state")

// takeState spends a sign-in's state: it can be used once, by the browser
// it was issued to, on the pool it was issued for, before it expires.
func (s *Service) takeState(ctx context.Context, poolID, state, binding string, bound bool) (*stateDoc, error) {
	if state == "" {
		return nil, ErrState
	}
	var doc stateDoc
	err := s.store.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindState, hashHex(state))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(rec.Data, &doc); err != nil {
			return err
		}
		return tx.Delete(ctx, KindState, rec.ID)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrState
	}
	if err != nil {
		return nil, err
	}
	if doc.Pool != poolID || !s.clock.Now().Before(doc.Expires) {
		return nil, ErrState
	}
	if bound && subtle.ConstantTimeCompare([]byte(hashHex(binding)), []byte(doc.Binding)) != 1 {
		return nil, ErrState
	}
	return &doc, nil
}
