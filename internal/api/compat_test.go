package api_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cirrohq/cirro/internal/api"
	"github.com/cirrohq/cirro/internal/model/shape"
)

var update = flag.Bool("update", false, "rewrite docs/compatibility.md")

// TestCompatibilityDoc keeps docs/compatibility.md equal to what the code
// serves.
func TestCompatibilityDoc(t *testing.T) {
	a := &api.API{}
	got := api.CompatibilityDoc(map[string][]shape.Operation{
		"cognito-idp":      a.IdentityProvider().Operations(),
		"cognito-identity": a.Identity().Operations(),
	})
	path := filepath.Join("..", "..", "docs", "compatibility.md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Fatal("docs/compatibility.md is out of date: run go test ./internal/api -run TestCompatibilityDoc -update")
	}
}
