package user

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// Service is the user directory.
type Service struct {
	Store    store.Store
	Clock    clock.Clock
	Keys     *secrets.Keyring
	Pools    *pool.Service
	Messages message.Sender
	// Triggers invokes the pool's Lambda triggers: pre sign-up, post
	// confirmation, user migration, custom message and custom senders.
	// Without it, pools' LambdaConfig is ignored (tests of the directory
	// alone).
	Triggers *trigger.Service
	// PublicURL is cirro's base URL, for confirmation links.
	PublicURL string
	// Hashing are the argon2id settings of new password hashes; the zero
	// value means password.DefaultParams. Test servers use
	// password.FastParams so that thousands of users cost nothing.
	Hashing password.Params
	// OnDelete runs inside the transaction that deletes a user, for the
	// records other packages keep about it (devices, refresh tokens …),
	// so that nothing outlives its user.
	OnDelete []func(ctx context.Context, tx store.Tx, poolID, sub string) error
	// OnDisable runs inside the transaction that disables a user
	// (AdminDisableUser revokes the user's tokens as it deactivates them).
	OnDisable []func(ctx context.Context, tx store.Tx, poolID, sub string, now time.Time) error
	// SignUpSession, when set, seals the Session ConfirmSignUp answers a
	// client that allows USER_AUTH, for u who confirmed with a code sent
	// to attribute (sign-in owns sessions: auth.Service.SignUpSession).
	SignUpSession func(p *cognitoidp.UserPoolType, c *cognitoidp.UserPoolClientType, u *User, attribute string) (string, error)

	hasherOnce sync.Once
	hasher     *password.Hasher
	hasherErr  error
	// hashSlots bounds concurrent hash computations (see hash).
	hashSlots chan struct{}
}

// Hasher is the password hasher of this directory: sign-in verifies with
// it, and rehashes with it what NeedsRehash reports.
func (s *Service) Hasher() (*password.Hasher, error) {
	s.hasherOnce.Do(func() {
		p := s.Hashing
		if p == (password.Params{}) {
			p = password.DefaultParams()
		}
		s.hasher, s.hasherErr = password.New(p)
		s.hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))
	})
	return s.hasher, s.hasherErr
}

// hash returns the PHC hash of pw. Each argon2id computation holds its
// memory (19 MiB by default) for its whole run, so a burst of sign-ups
// waits for a free CPU instead of multiplying that memory: hashing more
// passwords at once than there are CPUs would not finish any sooner.
func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	h, err := s.Hasher()
	if err != nil {
		return "", err
	}
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	return h.Hash(pw), nil
}

// verify reports whether pw matches the stored hash, in a hashing slot.
func (s *Service) verify(ctx context.Context, hash, pw string) (bool, error) {
	h, err := s.Hasher()
	if err != nil {
		return false, err
	}
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	return h.Verify(hash, pw)
}
