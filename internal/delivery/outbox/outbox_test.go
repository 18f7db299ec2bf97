package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/delivery/outbox"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func msg(pool, to, code string) message.Message {
	ch := message.ChannelEmail
	if to != "" && to[0] == '+' {
		ch = message.ChannelSMS
	}
	return message.Message{
		Kind: message.KindVerification, Channel: ch, To: to, PoolID: pool,
		Subject: "Your verification code", Body: "Your verification code is " + code + ". ",
		Username: "u-" + code, Code: code,
	}
}

func codes(ms []message.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return out
}

func TestRecentNewestFirstWithFilters(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	ob := outbox.New(openStore(t), clk)
	for _, m := range []message.Message{
		msg("pool-a", "Alice@Example.com", "100001"),
		msg("pool-a", "bob@example.com", "100002"),
		msg("pool-b", "alice@example.com", "100003"),
		msg("pool-a", "+15555550100", "100004"),
		msg("pool-a", "alice@example.com", "100005"),
	} {
		if err := ob.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	for _, tc := range []struct {
		pool, to string
		limit    int
		want     string
	}{
		{"", "", 0, "[100005 100004 100003 100002 100001]"},
		{"pool-a", "", 0, "[100005 100004 100002 100001]"},
		{"pool-a", "ALICE@example.com", 0, "[100005 100001]"},
		{"", "alice@example.com", 0, "[100005 100003 100001]"},
		{"pool-a", "+15555550100", 0, "[100004]"},
		{"pool-a", "", 2, "[100005 100004]"},
		{"pool-c", "", 0, "[]"},
		{"pool-b", "bob@example.com", 0, "[]"},
	} {
		got, err := ob.Recent(ctx, tc.pool, tc.to, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprint(codes(got)); s != tc.want {
			t.Errorf("Recent(%q, %q, %d) = %s, want %s", tc.pool, tc.to, tc.limit, s, tc.want)
		}
	}

	got, _ := ob.Recent(ctx, "pool-a", "bob@example.com", 1)
	want := msg("pool-a", "bob@example.com", "100002")
	want.SentAt = t0.Add(time.Second)
	if len(got) != 1 || !got[0].SentAt.Equal(want.SentAt) {
		t.Fatalf("got %+v", got)
	}
	got[0].SentAt = want.SentAt
	if got[0] != want {
		t.Fatalf("stored message changed:\n got %+v\nwant %+v", got[0], want)
	}
}

func TestMessagesExpireAfterADay(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	clk := clock.NewFake(t0)
	ob := outbox.New(st, clk)
	_ = ob.Send(ctx, msg("p", "old@example.com", "111111"))
	clk.Advance(23 * time.Hour)
	_ = ob.Send(ctx, msg("p", "new@example.com", "222222"))

	clk.Advance(time.Hour) // the first is now exactly 24 h old
	got, err := ob.Recent(ctx, "p", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(codes(got)) != "[222222]" {
		t.Fatalf("after 24h: %v", codes(got))
	}
	clk.Advance(time.Second)
	if n, err := st.Sweep(ctx, clk.Now()); err != nil || n != 1 {
		t.Fatalf("sweep removed %d (%v), want 1", n, err)
	}
	clk.Advance(outbox.Retention)
	if got, _ := ob.Recent(ctx, "p", "", 0); len(got) != 0 {
		t.Fatalf("after 48h: %v", codes(got))
	}
}

func TestRecentHidesExpiredBeforeSweep(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	ob := outbox.New(openStore(t), clk)
	for i := range 5 {
		_ = ob.Send(ctx, msg("p", "a@example.com", fmt.Sprint(300000+i)))
		clk.Advance(time.Minute)
	}
	clk.Advance(outbox.Retention - 3*time.Minute - time.Second) // the two oldest are expired
	got, err := ob.Recent(ctx, "p", "", 2)
	if err != nil || fmt.Sprint(codes(got)) != "[300004 300003]" {
		t.Fatalf("%v %v", codes(got), err)
	}
	got, _ = ob.Recent(ctx, "p", "", 10)
	if fmt.Sprint(codes(got)) != "[300004 300003 300002]" {
		t.Fatalf("%v", codes(got))
	}
}

func TestSharedAcrossNodesAndConcurrent(t *testing.T) {
	// Two nodes on one database: each sees what the other sent.
	ctx := context.Background()
	st := openStore(t)
	clk := clock.NewFake(t0)
	nodeA, nodeB := outbox.New(st, clk), outbox.New(st, clk)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := nodeA
			if i%2 == 1 {
				node = nodeB
			}
			if err := node.Send(ctx, msg("p", "same@example.com", fmt.Sprint(400000+i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := nodeB.Recent(ctx, "p", "same@example.com", outbox.MaxLimit)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range got {
		seen[m.Code] = true
	}
	if len(got) != 40 || len(seen) != 40 {
		t.Fatalf("%d messages, %d distinct (same nanosecond must not collide)", len(got), len(seen))
	}
}

func TestDeletingThePoolDeletesItsMessages(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	ob := outbox.New(st, clock.NewFake(t0))
	_ = ob.Send(ctx, msg("p", "a@example.com", "500000"))
	_ = ob.Send(ctx, msg("q", "a@example.com", "500001"))
	if err := st.Write(ctx, func(tx store.Tx) error { _, err := tx.DeleteScope(ctx, "p"); return err }); err != nil {
		t.Fatal(err)
	}
	got, _ := ob.Recent(ctx, "", "", 0)
	if fmt.Sprint(codes(got)) != "[500001]" {
		t.Fatalf("%v", codes(got))
	}
}
