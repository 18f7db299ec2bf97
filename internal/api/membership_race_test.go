package api_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// Group memberships under concurrency: adds of one user cannot pass the
// per-user limit together, and a membership added while its group or
// its user is deleted goes with them or is refused. On PostgreSQL the
// adds and the deletes run on two nodes at READ COMMITTED, where only
// the locks AdminAddUserToGroup takes (the user exclusively, the group
// shared) keep these apart.
func TestMembershipRaces(t *testing.T) { onBothStores(t, raceMemberships) }

const groupsPerUserLimit = 100 // Cognito's quota, as internal/user enforces it

func raceMemberships(t *testing.T, c *cirrotest.Server, a, b *cip.Client) {
	ctx := context.Background()
	poolID := newFamilyPool(t, a)
	add := func(cl *cip.Client, name, group string) error {
		_, err := cl.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &name, GroupName: &group})
		return err
	}
	mkGroup := func(name string) {
		if _, err := a.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: &name}); err != nil {
			t.Fatal(err)
		}
	}
	members := func(key, value string) int {
		var n int
		err := c.Internal().Store.Read(ctx, func(tx store.Tx) (err error) {
			n, err = tx.Count(ctx, store.Query{Kind: pool.KindGroupMember, Scope: poolID, KeyName: key, KeyValue: value})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		if err != nil {
			return err.Error()
		}
		return ""
	}

	// The per-user limit: 4 slots left, 8 adds at once on two nodes.
	createConfirmed(t, a, poolID, "lim", "lim@example.com")
	sub := subOf(t, a, poolID, "lim")
	for i := range groupsPerUserLimit + 4 {
		mkGroup(fmt.Sprintf("g%03d", i))
	}
	for i := range groupsPerUserLimit - 4 {
		if err := add(a, "lim", fmt.Sprintf("g%03d", i)); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = add([]*cip.Client{a, b}[i%2], "lim", fmt.Sprintf("g%03d", groupsPerUserLimit-4+i)) })
	}
	wg.Wait()
	refused := 0
	for i, err := range errs {
		switch code(err) {
		case "":
		case "LimitExceededException":
			refused++
		default:
			t.Errorf("add %d: %v", i, err)
		}
	}
	if n := members(pool.MemberKeyUser, sub); n != groupsPerUserLimit || refused != 4 {
		t.Fatalf("user in %d groups (limit %d), %d adds refused (want 4)", n, groupsPerUserLimit, refused)
	}

	// A group deleted while users join it, and a user deleted while they
	// join groups: each add lands first and goes with the deletion, or is
	// refused; nothing is left behind.
	for round := range 3 {
		group, doomed := fmt.Sprint("doomed", round), fmt.Sprint("leaver", round)
		mkGroup(group)
		createConfirmed(t, a, poolID, doomed, doomed+"@example.com")
		doomedSub := subOf(t, a, poolID, doomed)
		var joiners []string
		for i := range 8 {
			name := fmt.Sprintf("j%d-%d", round, i)
			createConfirmed(t, a, poolID, name, name+"@example.com")
			joiners = append(joiners, name)
		}
		errs := make([]error, 16)
		first := make(chan struct{})
		var once sync.Once
		for i := range 16 {
			wg.Go(func() {
				if i < 8 {
					errs[i] = add(a, joiners[i], group)
				} else {
					errs[i] = add(a, doomed, fmt.Sprintf("g%03d", i))
				}
				if errs[i] == nil {
					once.Do(func() { close(first) })
				}
			})
		}
		<-first
		var dg, du error
		var dwg sync.WaitGroup
		dwg.Go(func() { _, dg = b.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: &group}) })
		dwg.Go(func() {
			_, du = b.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: aws.String(doomed)})
		})
		dwg.Wait()
		wg.Wait()
		if dg != nil || du != nil {
			t.Fatalf("round %d: DeleteGroup %v, AdminDeleteUser %v", round, dg, du)
		}
		for i, err := range errs {
			want := "ResourceNotFoundException" // the group is gone
			if i >= 8 {
				want = "UserNotFoundException" // the user is gone
			}
			if c := code(err); c != "" && c != want {
				t.Errorf("round %d: add %d: %v, want success or %s", round, i, err, want)
			}
		}
		if g, u := members(pool.MemberKeyGroup, group), members(pool.MemberKeyUser, doomedSub); g+u != 0 {
			t.Fatalf("round %d: %d memberships outlive their deleted group, %d their deleted user", round, g, u)
		}
	}
}

// subOf is a user's sub, as AdminGetUser shows it.
func subOf(t *testing.T, idp *cip.Client, poolID, name string) string {
	t.Helper()
	out, err := idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.UserAttributes {
		if aws.ToString(a.Name) == "sub" {
			return aws.ToString(a.Value)
		}
	}
	t.Fatalf("%s has no sub", name)
	return ""
}

// A federated user's first sign-in joins the provider's group
// (<pool>_<Provider>) in the transaction that creates the user; a
// DeleteGroup of that group on the other node meanwhile must not leave
// such a membership behind (the join locks the group shared, as
// AdminAddUserToGroup does; a group deleted first is made again).
func TestFederatedJoinRacesDeleteGroup(t *testing.T) {
	onBothStores(t, func(t *testing.T, c *cirrotest.Server, a, b *cip.Client) {
		ctx := context.Background()
		users := c.Internal().API.Users
		poolID := newFamilyPool(t, a)
		var p *cognitoidp.UserPoolType
		if err := c.Internal().Store.Read(ctx, func(tx store.Tx) (err error) {
			p, _, err = users.Pools.SharedPool(ctx, tx, poolID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		group := poolID + "_Upstream"
		signIn := func(subject string) error {
			u := users.NewExternal(p, &user.External{PoolID: poolID, ProviderName: "Upstream", ProviderType: "OIDC", Subject: subject,
				Attributes: map[string]string{"email": subject + "@example.com"}})
			return users.Store.Write(ctx, func(tx store.Tx) error { return users.InsertExternal(ctx, tx, p, u) })
		}
		orphans := func() int {
			var n int
			err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
				recs, err := tx.List(ctx, store.Query{Kind: pool.KindGroupMember, Scope: poolID, KeyName: pool.MemberKeyGroup, KeyValue: group})
				if err != nil {
					return err
				}
				if _, err := tx.Get(ctx, pool.KindGroup, poolID+"/"+group); errors.Is(err, store.ErrNotFound) {
					n = len(recs)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for round := range 4 {
			if err := signIn(fmt.Sprintf("first-%d", round)); err != nil { // the group exists
				t.Fatal(err)
			}
			errs := make([]error, 12)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() { errs[i] = signIn(fmt.Sprintf("r%d-%d", round, i)) })
			}
			_, derr := b.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: &group})
			wg.Wait()
			if derr != nil {
				t.Fatalf("round %d: DeleteGroup: %v", round, derr)
			}
			for i, err := range errs {
				if err != nil {
					t.Errorf("round %d: first sign-in %d: %v", round, i, err)
				}
			}
			if n := orphans(); n != 0 {
				t.Fatalf("round %d: %d memberships outlive their deleted group", round, n)
			}
		}
	})
}
