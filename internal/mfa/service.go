package mfa

import (
	"context"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// Service is MFA for every pool of a cirro.
type Service struct {
	Store store.Store
	Clock clock.Clock
	Keys  *secrets.Keyring
	Pools *pool.Service
	// Users reads and saves users and, through Users.Messages, sends
	// their codes.
	Users *user.Service
	// Auth is the sign-in service MFA plugs into; its lockout, sessions
	// and token checks are shared.
	Auth *auth.Service
}

// Register adds the handlers of the MFA challenges to a sign-in service.
// The Step that asks for them is added by whoever orders the steps
// (internal/device puts it between its own, as Cognito orders device
// authentication around MFA).
func (s *Service) Register(a *auth.Service) {
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeSmsMfa, Handler: s.answerCode(SMS)})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeEmailOtp, Handler: s.answerCode(Email)})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeSoftwareTokenMfa, Handler: auth.HandlerFunc(s.answerTOTP)})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeSelectMfaType, Handler: auth.HandlerFunc(s.answerSelect)})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeMfaSetup, Handler: auth.HandlerFunc(s.answerSetup)})
	s.registerFirstFactors(a)
}

// Step is the sign-in step that asks for a second factor.
func (s *Service) Step() auth.Step { return step{s} }

// config reads a pool's MFA configuration.
func (s *Service) config(ctx context.Context, poolID string) (*config, error) {
	var c *config
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		c, err = s.configIn(ctx, tx, poolID)
		return err
	})
	return c, err
}

func (s *Service) configIn(ctx context.Context, tx store.Tx, poolID string) (*config, error) {
	p, _, err := s.Pools.Pool(ctx, tx, poolID)
	if err != nil {
		return nil, err
	}
	m, err := s.Pools.MfaConfig(ctx, tx, poolID)
	if err != nil {
		return nil, err
	}
	return configOf(p, m), nil
}
