package federation

import (
	"context"
	"time"

	"github.com/cirrohq/cirro/internal/federation/samlsp"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// A SAML provider's MetadataURL is read once and kept: an IdP's metadata
// changes when it rotates its certificate, which it announces in advance,
// so there is no reason to make every sign-in (and every unauthenticated
// request for the SP metadata) a request to the IdP.
const (
	metadataLifetime = 6 * time.Hour
	// metadataRetryAfter is the least age of a cached document that a
	// signature failure may replace: a stream of forged responses must
	// not become a stream of requests to the IdP.
	metadataRetryAfter = time.Minute
	// maxCachedMetadata bounds the cache; past it, it starts again empty.
	maxCachedMetadata = 1024
)

type metadataDoc struct {
	doc     []byte
	fetched time.Time
}

func metadataKey(poolID string, idp *cognitoidp.IdentityProviderType) string {
	return poolID + "\x00" + deref(idp.ProviderName) + "\x00" + idp.ProviderDetails["MetadataURL"]
}

// idpMetadata is a SAML provider's metadata: its MetadataFile, or its
// MetadataURL's document from the cache while it is younger than
// metadataLifetime. A document is cached only once it parses as IdP
// metadata. When the fetch fails and an older document is cached, that
// one is used (and the failure logged): an IdP's brief outage should not
// stop its users from signing in with the keys it had.
func (s *Service) idpMetadata(ctx context.Context, poolID string, idp *cognitoidp.IdentityProviderType) ([]byte, error) {
	u := idp.ProviderDetails["MetadataURL"]
	if u == "" {
		return []byte(idp.ProviderDetails["MetadataFile"]), nil
	}
	key := metadataKey(poolID, idp)
	now := s.clock.Now()
	s.mu.Lock()
	cached := s.metadata[key]
	s.mu.Unlock()
	if cached != nil && now.Sub(cached.fetched) < metadataLifetime {
		return cached.doc, nil
	}
	doc, err := s.fetchMetadata(ctx, key, u)
	if err != nil && cached != nil {
		s.log.WarnContext(ctx, "federation: SAML metadata refresh failed; using the cached document", "provider", deref(idp.ProviderName), "pool", poolID, "err", err)
		return cached.doc, nil
	}
	return doc, err
}

// refreshMetadata fetches a MetadataURL again after a signature failure,
// in case the IdP has rotated its key. It reports false (nothing new to
// try) for a MetadataFile, or a cached document younger than
// metadataRetryAfter, or a fetch that fails.
func (s *Service) refreshMetadata(ctx context.Context, poolID string, idp *cognitoidp.IdentityProviderType) bool {
	u := idp.ProviderDetails["MetadataURL"]
	if u == "" {
		return false
	}
	key := metadataKey(poolID, idp)
	s.mu.Lock()
	cached := s.metadata[key]
	s.mu.Unlock()
	if cached != nil && s.clock.Now().Sub(cached.fetched) < metadataRetryAfter {
		return false
	}
	_, err := s.fetchMetadata(ctx, key, u)
	if err != nil {
		s.log.WarnContext(ctx, "federation: SAML metadata refresh failed", "provider", deref(idp.ProviderName), "pool", poolID, "err", err)
	}
	return err == nil
}

func (s *Service) fetchMetadata(ctx context.Context, key, u string) ([]byte, error) {
	doc, err := samlsp.FetchMetadata(ctx, s.http, u)
	if err != nil {
		return nil, err
	}
	if err := samlsp.ValidateMetadata(doc, time.Time{}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.metadata) >= maxCachedMetadata {
		s.metadata = map[string]*metadataDoc{}
	}
	s.metadata[key] = &metadataDoc{doc: doc, fetched: s.clock.Now()}
	s.mu.Unlock()
	return doc, nil
}
