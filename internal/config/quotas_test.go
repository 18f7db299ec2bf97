package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestQuotasOffByDefaultAndLoaded(t *testing.T) {
	c := Default()
	if c.Quotas.Enforce {
		t.Fatal("quotas enforced by default")
	}
	path := filepath.Join(t.TempDir(), "cirro.yaml")
	if err := os.WriteFile(path, []byte("quotas: {enforce: true, max: {UserAuthentication: 500}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.LoadFile(path); err != nil || !c.Quotas.Enforce || c.Quotas.Max["UserAuthentication"] != 500 {
		t.Fatalf("quotas: %v %+v", err, c.Quotas)
	}
}
