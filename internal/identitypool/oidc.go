package identitypool

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
)

// discoveryTTL is how long a provider's discovery document is trusted
// before it is fetched again. Its keys are refreshed on their own when a
// token names a kid the cached set lacks.
const discoveryTTL = time.Hour

// oidcVerifier verifies ID tokens of OpenID Connect providers, found
// through their discovery documents.
type oidcVerifier struct {
	client *http.Client
	clock  clock.Clock

	mu        sync.Mutex
	verifiers map[string]*cachedVerifier
}

type cachedVerifier struct {
	v       *oidc.IDTokenVerifier
	fetched time.Time
}

func newOIDCVerifier(client *http.Client, clk clock.Clock) *oidcVerifier {
	return &oidcVerifier{client: client, clock: clk, verifiers: map[string]*cachedVerifier{}}
}

// verify checks a token of issuer for audience ("": any audience) and
// returns its claims and subject.
func (o *oidcVerifier) verify(ctx context.Context, issuer, audience, raw string) (map[string]any, string, error) {
	v, err := o.verifier(ctx, issuer, audience)
	if err != nil {
		return nil, "", err
	}
	tok, err := v.Verify(oidc.ClientContext(ctx, o.client), raw)
	if err != nil {
		return nil, "", loginError(err, o.clock.Now())
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil || tok.Subject == "" {
		return nil, "", notAuthorized("Invalid login token. Not a valid OpenId Connect identity token.")
	}
	return claims, tok.Subject, nil
}

func (o *oidcVerifier) verifier(ctx context.Context, issuer, audience string) (*oidc.IDTokenVerifier, error) {
	key := issuer + "\x00" + audience
	now := o.clock.Now()
	o.mu.Lock()
	c := o.verifiers[key]
	o.mu.Unlock()
	if c != nil && now.Sub(c.fetched) < discoveryTTL {
		return c.v, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.client), issuer)
	if err != nil {
		return nil, &errs.Error{Code: errs.ExternalServiceException, Message: "The login provider " + issuer + " could not be reached.", Cause: err}
	}
	// The key set outlives this request: it must not carry its
	// cancellation, only the HTTP client.
	v := p.VerifierContext(oidc.ClientContext(context.Background(), o.client), &oidc.Config{
		ClientID: audience, SkipClientIDCheck: audience == "", Now: o.clock.Now,
	})
	o.mu.Lock()
	o.verifiers[key] = &cachedVerifier{v: v, fetched: now}
	o.mu.Unlock()
	return v, nil
}

// loginError words a verification failure the way Cognito Identity does.
func loginError(err error, now time.Time) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return notAuthorized("Invalid login token. Token expired: %d >= %d", now.Unix(), expired.Expiry.Unix())
	case strings.Contains(msg, "issued by a different provider"):
		return notAuthorized(msgIssuerMismatch)
	case strings.Contains(msg, "expected audience"):
		return notAuthorized(msgUnsupportedProvider)
	}
	return notAuthorized("Invalid login token. Couldn't verify signed token.")
}
