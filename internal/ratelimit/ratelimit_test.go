package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
)

func TestBurstThenRefill(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := New(clk)
	for i := range 10 {
		if !l.Allow("a", 10, 10) {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if l.Allow("a", 10, 10) {
		t.Fatal("11th request in the same instant admitted")
	}
	if !l.Allow("b", 10, 10) {
		t.Fatal("another key shares the bucket")
	}
	clk.Advance(100 * time.Millisecond) // one token at 10/s
	if !l.Allow("a", 10, 10) {
		t.Fatal("refilled token refused")
	}
	if l.Allow("a", 10, 10) {
		t.Fatal("more than one token after 100ms at 10/s")
	}
	clk.Advance(time.Hour)
	n := 0
	for l.Allow("a", 10, 10) {
		n++
	}
	if n != 10 {
		t.Fatalf("after an idle hour the burst is %d, want 10 (capped)", n)
	}
}

func TestChangedLimitAppliesAtOnce(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := New(clk)
	l.Allow("a", 100, 100) // 99 left
	n := 0
	for l.Allow("a", 5, 5) {
		n++
	}
	if n != 5 {
		t.Fatalf("lowered burst admitted %d, want 5", n)
	}
	clk.Advance(-time.Minute)
	if l.Allow("a", 5, 5) {
		t.Fatal("a clock set backwards refilled the bucket")
	}
	if l.Allow("z", 0, 5) || l.Allow("z", 5, 0) {
		t.Fatal("a zero rate or burst admitted a request")
	}
}

func TestConcurrentTakesNeverExceedBurst(t *testing.T) {
	l := New(clock.NewFake(time.Unix(1_700_000_000, 0)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if l.Allow("a", 50, 50) {
					mu.Lock()
					admitted++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if admitted != 50 {
		t.Fatalf("admitted %d, want exactly the burst of 50", admitted)
	}
}

// Buckets of an open set of keys do not pile up: once sweepAt are held,
// the ones that have refilled are dropped, and a dropped key starts full
// again, as it would have been; a key still short of tokens is kept.
func TestRefilledBucketsAreForgotten(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := New(clk)
	for range 3 {
		l.Allow("busy", 1.0/60, 3) // drained: refills one a minute
	}
	for i := range sweepAt * 3 {
		l.Allow(fmt.Sprint("user-", i), 1, 5)
		if i%sweepAt == 0 {
			clk.Advance(10 * time.Second) // the others refill in 1 s
		}
	}
	if n := l.Len(); n > sweepAt {
		t.Fatalf("%d buckets held, want at most %d", n, sweepAt)
	}
	if l.Allow("busy", 1.0/60, 3) && l.Allow("busy", 1.0/60, 3) {
		t.Fatal("the drained bucket was forgotten: it admits a full burst again")
	}
}
