package server

import (
	"fmt"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/federation"
	"github.com/cirrohq/cirro/internal/oauth"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
	"github.com/cirrohq/cirro/internal/wellknown"
)

// mountDomains assembles the pools' well-known documents and domains.
// The two refer to each other: the discovery document names the OAuth
// endpoints of the pool's domain, and the domain serves the discovery
// document under its own host.
func (s *Server) mountDomains(pools *pool.Service, users *user.Service, tokens *token.Service, signIn *auth.Service) error {
	var domains *oauth.Handler
	var totp oauth.SoftwareTokens
	if s.API != nil && s.API.MFA != nil {
		totp = s.API.MFA
	}
	s.wellKnown = wellknown.New(tokens, wellknown.WithLogger(s.Log),
		wellknown.WithOAuthBase(func(poolID string) string { return domains.OAuthBase(poolID) }))
	fed, err := s.federation(pools, users)
	if err != nil {
		return err
	}
	domains, err = oauth.New(oauth.Config{
		Store: s.Store, Clock: s.clock, Keys: s.Keys, Pools: pools, Users: users, Tokens: tokens, Auth: signIn,
		PublicURL: s.Config.PublicURL, WellKnown: s.wellKnown, MFA: totp, Federation: fed, Log: s.Log,
	})
	if err != nil {
		return fmt.Errorf("domains: %w", err)
	}
	s.domains = domains
	return nil
}

// federation assembles sign-in through upstream identity providers.
func (s *Server) federation(pools *pool.Service, users *user.Service) (*federation.Service, error) {
	cfg := federation.Config{Store: s.Store, Clock: s.clock, Keys: s.Keys, Pools: pools, Users: users, Log: s.Log,
		AllowPrivateUpstreams: s.Config.AllowPrivateUpstreams()}
	if s.API != nil {
		cfg.Triggers = s.API.Triggers
	}
	fed, err := federation.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	return fed, nil
}
