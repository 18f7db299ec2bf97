package token

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"

	"github.com/cirrohq/cirro/internal/store"
)

// signingKey is an opened key. It never changes after opening except for
// retireAt, which is only read through the keySet that holds it.
type signingKey struct {
	use, kid   string
	gen        int
	public     jose.JSONWebKey
	signer     jose.Signer // safe for concurrent use
	activeFrom time.Time
	retireAt   time.Time
}

func (k *signingKey) retired(now time.Time) bool {
	return !k.retireAt.IsZero() && !now.Before(k.retireAt)
}

// keySet is one node's view of a pool's keys at one moment. Which key
// signs is decided at use time from the injected clock, so a cached set
// switches to a rotated key exactly at its ActiveFrom.
type keySet struct {
	loaded time.Time
	keys   []*signingKey
}

// signer returns the key that signs tokens of use at now: the newest
// generation already active and not retired.
func (ks *keySet) signer(use string, now time.Time) *signingKey {
	var best *signingKey
	for _, k := range ks.keys {
		if k.use == use && !k.activeFrom.After(now) && !k.retired(now) && (best == nil || k.gen > best.gen) {
			best = k
		}
	}
	return best
}

// verifier returns the published key of use with the given kid.
func (ks *keySet) verifier(use, kid string, now time.Time) *signingKey {
	for _, k := range ks.keys {
		if k.use == use && k.kid == kid && !k.retired(now) {
			return k
		}
	}
	return nil
}

// published returns the keys of the JWKS: every key not yet retired,
// including keys scheduled to sign later.
func (ks *keySet) published(now time.Time) []jose.JSONWebKey {
	out := make([]jose.JSONWebKey, 0, len(ks.keys))
	for _, k := range ks.keys {
		if !k.retired(now) {
			out = append(out, k.public)
		}
	}
	return out
}

// complete reports whether the set can sign both kinds of token at now.
func (ks *keySet) complete(now time.Time) bool {
	return ks.signer(UseID, now) != nil && ks.signer(UseAccess, now) != nil
}

// keyCache holds the key sets of the pools this node has used recently.
type keyCache struct {
	mu   sync.Mutex
	sets map[string]*keySet
	// loads collapses concurrent reloads of one pool into one read.
	loads singleflight.Group
}

// maxCachedPools bounds the cache; past it, stale sets are dropped.
const maxCachedPools = 10000

func (c *keyCache) get(poolID string) *keySet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sets[poolID]
}

func (c *keyCache) put(poolID string, ks *keySet, ttl time.Duration, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sets == nil {
		c.sets = map[string]*keySet{}
	}
	if len(c.sets) >= maxCachedPools {
		for id, old := range c.sets {
			if now.Sub(old.loaded) >= ttl {
				delete(c.sets, id)
			}
		}
	}
	c.sets[poolID] = ks
}

func (c *keyCache) forget(poolID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sets, poolID)
}

// keySet returns the pool's keys, from the cache while it is fresh.
// With create, a pool that has no usable keys gets its first ones (and an
// unknown pool is ResourceNotFoundException); without it — the
// verification path, which must not let a token's unverified iss create
// anything — a pool without keys is an empty set, never cached.
func (s *Service) keySet(ctx context.Context, poolID string, create bool) (*keySet, error) {
	now := s.clock.Now()
	if ks := s.cache.get(poolID); ks != nil && s.fresh(ks, now) && (!create || ks.complete(now)) {
		return ks, nil
	}
	v, err, _ := s.cache.loads.Do(fmt.Sprint(poolID, create), func() (any, error) {
		return s.loadKeySet(ctx, poolID, create)
	})
	if err != nil {
		return nil, err
	}
	return v.(*keySet), nil
}

func (s *Service) fresh(ks *keySet, now time.Time) bool {
	age := now.Sub(ks.loaded)
	return age >= 0 && age < s.cacheTTL
}

func (s *Service) loadKeySet(ctx context.Context, poolID string, create bool) (*keySet, error) {
	var docs []*keyDoc
	err := s.store.Read(ctx, func(tx store.Tx) error {
		var err error
		_, docs, err = listKeys(ctx, tx, poolID)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	ks, err := s.openKeySet(poolID, docs, now)
	if err != nil {
		return nil, err
	}
	if create && !ks.complete(now) {
		if docs, err = s.createFirstKeys(ctx, poolID); err != nil {
			return nil, err
		}
		if ks, err = s.openKeySet(poolID, docs, now); err != nil {
			return nil, err
		}
		if !ks.complete(now) {
			return nil, fmt.Errorf("token: pool %s has keys but none usable at %v", poolID, now)
		}
	}
	if len(ks.keys) > 0 {
		s.cache.put(poolID, ks, s.cacheTTL, now)
	}
	return ks, nil
}

// openKeySet opens the records into keys, reusing the keys the cache
// already opened (keys are immutable but for their retirement time), so
// that a reload costs no decryption or parsing for keys already known.
func (s *Service) openKeySet(poolID string, docs []*keyDoc, now time.Time) (*keySet, error) {
	known := map[string]*signingKey{}
	if old := s.cache.get(poolID); old != nil {
		for _, k := range old.keys {
			known[k.kid] = k
		}
	}
	ks := &keySet{loaded: now}
	for _, d := range docs {
		if !d.RetireAt.IsZero() && !now.Before(d.RetireAt) {
			continue // retired: not worth opening
		}
		if k := known[d.KID]; k != nil && k.use == d.Use && k.gen == d.Gen {
			cp := *k
			cp.retireAt = d.RetireAt
			ks.keys = append(ks.keys, &cp)
			continue
		}
		k, err := s.openKey(poolID, d)
		if err != nil {
			return nil, err
		}
		ks.keys = append(ks.keys, k)
	}
	sortKeys(ks.keys)
	return ks, nil
}

// JWKS returns the pool's published keys, creating its first keys if it
// has none yet; ResourceNotFoundException for an unknown pool.
func (s *Service) JWKS(ctx context.Context, poolID string) (jose.JSONWebKeySet, error) {
	if !ValidPoolID(poolID) {
		return jose.JSONWebKeySet{}, poolNotFound(poolID)
	}
	ks, err := s.keySet(ctx, poolID, true)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	return jose.JSONWebKeySet{Keys: ks.published(s.clock.Now())}, nil
}

// JWKSCacheTTL is how long a JWKS may be cached by its readers: well
// below the publish delay, so a reader that cached the JWKS just before a
// rotation still fetches the new key before it signs.
func (s *Service) JWKSCacheTTL() time.Duration { return min(s.publishDelay/4, time.Hour) }
