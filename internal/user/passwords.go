package user

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/srp"
)

// SRPVerifierPurpose seals SRP verifiers at rest, bound to pool and sub.
const SRPVerifierPurpose = "srp-verifier"

// maxPasswordHistory is the largest PasswordHistorySize (model: 0–24).
// Users keep that many earlier hashes whatever their pool's current
// setting, so that raising it takes effect at once.
const maxPasswordHistory = 24

// policyOf is the pool's password policy (settled by the pool package,
// so every member is set; DefaultPolicy covers a pool read raw).
func policyOf(p *cognitoidp.UserPoolType) password.Policy {
	if p.Policies == nil || p.Policies.PasswordPolicy == nil {
		return password.DefaultPolicy()
	}
	pp := p.Policies.PasswordPolicy
	b := func(v *bool) bool { return v != nil && *v }
	pol := password.Policy{
		RequireUppercase: b(pp.RequireUppercase), RequireLowercase: b(pp.RequireLowercase),
		RequireNumbers: b(pp.RequireNumbers), RequireSymbols: b(pp.RequireSymbols),
	}
	if pp.MinimumLength != nil {
		pol.MinimumLength = int(*pp.MinimumLength)
	}
	return pol
}

// passwordless reports whether the pool lets users sign in without a
// password (an email or SMS one-time code as first factor), the one case
// where SignUp and AdminCreateUser may leave the password out (model).
func passwordless(p *cognitoidp.UserPoolType) bool {
	if p.Policies == nil || p.Policies.SignInPolicy == nil {
		return false
	}
	f := p.Policies.SignInPolicy.AllowedFirstAuthFactors
	return slices.Contains(f, cognitoidp.AuthFactorTypeEmailOtp) || slices.Contains(f, cognitoidp.AuthFactorTypeSmsOtp)
}

// PasswordChange is a new password made ready outside any transaction:
// hashing is slow on purpose and must not hold the store's write lock.
type PasswordChange struct {
	hash           string
	salt, verifier []byte
}

// NewPassword hashes pw for u and makes its SRP verifier, after checking
// it against the pool's password history: "Users can't set a password
// that matches any of n previous passwords" (model, PasswordHistorySize),
// the current one included. The caller checks the policy itself, whose
// wording differs between self-service and administrator operations.
func (s *Service) NewPassword(ctx context.Context, p *cognitoidp.UserPoolType, u *User, pw string) (*PasswordChange, error) {
	if err := s.checkHistory(ctx, p, u, pw); err != nil {
		return nil, err
	}
	return s.prepare(ctx, u, pw)
}

// prepare is NewPassword without the history: for the temporary
// passwords of invitations, which the user never chose.
func (s *Service) prepare(ctx context.Context, u *User, pw string) (*PasswordChange, error) {
	hash, err := s.hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	// USER_ID_FOR_SRP is the username, whatever name the user signs in
	// with, so the verifier is made for it.
	salt, v := srp.NewVerifier(srp.PoolName(u.PoolID), u.Username, pw)
	return &PasswordChange{
		hash: hash, salt: salt,
		verifier: s.Keys.Seal(SRPVerifierPurpose, v, srpBinding(u)),
	}, nil
}

// Apply makes the change u's password at now, temporary or not, and
// moves the previous hash into the history.
func (c *PasswordChange) Apply(u *User, temporary bool, now time.Time) {
	history := u.Password.History
	if u.Password.Hash != "" {
		history = append([]string{u.Password.Hash}, history...)
	}
	if len(history) > maxPasswordHistory {
		history = history[:maxPasswordHistory]
	}
	u.Password = Password{
		Hash: c.hash, SRPSalt: c.salt, SRPVerifier: c.verifier,
		SetAt: now, Temporary: temporary, History: history,
	}
}

// SRPVerifier opens u's SRP salt and verifier.
func (s *Service) SRPVerifier(u *User) (salt, verifier []byte, err error) {
	if len(u.Password.SRPVerifier) == 0 {
		return nil, nil, fmt.Errorf("user %s has no SRP verifier", u.Sub)
	}
	v, err := s.Keys.Open(SRPVerifierPurpose, u.Password.SRPVerifier, srpBinding(u))
	if err != nil {
		return nil, nil, fmt.Errorf("user %s: SRP verifier: %w", u.Sub, err)
	}
	return u.Password.SRPSalt, v, nil
}

func srpBinding(u *User) []byte { return []byte(u.PoolID + "/" + u.Sub) }

func (s *Service) checkHistory(ctx context.Context, p *cognitoidp.UserPoolType, u *User, pw string) error {
	n := 0
	if p.Policies != nil && p.Policies.PasswordPolicy != nil && p.Policies.PasswordPolicy.PasswordHistorySize != nil {
		n = int(*p.Policies.PasswordPolicy.PasswordHistorySize)
	}
	if n == 0 || u.Password.Hash == "" {
		return nil
	}
	previous := append([]string{u.Password.Hash}, u.Password.History...)
	for _, h := range previous[:min(n, len(previous))] {
		// An old hash that cannot be verified (an unusable import)
		// cannot match either; it must not block the new password.
		if ok, err := s.verify(ctx, h, pw); err == nil && ok {
			return errPasswordReused
		}
	}
	return nil
}
