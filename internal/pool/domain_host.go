package pool

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// PoolForHost maps the Host of an incoming request to the pool whose
// domain it names: <prefix>.auth.<region>.<BaseDomain> for a prefix
// domain, or a custom domain's own host name. The hosted UI and OAuth
// endpoints use it to tell pools apart. An unknown host is
// ResourceNotFoundException.
func (s *Service) PoolForHost(ctx context.Context, host string) (string, error) {
	host = normalizeHost(host)
	domain, wantCustom := host, true
	if prefix, ok := strings.CutSuffix(host, s.PrefixHost("")); ok && prefix != "" && !strings.Contains(prefix, ".") {
		domain, wantCustom = prefix, false
	}
	var d cognitoidp.DomainDescriptionType
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		_, err := getJSON(ctx, tx, KindDomain, domain, &d)
		return err
	})
	// A prefix must not be reachable as a custom host, nor the reverse:
	// "my-app" names a prefix domain, never a host called "my-app".
	if errors.Is(err, store.ErrNotFound) || err == nil && isCustom(&d) != wantCustom {
		return "", errs.Newf(errs.ResourceNotFoundException, "No user pool domain is configured for %s.", host)
	}
	if err != nil {
		return "", err
	}
	return *d.UserPoolId, nil
}

// normalizeHost lower-cases a Host header value and drops its port and any
// trailing dot of a fully-qualified name.
func normalizeHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// hostOf returns the host name of an absolute URL, without its port.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
