package auth

import (
	"errors"
	"runtime"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// DefaultEventRetention is how long auth events are kept.
const DefaultEventRetention = 90 * 24 * time.Hour

// Config assembles a Service.
type Config struct {
	Store  store.Store
	Clock  clock.Clock
	Keys   *secrets.Keyring
	Pools  *pool.Service
	Users  *user.Service
	Tokens *token.Service
	// MaxSkew bounds how far an SRP TIMESTAMP may be from the clock;
	// srp.DefaultMaxSkew when zero.
	MaxSkew time.Duration
	// EventRetention is how long auth events are kept;
	// DefaultEventRetention when zero.
	EventRetention time.Duration
}

// Service runs sign-ins. Handlers, steps and hooks are registered before
// it serves (New registers Cognito's password, SRP, refresh and
// new-password handlers); registration is not safe for concurrent use
// with serving.
type Service struct {
	store     store.Store
	clock     clock.Clock
	keys      *secrets.Keyring
	pools     *pool.Service
	users     *user.Service
	tokens    *token.Service
	maxSkew   time.Duration
	retention time.Duration

	flows      map[string]FlowSpec
	challenges map[string]ChallengeSpec
	steps      []Step
	hooks      []TokenHook
	// passwordHooks see the password flows before the proof.
	passwordHooks []PasswordHook
	// firstFactors are USER_AUTH's passwordless first factors, by
	// challenge name (AddFirstFactor).
	firstFactors map[string]FirstFactor

	// slots bounds concurrent password hashing: an argon2id verification
	// holds its memory for its whole run, and running more of them than
	// there are CPUs finishes none sooner.
	slots chan struct{}
}

// New checks cfg and returns a Service with Cognito's built-in flows.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Keys == nil || cfg.Pools == nil || cfg.Users == nil || cfg.Tokens == nil {
		return nil, errors.New("auth: Store, Clock, Keys, Pools, Users and Tokens are required")
	}
	if _, err := cfg.Users.Hasher(); err != nil {
		return nil, err
	}
	s := &Service{
		store: cfg.Store, clock: cfg.Clock, keys: cfg.Keys, pools: cfg.Pools, users: cfg.Users, tokens: cfg.Tokens,
		maxSkew: cfg.MaxSkew, retention: cfg.EventRetention,
		flows: map[string]FlowSpec{}, challenges: map[string]ChallengeSpec{},
		slots: make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	if s.maxSkew == 0 {
		s.maxSkew = srp.DefaultMaxSkew
	}
	if s.retention == 0 {
		s.retention = DefaultEventRetention
	}
	s.registerBuiltins()
	s.registerUserAuth()
	return s, nil
}

// HandleFlow registers (or replaces) the handler of an AuthFlow.
func (s *Service) HandleFlow(spec FlowSpec) { s.flows[spec.Name] = spec }

// HandleChallenge registers (or replaces) the handler of a ChallengeName.
func (s *Service) HandleChallenge(spec ChallengeSpec) { s.challenges[spec.Name] = spec }

// AddStep appends a step to the chain that runs after each passed step.
func (s *Service) AddStep(st Step) { s.steps = append(s.steps, st) }

// AddFirstStep puts a step at the head of the chain, before the built-in
// NEW_PASSWORD_REQUIRED: a step that continues the flow the user is in
// (CUSTOM_AUTH after its PASSWORD_VERIFIER) must run before any step
// whose answer would leave that flow behind.
func (s *Service) AddFirstStep(st Step) { s.steps = append([]Step{st}, s.steps...) }

// AddTokenHook appends a hook that sees tokens being issued.
func (s *Service) AddTokenHook(h TokenHook) { s.hooks = append(s.hooks, h) }
