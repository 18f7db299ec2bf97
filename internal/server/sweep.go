package server

import (
	"context"
	"time"
)

// sweep deletes expired records (codes, sessions, outbox messages) every
// interval. Expiry rules themselves are the domain's; this only reclaims
// space. On several nodes every node sweeps, which is harmless.
func (s *Server) sweep(ctx context.Context, every time.Duration) {
	if s.Store == nil || s.clock == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			n, err := s.Store.Sweep(sctx, s.clock.Now())
			cancel()
			switch {
			case err != nil && ctx.Err() == nil:
				s.Log.Warn("sweep of expired records failed", "error", err)
			case n > 0:
				s.Log.Debug("swept expired records", "count", n)
			}
		}
	}
}
