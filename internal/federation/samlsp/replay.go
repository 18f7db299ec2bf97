package samlsp

import (
	"context"
	"sync"
	"time"
)

// MemoryReplayCache is an in-process ReplayCache for tests and single-node
// use. Expired entries are swept on Claim using the given clock.
type MemoryReplayCache struct {
	now func() time.Time
	mu  sync.Mutex
	ids map[string]time.Time
}

// NewMemoryReplayCache returns an empty cache reading time from now.
func NewMemoryReplayCache(now func() time.Time) *MemoryReplayCache {
	return &MemoryReplayCache{now: now, ids: map[string]time.Time{}}
}

// Claim implements ReplayCache.
func (c *MemoryReplayCache) Claim(_ context.Context, id string, until time.Time) (bool, error) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, exp := range c.ids {
		if !exp.After(now) {
			delete(c.ids, k)
		}
	}
	if _, seen := c.ids[id]; seen {
		return false, nil
	}
	c.ids[id] = until
	return true, nil
}
