package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// TLSConfig serves cirro over HTTPS: with a given certificate and key, or
// with a development certificate generated at start. The hosted UI's
// session cookies are Secure only under TLS.
type TLSConfig struct {
	// CertFile and KeyFile are PEM files (the certificate file may hold
	// the chain).
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// Dev generates a self-signed certificate for this machine's names:
	// localhost, *.localhost names of prefix domains in the region,
	// 127.0.0.1, ::1 and the listen address. Browsers warn about it until
	// it is trusted; it is for development only.
	Dev bool `yaml:"dev"`
}

// Enabled reports whether cirro serves HTTPS.
func (t TLSConfig) Enabled() bool { return t.Dev || t.CertFile != "" || t.KeyFile != "" }

// Check reports a half-given or contradictory TLS configuration.
func (t TLSConfig) Check() error {
	switch {
	case t.Dev && (t.CertFile != "" || t.KeyFile != ""):
		return errors.New("tls: dev generates its own certificate; do not give cert_file or key_file with it")
	case (t.CertFile == "") != (t.KeyFile == ""):
		return errors.New("tls: cert_file and key_file go together")
	}
	return nil
}

// PrepareTLS checks the TLS settings and makes the default public URL
// https. It runs before Check, which fills in an http:// default.
func (c *Config) PrepareTLS() error {
	if err := c.TLS.Check(); err != nil {
		return err
	}
	if c.TLS.Enabled() && c.PublicURL == "" {
		c.PublicURL = "https://" + c.Addr
	}
	return nil
}

// ServerTLS is the tls.Config to serve with, nil when TLS is off. fp is
// the SHA-256 fingerprint of the certificate, for the log.
func (c *Config) ServerTLS(now time.Time) (conf *tls.Config, fp string, err error) {
	var cert tls.Certificate
	switch {
	case !c.TLS.Enabled():
		return nil, "", nil
	case c.TLS.Dev:
		cert, err = DevCertificate(c.devHosts(), now)
	default:
		cert, err = tls.LoadX509KeyPair(c.TLS.CertFile, c.TLS.KeyFile)
	}
	if err != nil {
		return nil, "", fmt.Errorf("tls: %w", err)
	}
	sum := sha256.Sum256(cert.Certificate[0])
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, hex.EncodeToString(sum[:]), nil
}

// devHosts are the names a development certificate covers. Wildcards
// cover one label only, so prefix domains need the region's own.
func (c *Config) devHosts() []string {
	hosts := []string{"localhost", "*.localhost", "*.auth." + c.Region + ".localhost", "127.0.0.1", "::1"}
	if h, _, err := net.SplitHostPort(c.Addr); err == nil && h != "" && h != "localhost" && h != "127.0.0.1" && h != "::1" {
		hosts = append(hosts, h)
	}
	return hosts
}

// DevCertificate makes a self-signed ECDSA P-256 certificate for hosts
// (DNS names or IP addresses), valid from an hour before now for 90 days.
func DevCertificate(hosts []string, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "cirro development certificate", Organization: []string{"cirro (development)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(90 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
