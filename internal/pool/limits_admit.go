package pool

import (
	"context"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/store"
)

// msgRateExceeded is what Cognito says when it throttles a request.
const msgRateExceeded = "Rate exceeded"

// Services whose operations Admit counts (their SigV4 signing names).
const (
	serviceUserPools     = "cognito-idp"
	serviceIdentityPools = "cognito-identity"
)

// Admit counts one request of an operation against its quota and answers
// TooManyRequestsException when the quota's bucket is empty. It is called
// by the edge before the request is decoded, so a throttled request does
// no work. Quotas are per node (internal/ratelimit): N nodes admit up to N
// times the rate. Each bucket holds one second of its rate, so an idle
// account can burst that many requests at once.
func (l *Limits) Admit(ctx context.Context, service, op string) error {
	if !l.enforce {
		return nil
	}
	switch service {
	case serviceUserPools:
		name := operationCategory[op]
		if name == "" {
			return nil
		}
		rate := float64(l.current(ctx, name))
		if challengeResponses[op] {
			// Challenge responses first use their own allowance of three
			// times UserAuthentication, then UserAuthentication itself.
			if l.limiter.Allow("idp:challenges", 3*rate, 3*rate) {
				return nil
			}
		}
		if !l.limiter.Allow("idp:"+name, rate, rate) {
			return errs.New(errs.TooManyRequestsException, msgRateExceeded)
		}
	case serviceIdentityPools:
		rate := float64(identityOperationRate[op])
		if rate > 0 && !l.limiter.Allow("identity:"+op, rate, rate) {
			return errs.New(errs.TooManyRequestsException, msgRateExceeded)
		}
	}
	return nil
}

// current is a category's provisioned limit as this node last read it. A
// category that cannot be adjusted is never read from the store. When the
// store cannot be read the last known value (or the default) applies:
// throttling is no reason to fail a request.
func (l *Limits) current(ctx context.Context, name string) int {
	q := quotaCategories[name]
	if !q.Adjustable {
		return q.Default
	}
	now := l.clock.Now()
	l.mu.Lock()
	c, ok := l.cached[name]
	l.mu.Unlock()
	if ok && now.Sub(c.read) < limitCacheTTL && now.Sub(c.read) >= 0 {
		return c.value
	}
	var v int
	err := l.store.Read(ctx, func(tx store.Tx) error {
		var err error
		v, err = provisioned(ctx, tx, name)
		return err
	})
	if err != nil {
		if ok {
			return c.value
		}
		return q.Default
	}
	l.remember(name, v)
	return v
}

// remember caches a provisioned limit this node read or wrote.
func (l *Limits) remember(name string, v int) {
	l.mu.Lock()
	l.cached[name] = cachedLimit{value: v, read: l.clock.Now()}
	l.mu.Unlock()
}
