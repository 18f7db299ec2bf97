package identitypool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/store"
)

// maxLogins is Cognito's limit on the logins linked to one identity
// ("The number of linked logins is limited to 20").
const maxLogins = 20

// Secondary keys of identity records.
const (
	keyLogin = "login" // unique: one login, one identity
	keyState = "state" // enabled or disabled, for ListIdentities' HideDisabled
)

// identityDoc is an identity's record; its scope is its pool.
type identityDoc struct {
	Created  time.Time     `json:"created"`
	Modified time.Time     `json:"modified"`
	Logins   []linkedLogin `json:"logins,omitempty"`
	// Authenticated records that a login was ever linked. An identity
	// whose last login is unlinked does not become a guest again: it is
	// disabled, and nothing can use it any more.
	Authenticated bool `json:"authenticated,omitempty"`
}

// linkedLogin is one login of an identity: a provider (canonical name)
// and the user's id there (a sub, or a developer user identifier).
type linkedLogin struct {
	Provider string `json:"provider"`
	Subject  string `json:"subject"`
}

func (d *identityDoc) disabled() bool { return d.Authenticated && len(d.Logins) == 0 }

func (d *identityDoc) has(provider, subject string) bool {
	return slices.Contains(d.Logins, linkedLogin{provider, subject})
}

// providers are the distinct providers of an identity's logins, sorted:
// what DescribeIdentity and ListIdentities call its Logins.
func (d *identityDoc) providers() []string {
	out := []string{}
	for _, l := range d.Logins {
		if !slices.Contains(out, l.Provider) {
			out = append(out, l.Provider)
		}
	}
	slices.Sort(out)
	return out
}

// loginKey is the secondary key of a login: a digest, so that a
// developer user identifier of a kilobyte indexes like any other.
func loginKey(provider, subject string) string {
	h := sha256.Sum256([]byte(provider + "\x00" + subject))
	return hex.EncodeToString(h[:])
}

func (d *identityDoc) keys() []store.Key {
	state := "enabled"
	if d.disabled() {
		state = "disabled"
	}
	keys := []store.Key{{Name: keyState, Value: state}}
	for _, l := range d.Logins {
		keys = append(keys, store.Key{Name: keyLogin, Value: loginKey(l.Provider, l.Subject), Unique: true})
	}
	return keys
}

// getIdentity reads an identity; ResourceNotFoundException when it does
// not exist.
func getIdentity(ctx context.Context, tx store.Tx, id string) (*store.Record, *identityDoc, error) {
	rec, err := tx.Get(ctx, KindIdentity, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, identityNotFound(id)
	}
	if err != nil {
		return nil, nil, err
	}
	var d identityDoc
	if err := decode(rec, &d); err != nil {
		return nil, nil, err
	}
	return rec, &d, nil
}

// ownerOf returns the identity of the pool a login is linked to, if any.
func ownerOf(ctx context.Context, tx store.Tx, poolID, provider, subject string) (string, bool, error) {
	rec, err := tx.Lookup(ctx, KindIdentity, poolID, keyLogin, loginKey(provider, subject))
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return rec.ID, true, nil
}

// insertIdentity creates an identity with an id like the pool's,
// <region>:<uuid>.
func (s *Service) insertIdentity(ctx context.Context, tx store.Tx, poolID string, d *identityDoc) (string, error) {
	id := s.region + ":" + uuid.NewString()
	err := tx.Insert(ctx, &store.Record{Kind: KindIdentity, ID: id, Scope: poolID, Data: mustJSON(d), Keys: d.keys()})
	return id, loginRace(err)
}

func updateIdentity(ctx context.Context, tx store.Tx, rec *store.Record, d *identityDoc) error {
	rec.Data, rec.Keys = mustJSON(d), d.keys()
	return loginRace(tx.Update(ctx, rec))
}

// loginRace turns a login another transaction linked first into a
// conflict, so that Write runs the transaction again and finds the
// login's identity instead of making a second one.
func loginRace(err error) error {
	if name, ok := store.IsKeyConflict(err); ok && name == keyLogin {
		return fmt.Errorf("identitypool: login linked concurrently: %w", store.ErrConflict)
	}
	return err
}
