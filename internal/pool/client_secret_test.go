package pool

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/secrets"
)

func TestClientSecretSealing(t *testing.T) {
	s := &Service{Keys: secrets.Random()}
	value := newClientSecretValue()
	if !regexp.MustCompile(`^[a-z0-9]{51}$`).MatchString(value) {
		t.Fatalf("generated secret %q does not look like Cognito's", value)
	}
	if newClientSecretValue() == value {
		t.Fatal("two generated secrets are equal")
	}
	at := time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)
	cs := s.sealClientSecret("client1", value, at, nil)
	if cs.ID != "client1--1743508800000" {
		t.Errorf("secret id %q", cs.ID)
	}
	if bytes.Contains(cs.Sealed, []byte(value)) {
		t.Fatal("sealed secret holds the plain text")
	}
	got, err := s.openClientSecret("client1", cs)
	if err != nil || got != value {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := s.openClientSecret("client2", cs); err == nil {
		t.Fatal("a secret sealed for one client opened for another")
	}
	again := s.sealClientSecret("client1", value, at, []clientSecret{cs})
	if again.ID == cs.ID {
		t.Fatalf("two secrets made in the same millisecond share the id %q", cs.ID)
	}
}
