package federation

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Every request to an upstream provider (SAML metadata, OIDC discovery,
// JWKS, token and userInfo endpoints) goes through one client whose
// addresses are those a pool administrator may point cirro at. The URLs
// come from ProviderDetails, so without a limit anyone who may create a
// provider could make cirro read its own network (SSRF). The check is
// made on the address being dialled, after DNS resolution, so a name
// that resolves to a public address when checked and a private one when
// used (DNS rebinding) gains nothing; and no proxy from the environment
// is used, since the dial would then be to the proxy.

const (
	upstreamTimeout       = 10 * time.Second
	upstreamDialTimeout   = 5 * time.Second
	upstreamMaxRedirects  = 5
	upstreamMaxHeaderSize = 64 << 10
	// upstreamMaxBody bounds every upstream answer at the transport, for
	// the readers cirro does not control (go-oidc's JWKS fetch).
	upstreamMaxBody = 2 << 20
)

// ErrPrivateAddress is a connection refused because the upstream's
// address is loopback, private, link-local or otherwise not public.
var ErrPrivateAddress = errors.New("federation: the identity provider's address is not public")

// newUpstreamClient is the client for upstream providers; allowPrivate
// lifts the address check (development, tests, private deployments).
func newUpstreamClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: upstreamDialTimeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    upstreamDialTimeout,
		ResponseHeaderTimeout:  upstreamTimeout,
		MaxResponseHeaderBytes: upstreamMaxHeaderSize,
		MaxIdleConns:           32,
		IdleConnTimeout:        90 * time.Second,
	}
	return &http.Client{
		Timeout:   upstreamTimeout,
		Transport: limitBodies{tr},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= upstreamMaxRedirects {
				return errors.New("federation: too many redirects")
			}
			if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
				return errors.New("federation: redirect to a non-http URL")
			}
			return nil
		},
	}
}

// refusePrivate is the dialer's Control: it sees the resolved address.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
	}
	if !publicAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

// nonPublic are ranges netip's predicates do not name: "this network",
// carrier-grade NAT, IETF protocol assignments, benchmarking, the
// documentation ranges, reserved, and NAT64 (whose embedded IPv4 address
// could be anything).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// publicAddr reports whether a may be dialled for an upstream provider.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// limitBodies cuts every response body at upstreamMaxBody: reading past
// it is an error, not a silent truncation that would parse as something
// else.
type limitBodies struct{ rt http.RoundTripper }

func (l limitBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > upstreamMaxBody {
		resp.Body.Close()
		return nil, errTooLarge
	}
	resp.Body = &limitedBody{rc: resp.Body, left: upstreamMaxBody}
	return resp, nil
}

var errTooLarge = errors.New("federation: the identity provider's answer is too large")

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
