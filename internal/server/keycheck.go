package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
)

// checkKeyFingerprint records the master key's fingerprint on first start
// and refuses to start with another key later: a node with the wrong key
// would otherwise fail on every encrypted secret, or worse, write secrets
// that the other nodes cannot read.
func checkKeyFingerprint(ctx context.Context, st store.Store, kr *secrets.Keyring) error {
	want := kr.Fingerprint()
	return st.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, "meta", "master-key")
		if errors.Is(err, store.ErrNotFound) {
			data, _ := json.Marshal(map[string]string{"fingerprint": want})
			err = tx.Insert(ctx, &store.Record{Kind: "meta", ID: "master-key", Data: data})
			if errors.Is(err, store.ErrExists) {
				return fmt.Errorf("master key: %w", store.ErrConflict) // another node won; re-check
			}
			return err
		}
		if err != nil {
			return err
		}
		var got map[string]string
		if err := json.Unmarshal(rec.Data, &got); err != nil {
			return err
		}
		if got["fingerprint"] != want {
			return errors.New("the master key does not match the one this database was created with: every node must use the same key (CIRRO_MASTER_KEY or master_key_file)")
		}
		return nil
	})
}

// redactDSN hides a password in a database URL before it is logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}
