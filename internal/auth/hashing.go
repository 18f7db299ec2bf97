package auth

import (
	"context"

	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/user"
)

// inSlot runs f once a hashing slot is free.
func (s *Service) inSlot(ctx context.Context, f func(h *password.Hasher)) error {
	h, err := s.users.Hasher()
	if err != nil {
		return err
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	f(h)
	return nil
}

// verifyPassword checks pw against a stored hash. A user without a usable
// hash (none, or an import cirro cannot read) costs what a real check
// costs and fails: the difference must not show.
func (s *Service) verifyPassword(ctx context.Context, hash, pw string) (ok bool, err error) {
	err = s.inSlot(ctx, func(h *password.Hasher) {
		if hash != "" {
			var verr error
			if ok, verr = h.Verify(hash, pw); verr == nil {
				return
			}
			ok = false
		}
		h.Dummy(pw)
	})
	return ok, err
}

// dummyVerify is the work of a password check for a user that does not
// exist.
func (s *Service) dummyVerify(ctx context.Context, pw string) error {
	return s.inSlot(ctx, func(h *password.Hasher) { h.Dummy(pw) })
}

// upgrade returns the change that brings a user's stored password up to
// date after pw verified: imported or outdated hashes are replaced by
// argon2id with the current settings (password.Hasher.NeedsRehash), and a
// missing SRP verifier is made, so that the user can sign in with SRP from
// now on. It returns nil when nothing needs doing. The change applies only
// if the password is still the one that verified.
//
// The SRP verifier is sealed exactly as internal/user seals it
// (user.SRPVerifierPurpose, bound to pool and sub).
func (s *Service) upgrade(ctx context.Context, u *user.User, pw string) (func(*user.User), error) {
	h, err := s.users.Hasher()
	if err != nil {
		return nil, err
	}
	old := u.Password.Hash
	rehash, needSRP := h.NeedsRehash(old), len(u.Password.SRPVerifier) == 0
	if !rehash && !needSRP {
		return nil, nil
	}
	next := old
	if rehash {
		if err := s.inSlot(ctx, func(h *password.Hasher) { next = h.Hash(pw) }); err != nil {
			return nil, err
		}
	}
	var salt, sealed []byte
	if needSRP {
		var v []byte
		salt, v = srp.NewVerifier(srp.PoolName(u.PoolID), u.Username, pw)
		sealed = s.keys.Seal(user.SRPVerifierPurpose, v, []byte(u.PoolID+"/"+u.Sub))
	}
	return func(fresh *user.User) {
		if fresh.Password.Hash != old {
			return // changed meanwhile: the new password is not pw
		}
		fresh.Password.Hash = next
		if sealed != nil {
			fresh.Password.SRPSalt, fresh.Password.SRPVerifier = salt, sealed
		}
	}, nil
}
