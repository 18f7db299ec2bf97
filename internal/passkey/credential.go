package passkey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// Kind is the store kind of passkeys; ids are time-ordered UUIDs, so a
// user's passkeys list in the order they were registered.
const Kind = "passkey"

// Secondary keys of a passkey record.
const (
	keyUser       = "user"
	keyCredential = "credential" // unique in the pool
)

// maxPerUser caps a user's passkeys (ours; ListWebAuthnCredentials pages
// by at most 20).
const maxPerUser = 20

// passkey is a stored credential.
type passkey struct {
	PoolID string `json:"pool"`
	Sub    string `json:"sub"`
	// CredentialID is the credential id, base64url without padding: the
	// id clients name it by.
	CredentialID   string    `json:"credentialId"`
	RelyingPartyID string    `json:"rpId"`
	FriendlyName   string    `json:"name"`
	Attachment     string    `json:"attachment,omitempty"`
	Transports     []string  `json:"transports,omitempty"`
	Created        time.Time `json:"created"`
	LastUsed       time.Time `json:"lastUsed,omitzero"`
	// Credential is go-webauthn's record (public key, signature count,
	// flags, AAGUID), kept without the attestation it was made with.
	Credential webauthn.Credential `json:"credential"`
}

func keysOf(p *passkey) []store.Key {
	return []store.Key{{Name: keyUser, Value: p.Sub}, {Name: keyCredential, Value: p.CredentialID, Unique: true}}
}

func decode(rec *store.Record) (*passkey, error) {
	var p passkey
	if err := json.Unmarshal(rec.Data, &p); err != nil {
		return nil, fmt.Errorf("passkey %s: %w", rec.ID, err)
	}
	return &p, nil
}

// userPasskeys lists a user's passkeys after the record id after (""
// from the start), at most limit (0: all).
func userPasskeys(ctx context.Context, tx store.Tx, poolID, sub, after string, limit int) ([]*store.Record, []*passkey, error) {
	recs, err := tx.List(ctx, store.Query{Kind: Kind, Scope: poolID, KeyName: keyUser, KeyValue: sub, After: after, Limit: limit})
	if err != nil {
		return nil, nil, err
	}
	out := make([]*passkey, 0, len(recs))
	for _, rec := range recs {
		p, err := decode(rec)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, p)
	}
	return recs, out, nil
}

// byCredentialID finds the passkey of a user by its credential id;
// errNotFound when the user has none with that id.
func byCredentialID(ctx context.Context, tx store.Tx, poolID, sub, credentialID string) (*store.Record, *passkey, error) {
	rec, err := tx.Lookup(ctx, Kind, poolID, keyCredential, credentialID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := decode(rec)
	if err != nil {
		return nil, nil, err
	}
	if p.Sub != sub {
		return nil, nil, errNotFound
	}
	return rec, p, nil
}

// credentials are a user's passkeys as go-webauthn wants them.
func credentials(ps []*passkey) []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Credential)
	}
	return out
}

// DeleteUserPasskeys removes a user's passkeys and any registration in
// progress, in the transaction that deletes the user (user.Service.OnDelete).
func (s *Service) DeleteUserPasskeys(ctx context.Context, tx store.Tx, poolID, sub string) error {
	recs, _, err := userPasskeys(ctx, tx, poolID, sub, "", 0)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := tx.Delete(ctx, Kind, rec.ID); err != nil {
			return err
		}
	}
	err = tx.Delete(ctx, KindRegistration, registrationID(poolID, sub))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// webauthnUser is a user as go-webauthn sees them: the user handle is
// the sub, the name what the user signs in with.
type webauthnUser struct {
	u     *user.User
	creds []webauthn.Credential
}

func (w webauthnUser) WebAuthnID() []byte { return []byte(w.u.Sub) }

func (w webauthnUser) WebAuthnName() string {
	if w.u.Username != w.u.Sub { // pools with UsernameAttributes name users by sub
		return w.u.Username
	}
	for _, a := range []string{"email", "phone_number"} {
		if v := w.u.Attributes[a]; v != "" {
			return v
		}
	}
	return w.u.Username
}

func (w webauthnUser) WebAuthnDisplayName() string { return w.WebAuthnName() }

func (w webauthnUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }
