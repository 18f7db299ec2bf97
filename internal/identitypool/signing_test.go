package identitypool

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/secrets"
)

// Nodes on one store sign with one key, whichever of them made it; a
// node with another master key cannot open it.
func TestSigningKeySharedByNodes(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	nodes := []*Service{h.s, h.service(t), h.service(t)}
	kids := make([]string, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			set, err := n.JWKS(ctx)
			if err != nil || len(set.Keys) != 1 {
				t.Errorf("node %d: %v %v", i, set, err)
				return
			}
			kids[i] = set.Keys[0].KeyID
		}()
	}
	wg.Wait()
	if kids[0] == "" || kids[0] != kids[1] || kids[1] != kids[2] {
		t.Fatalf("kids %v", kids)
	}
	tok, err := nodes[1].mint(ctx, "us-east-1:p", "us-east-1:i", []string{"unauthenticated"}, nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := nodes[2].verifyOpenID(ctx, tok); err != nil || c.Sub != "us-east-1:i" || c.Aud != "us-east-1:p" {
		t.Fatalf("verify on another node: %+v %v", c, err)
	}

	h.keys = secrets.Random()
	if _, err := h.service(t).JWKS(ctx); err == nil || !strings.Contains(err.Error(), "open signing key") {
		t.Fatalf("foreign master key: %v", err)
	}
}

// Identity tokens verify only as they were signed, by this issuer, and
// until they expire.
func TestVerifyOpenID(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	tok, err := h.s.mint(ctx, "us-east-1:p", "us-east-1:i", []string{"authenticated", "x"}, map[string]string{"team": "blue"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.s.verifyOpenID(ctx, tok)
	if err != nil || c.Tags == nil || c.Tags.PrincipalTags["team"][0] != "blue" || c.Iss != "https://idp.example.test/identitypool" {
		t.Fatalf("claims %+v %v", c, err)
	}
	parts := strings.Split(tok, ".")
	for name, bad := range map[string]string{
		"tampered":  parts[0] + "." + parts[1] + "x." + parts[2],
		"truncated": parts[0] + "." + parts[1],
		"unsigned":  parts[0] + "." + parts[1] + ".",
	} {
		if _, err := h.s.verifyOpenID(ctx, bad); !errs.Is(err, errs.NotAuthorizedException) {
			t.Errorf("%s: %v", name, err)
		}
	}
	other := h.service(t, func(c *Config) { c.PublicURL = "https://other.example.test" })
	if _, err := other.verifyOpenID(ctx, tok); !errs.Is(err, errs.NotAuthorizedException) {
		t.Errorf("another issuer: %v", err)
	}
	h.clock.Advance(time.Minute)
	_, err = h.s.verifyOpenID(ctx, tok)
	if e, ok := errs.As(err); !ok || !strings.HasPrefix(e.Message, "Invalid login token. Token expired: ") {
		t.Fatalf("expired: %v", err)
	}
}
