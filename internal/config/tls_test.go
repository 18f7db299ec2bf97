package config

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDevCertificateCoversPrefixDomains(t *testing.T) {
	c := Default()
	c.TLS.Dev = true
	if err := c.PrepareTLS(); err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://"+c.Addr {
		t.Errorf("public URL %q", c.PublicURL)
	}
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	conf, fp, err := c.ServerTLS(now)
	if err != nil {
		t.Fatal(err)
	}
	if conf == nil || len(fp) != 64 {
		t.Fatalf("no TLS configuration (%q)", fp)
	}
	leaf := conf.Certificates[0].Leaf
	for _, h := range []string{"localhost", "acme.auth.us-east-1.localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if err := leaf.VerifyHostname("acme.auth.eu-west-1.localhost"); err == nil {
		t.Error("covers another region's domains")
	}
	if !leaf.NotBefore.Before(now) || !leaf.NotAfter.After(now.Add(30*24*time.Hour)) {
		t.Errorf("validity %v – %v", leaf.NotBefore, leaf.NotAfter)
	}
}

func TestTLSFromFiles(t *testing.T) {
	cert, err := DevCertificate([]string{"cirro.test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600)

	c := Default()
	c.PublicURL = "https://cirro.test"
	c.TLS = TLSConfig{CertFile: certFile, KeyFile: keyFile}
	if err := c.PrepareTLS(); err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://cirro.test" {
		t.Errorf("an explicit public URL was replaced: %q", c.PublicURL)
	}
	conf, _, err := c.ServerTLS(time.Now())
	if err != nil || conf == nil {
		t.Fatalf("%v %v", conf, err)
	}
	c.TLS.KeyFile = filepath.Join(dir, "missing.pem")
	if _, _, err := c.ServerTLS(time.Now()); err == nil {
		t.Error("a missing key file was accepted")
	}
}

func TestTLSChecks(t *testing.T) {
	for _, tc := range []TLSConfig{
		{CertFile: "c.pem"},
		{KeyFile: "k.pem"},
		{Dev: true, CertFile: "c.pem", KeyFile: "k.pem"},
	} {
		c := Default()
		c.TLS = tc
		if err := c.PrepareTLS(); err == nil {
			t.Errorf("%+v accepted", tc)
		}
	}
	c := Default()
	if conf, _, err := c.ServerTLS(time.Now()); conf != nil || err != nil {
		t.Errorf("TLS off: %v %v", conf, err)
	}
	if err := c.PrepareTLS(); err != nil || c.PublicURL != "" {
		t.Errorf("TLS off changed the public URL: %q %v", c.PublicURL, err)
	}
}
