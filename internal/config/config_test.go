package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNonLoopbackWithoutKeysRefused(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:9339", ":9339", "10.1.2.3:9339", "[::]:9339"} {
		c := Default()
		c.Addr = addr
		if err := c.Check(); err == nil || !strings.Contains(err.Error(), "without access keys") {
			t.Errorf("%s: want refusal, got %v", addr, err)
		}
		c.Insecure = true
		if err := c.Check(); err != nil {
			t.Errorf("%s with --insecure: %v", addr, err)
		}
	}
	c := Default()
	c.Addr = "0.0.0.0:9339"
	c.AccessKeys = []AccessKey{{ID: "AKIDEXAMPLE", Secret: "0123456789abcdef0123"}}
	if err := c.Check(); err != nil || c.DevMode() {
		t.Fatalf("keys configured: %v dev=%v", err, c.DevMode())
	}
}

func TestLoopbackWithoutKeysIsDevMode(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:9339", "localhost:1", "[::1]:9339", "127.0.0.5:80"} {
		c := Default()
		c.Addr = addr
		if err := c.Check(); err != nil || !c.DevMode() {
			t.Errorf("%s: err=%v dev=%v", addr, err, c.DevMode())
		}
	}
}

func TestFileUnknownKeyRejected(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("addr: 127.0.0.1:1\nregoin: x\n"), 0o600)
	c := Default()
	if err := c.LoadFile(p); err == nil {
		t.Fatal("misspelt key accepted")
	}
	os.WriteFile(p, []byte("addr: 127.0.0.1:1\naccess_keys:\n  - id: AKID\n    secret: 0123456789abcdefgh\n    actions: [\"cognito-idp:Admin*\"]\n"), 0o600)
	c = Default()
	if err := c.LoadFile(p); err != nil || c.AccessKeys[0].Actions[0] != "cognito-idp:Admin*" {
		t.Fatalf("load: %v %+v", err, c)
	}
}

// TestPrivateUpstreams: upstream providers on private addresses are
// allowed in development mode or by federation.allow_private_upstreams.
func TestPrivateUpstreams(t *testing.T) {
	c := Default()
	if !c.AllowPrivateUpstreams() {
		t.Error("development mode should allow private upstreams")
	}
	c.AccessKeys = []AccessKey{{ID: "AKIDEXAMPLE", Secret: "0123456789abcdef0123"}}
	if c.AllowPrivateUpstreams() {
		t.Error("with access keys, private upstreams should be refused by default")
	}
	path := filepath.Join(t.TempDir(), "cirro.yaml")
	if err := os.WriteFile(path, []byte("federation:\n  allow_private_upstreams: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.LoadFile(path); err != nil || !c.AllowPrivateUpstreams() {
		t.Errorf("federation.allow_private_upstreams: %v %v", err, c.AllowPrivateUpstreams())
	}
}
