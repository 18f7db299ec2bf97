package auth

import (
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/user"
)

// The rule on its own: five free failures, then 1 s doubling to the
// 15-minute cap, failures during a lockout ignored, reset after fifteen
// quiet minutes.
func TestLockoutRule(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var l user.Lockout
	for i := 1; i <= 4; i++ {
		l = failLockout(l, now)
		if l.Failures != i || locked(l, now) {
			t.Fatalf("failure %d: %+v", i, l)
		}
		now = now.Add(time.Millisecond)
	}
	want := time.Second
	for i := 5; i <= 15; i++ { // 1 s, 2 s … 512 s, then the 900 s cap
		l = failLockout(l, now)
		if got := l.LockedUntil.Sub(now); got != want {
			t.Fatalf("failure %d locks for %v, want %v", i, got, want)
		}
		// A failure during the lockout changes nothing.
		if during := failLockout(l, now.Add(want/2)); during != l {
			t.Fatalf("failure during a lockout counted: %+v → %+v", l, during)
		}
		now = l.LockedUntil
		want = min(2*want, maxLockout)
	}
	if l.Failures != 15 || want != maxLockout {
		t.Fatalf("failures %d", l.Failures)
	}
	// At the cap the lock ends with the quiet period: the count restarts.
	if got := lockoutAt(l, now); got != (user.Lockout{}) {
		t.Fatalf("after a full lock and the quiet period: %+v", got)
	}
	l = failLockout(user.Lockout{}, now)
	l = failLockout(l, now.Add(14*time.Minute))
	if l.Failures != 2 {
		t.Fatalf("fourteen minutes are not quiet enough: %+v", l)
	}
	if got := lockoutAt(l, now.Add(29*time.Minute)); got != (user.Lockout{}) {
		t.Fatalf("fifteen quiet minutes after the last failure: %+v", got)
	}
	g := Guard{}
	u := &user.User{Lockout: l}
	g.Succeeded(u)
	if u.Lockout != (user.Lockout{}) || g.Locked(u, now) {
		t.Fatalf("success: %+v", u.Lockout)
	}
}
