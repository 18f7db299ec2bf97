package auth

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// KindDecoy records failed sign-ins for names that belong to nobody, when
// the client hides whether users exist. A real user's failures lock them
// out after five tries; if an unknown name never answered "Password
// attempts exceeded", that alone would tell who exists. So an unknown name
// gets a lockout of its own, kept like a user's and written like one
// (which also spends on it the database write a wrong password costs).
// The id is a keyed hash of pool and name: the store never holds the
// names people tried.
const KindDecoy = "authdecoy"

const decoyLockoutPurpose = "auth-decoy-lockout"

type decoyDoc struct {
	Lockout user.Lockout `json:"lockout"`
}

func (s *Service) decoyID(r *Request, name string) string {
	mac := s.keys.MAC(decoyLockoutPurpose, []byte(deref(r.Pool.Id)+"\x00"+foldName(r.Pool, name)))
	return hex.EncodeToString(mac[:16])
}

// unknownUser fails a sign-in of a name nobody has, under
// PreventUserExistenceErrors, exactly as passwordProof fails a wrong
// password: the decoy's lockout is checked, work (a dummy hash or an SRP
// proof that cannot succeed) is done, the failure is recorded.
func (s *Service) unknownUser(ctx context.Context, r *Request, name string, work func()) error {
	id := s.decoyID(r, name)
	var doc decoyDoc
	rec, err := s.get(ctx, r, KindDecoy, id)
	if err == nil {
		err = json.Unmarshal(rec.Data, &doc)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	lockedNow := locked(lockoutAt(doc.Lockout, r.now), r.now)
	if !lockedNow {
		work()
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := spendAll(ctx, tx, deref(r.Pool.Id), r.spent); err != nil {
			return err
		}
		rec, err := tx.Get(ctx, KindDecoy, id)
		var cur decoyDoc
		switch {
		case errors.Is(err, store.ErrNotFound):
			rec = nil
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(rec.Data, &cur); err != nil {
				return err
			}
		}
		if !lockedNow {
			cur.Lockout = failLockout(cur.Lockout, r.now)
		}
		data, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		// Kept until the quiet period after the last failure has passed.
		expires := cur.Lockout.LastFailure.Add(quietReset + maxLockout)
		if rec == nil {
			err := tx.Insert(ctx, &store.Record{Kind: KindDecoy, ID: id, Scope: deref(r.Pool.Id), Data: data, Expires: expires})
			if errors.Is(err, store.ErrExists) {
				// A concurrent first failure: run again and count on it.
				return fmt.Errorf("auth: decoy %s: %w", id, store.ErrConflict)
			}
			return err
		}
		rec.Data, rec.Expires = data, expires
		return tx.Update(ctx, rec)
	})
	switch {
	case err != nil:
		return err
	case lockedNow:
		return errLocked
	}
	return errIncorrect
}
