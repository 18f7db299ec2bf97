package user

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// BenchmarkListUsers measures ListUsers filters on pools of 1,000 and
// 100,000 users, bulk-loaded through the store, on a SQLite file. Every
// filter is an index range, so the time per call should hardly depend on
// the pool's size:
//
//	go test ./internal/user -run '^$' -bench ListUsers -benchtime 2000x
func BenchmarkListUsers(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		h, p := benchPool(b, n)
		for _, bc := range []struct {
			name   string
			filter func(i int) string
		}{
			{"email-exact", func(i int) string { return fmt.Sprintf(`email = "user%06d@example.com"`, i%n) }},
			{"given_name-prefix", func(int) string { return `given_name ^= "Al"` }},
			{"status", func(int) string { return `cognito:user_status = "CONFIRMED"` }},
			{"none", func(int) string { return "" }},
		} {
			b.Run(fmt.Sprintf("users=%d/%s", n, bc.name), func(b *testing.B) {
				in := &cognitoidp.ListUsersRequest{UserPoolId: p.Id, Limit: ptr(int32(60))}
				for i := 0; b.Loop(); i++ {
					in.Filter = ptr(bc.filter(rand.N(n)))
					out, err := h.svc.ListUsers(h.ctx, in)
					if err != nil || len(out.Users) == 0 {
						b.Fatalf("%d users, %v", len(out.Users), err)
					}
				}
			})
		}
	}
}

var benchNames = []string{"Alice", "Alan", "Albert", "Bob", "Carla", "Dmitri", "Eve", "Fatima", "Gus", "Hana"}

// benchPool is a pool of n users on a SQLite file, inserted directly,
// 1,000 per transaction.
func benchPool(b *testing.B, n int) (*harness, *cognitoidp.UserPoolType) {
	b.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	h := newHarnessOn(b, st)
	p := h.newPool(func(in *cognitoidp.CreateUserPoolRequest) {
		in.AliasAttributes = []string{"email"}
	})
	now := h.clock.Now()
	for start := 0; start < n; start += 1000 {
		err := st.Write(h.ctx, func(tx store.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				u := &User{
					Sub: ids.Sub(), PoolID: *p.Id, Username: fmt.Sprintf("user%06d", i), Status: StatusConfirmed, Enabled: true,
					Created: now, Modified: now,
					Attributes: map[string]string{
						"email": fmt.Sprintf("user%06d@example.com", i), "email_verified": "true",
						"given_name": benchNames[i%len(benchNames)], "family_name": fmt.Sprintf("Family%d", i%997),
					},
				}
				if err := h.svc.Insert(h.ctx, tx, p, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return h, p
}
