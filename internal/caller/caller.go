// Package caller carries who is calling, and from where, from the edges to
// the domain without the domain importing net/http: the client's address
// and user agent end up in auth events, the IAM principal in audit logs.
package caller

import "context"

// Caller describes the origin of one request.
type Caller struct {
	RequestID string
	IP        string
	UserAgent string
	// Principal names the IAM key that signed the request ("" if unsigned).
	Principal string
}

type key struct{}

// With returns ctx carrying c.
func With(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, key{}, c)
}

// From returns the caller of ctx, or an empty one.
func From(ctx context.Context) *Caller {
	if c, ok := ctx.Value(key{}).(*Caller); ok {
		return c
	}
	return &Caller{}
}
