package pool

import (
	"context"
	"testing"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// TestSharedPool: the decoded pool is reused while the stored document is
// unchanged, and a change is seen at once.
func TestSharedPool(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := &Service{Store: st, Clock: clock.Real{}, Keys: secrets.Random(), Region: "us-east-1", AccountID: "000000000000", PublicURL: "http://127.0.0.1"}
	out, err := s.CreateUserPool(ctx, &cognitoidp.CreateUserPoolRequest{PoolName: ptr("cached")})
	if err != nil {
		t.Fatal(err)
	}
	id := *out.UserPool.Id
	read := func() *cognitoidp.UserPoolType {
		t.Helper()
		var p *cognitoidp.UserPoolType
		if err := st.Read(ctx, func(tx store.Tx) (err error) {
			p, _, err = s.SharedPool(ctx, tx, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := read()
	if read() != first {
		t.Fatal("an unchanged pool was decoded again")
	}
	if _, err := s.UpdateUserPool(ctx, &cognitoidp.UpdateUserPoolRequest{UserPoolId: &id, UserPoolTags: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if p := read(); p == first || p.UserPoolTags["k"] != "v" {
		t.Fatalf("the update is not seen: tags %v", p.UserPoolTags)
	}
	if err := st.Read(ctx, func(tx store.Tx) error {
		_, _, err := s.SharedPool(ctx, tx, "us-east-1_missing")
		return err
	}); err == nil {
		t.Fatal("a missing pool was found")
	}
}
