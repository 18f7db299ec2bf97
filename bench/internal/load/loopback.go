package load

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"
)

// CheckLoopback accepts only http(s) URLs whose host is a loopback
// address (127.0.0.0/8, ::1) or "localhost". A load test aimed anywhere
// else is a mistake at best and an attack at worst.
func CheckLoopback(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("endpoint %q: want an http:// or https:// URL", endpoint)
	}
	if !loopbackHost(u.Hostname()) {
		return fmt.Errorf("endpoint %q: refusing a non-loopback target; load goes only to 127.0.0.0/8, ::1 or localhost", endpoint)
	}
	return nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackDialer connects only to loopback IPs. It checks the address it
// is about to dial, after name resolution, so that a name that resolves
// elsewhere (an edited /etc/hosts, say) cannot carry load off the machine.
func loopbackDialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			if !ip.IP.IsLoopback() {
				return nil, fmt.Errorf("load: %s resolves to %s, not a loopback address; refusing to connect", host, ip.IP)
			}
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("load: %s does not resolve", host)
		}
		return d.DialContext(ctx, network, net.JoinHostPort(ips[0].IP.String(), port))
	}
}
