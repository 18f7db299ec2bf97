package trigger

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/wire/sigv4"
)

// Router finds the invoker of a function ARN: the first configured entry
// whose ARN equals it or, when the entry has wildcards, matches it as an
// IAM-style pattern; else the default Lambda endpoint, when configured.
type Router struct {
	routes   []route
	fallback Invoker
}

type route struct {
	pattern string
	inv     Invoker
}

// NewRouter builds the routes of cfg; cfg must have passed Check.
func NewRouter(cfg config.TriggersConfig, client *http.Client, clk clock.Clock) *Router {
	r := &Router{}
	for _, f := range cfg.Functions {
		var inv Invoker
		switch {
		case f.Lambda != nil:
			inv = NewLambdaInvoker(*f.Lambda, client, clk)
		case f.Webhook != nil:
			inv = NewWebhookInvoker(*f.Webhook, client, clk)
		case f.Command != nil:
			inv = NewCommandInvoker(*f.Command)
		}
		r.Handle(f.ARN, inv)
	}
	if cfg.Lambda != nil {
		r.fallback = NewLambdaInvoker(*cfg.Lambda, client, clk)
	}
	return r
}

// Handle adds a route after the existing ones.
func (r *Router) Handle(pattern string, inv Invoker) {
	r.routes = append(r.routes, route{pattern: pattern, inv: inv})
}

// Empty reports whether the router can reach no function at all.
func (r *Router) Empty() bool { return len(r.routes) == 0 && r.fallback == nil }

// Route returns the invoker of arn, or nil.
func (r *Router) Route(arn string) Invoker {
	for _, rt := range r.routes {
		if rt.pattern == arn || (strings.ContainsAny(rt.pattern, "*?") && sigv4.Wildcard(rt.pattern, arn)) {
			return rt.inv
		}
	}
	return r.fallback
}

// unmapped is the error for an ARN no route takes. The message says how
// to fix it, since the one who sees it is usually the developer who
// configured both the pool and cirro.
func unmapped(p Point, arn string) error {
	return unexpected(p, fmt.Sprintf("cirro has no way to invoke %s: map it (or a pattern such as "+
		"arn:aws:lambda:*:*:function:*) to a webhook, a command or a Lambda endpoint under triggers.functions "+
		"in cirro's configuration, or set triggers.lambda.endpoint to invoke unmapped functions through the Lambda Invoke API", arn), nil)
}
