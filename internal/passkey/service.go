package passkey

import (
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// Service is passkeys for every pool of a cirro.
type Service struct {
	Store store.Store
	Clock clock.Clock
	// Keys seals the pagination tokens of ListWebAuthnCredentials.
	Keys  *secrets.Keyring
	Pools *pool.Service
	Users *user.Service
	// Auth is the sign-in service passkeys plug into: its token checks,
	// sessions and lockout are shared.
	Auth *auth.Service
}

// Register adds WEB_AUTHN to a sign-in service: the first factor of
// USER_AUTH and the handler of its challenge.
func (s *Service) Register(a *auth.Service) {
	a.AddFirstFactor(cognitoidp.ChallengeNameTypeWebAuthn, firstFactor{s})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeWebAuthn, Handler: auth.HandlerFunc(s.answer)})
}
