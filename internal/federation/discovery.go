package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// discoveryLifetime is how long a provider's discovery document is kept.
const discoveryLifetime = time.Hour

// maxUpstreamBody bounds what cirro reads from an upstream answer.
const maxUpstreamBody = 1 << 20

// discovered is what cirro uses of an OpenID Provider's discovery
// document, and its keys.
type discovered struct {
	Issuer      string   `json:"issuer"`
	AuthURL     string   `json:"authorization_endpoint"`
	TokenURL    string   `json:"token_endpoint"`
	JWKSURL     string   `json:"jwks_uri"`
	UserInfoURL string   `json:"userinfo_endpoint"`
	AuthMethods []string `json:"token_endpoint_auth_methods_supported"`

	fetched time.Time
}

// discover reads an issuer's discovery document (OpenID Connect
// Discovery §4), whose issuer must be the one configured.
func (s *Service) discover(ctx context.Context, issuer string) (*discovered, error) {
	now := s.clock.Now()
	s.mu.Lock()
	d, ok := s.discovery[issuer]
	s.mu.Unlock()
	if ok && now.Sub(d.fetched) < discoveryLifetime {
		return d, nil
	}
	var doc discovered
	if err := s.getJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", "", &doc); err != nil {
		return nil, fmt.Errorf("discovery of %s: %w", issuer, err)
	}
	if doc.Issuer != issuer {
		return nil, fmt.Errorf("discovery of %s names the issuer %q", issuer, doc.Issuer)
	}
	doc.fetched = now
	s.mu.Lock()
	s.discovery[issuer] = &doc
	s.mu.Unlock()
	return &doc, nil
}

// keySet is the upstream's JWKS. go-oidc's remote key set caches the keys
// and fetches them again when a token names a key it does not know, so
// one per URL is kept for the life of the service.
func (s *Service) keySet(jwksURI string) oidc.KeySet {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keySets == nil {
		s.keySets = map[string]oidc.KeySet{}
	}
	ks, ok := s.keySets[jwksURI]
	if !ok {
		ks = oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), s.http), jwksURI)
		s.keySets[jwksURI] = ks
	}
	return ks
}

// getJSON GETs a JSON document, with a bearer token when one is given.
func (s *Service) getJSON(ctx context.Context, url, bearer string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return s.doJSON(req, v)
}

func (s *Service) doJSON(req *http.Request, v any) error {
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamBody))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s answered %d: %.200s", req.Method, req.URL.Redacted(), resp.StatusCode, body)
	}
	return json.Unmarshal(body, v)
}
