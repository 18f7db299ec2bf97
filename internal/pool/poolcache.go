package pool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// maxCachedPools bounds the decoded pools kept; past it the cache starts
// over, which costs one decode per pool.
const maxCachedPools = 1024

// poolCache keeps the decoded form of pool documents. Decoding a
// UserPoolType (a large tree of optional members) was about a third of the
// server's CPU on AdminGetUser, GetUser and ListUsers in profiles, though
// a pool changes rarely.
type poolCache struct {
	mu sync.RWMutex
	m  map[string]cachedPool
}

type cachedPool struct {
	data []byte
	p    *cognitoidp.UserPoolType
}

// SharedPool is Pool for callers that only read the pool. The record is
// still read in tx, so a change committed by any node is seen at once;
// only the decoding is skipped when the stored bytes are the ones decoded
// before. The pool returned may be shared with concurrent requests: it
// must not be modified (use Pool to change a pool).
func (s *Service) SharedPool(ctx context.Context, tx store.Tx, id string) (*cognitoidp.UserPoolType, *store.Record, error) {
	rec, err := tx.Get(ctx, KindPool, id)
	if err != nil {
		return nil, nil, notFound(err, "User pool "+id+" does not exist.")
	}
	c := &s.pools
	c.mu.RLock()
	hit, ok := c.m[id]
	c.mu.RUnlock()
	if ok && bytes.Equal(hit.data, rec.Data) {
		return hit.p, rec, nil
	}
	var p cognitoidp.UserPoolType
	if err := json.Unmarshal(rec.Data, &p); err != nil {
		return nil, nil, fmt.Errorf("decode %s %s: %w", KindPool, id, err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedPools {
		c.m = map[string]cachedPool{}
	}
	c.m[id] = cachedPool{data: bytes.Clone(rec.Data), p: &p}
	c.mu.Unlock()
	return &p, rec, nil
}
