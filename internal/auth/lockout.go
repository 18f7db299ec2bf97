package auth

import (
	"time"

	"github.com/cirrohq/cirro/internal/user"
)

// Cognito's lockout (developer guide, "User pool sign-in", lockout
// behavior for failed sign-in attempts): "After five failed unauthenticated
// or IAM-authenticated sign-in attempts with a password, Amazon Cognito
// locks out your user for one second. The lockout duration then doubles
// after each additional one failed attempt, up to a maximum of
// approximately 15 minutes. Attempts made during a lockout period are
// ignored [...]. Waiting approximately 15 minutes without any attempts also
// resets the lockout."
const (
	freeFailures = 5
	firstLockout = time.Second
	maxLockout   = 15 * time.Minute
	quietReset   = 15 * time.Minute
)

// lockoutAt is l as it stands at now: forgotten once the user has been
// quiet (no counted failure, no lockout running) for quietReset.
func lockoutAt(l user.Lockout, now time.Time) user.Lockout {
	if !l.LastFailure.IsZero() && !now.Before(l.LastFailure.Add(quietReset)) && !locked(l, now) {
		return user.Lockout{}
	}
	return l
}

// locked reports whether a lockout is running at now.
func locked(l user.Lockout, now time.Time) bool { return now.Before(l.LockedUntil) }

// failLockout counts a failed password at now. A failure during a running
// lockout is ignored, so hammering a locked account never extends it.
func failLockout(l user.Lockout, now time.Time) user.Lockout {
	l = lockoutAt(l, now)
	if locked(l, now) {
		return l
	}
	l.Failures++
	l.LastFailure = now
	if n := l.Failures - freeFailures; n >= 0 {
		d := maxLockout
		if n < 20 { // 2^20 s is far past the cap; no shift overflows
			d = min(firstLockout<<n, maxLockout)
		}
		l.LockedUntil = now.Add(d)
	}
	return l
}

// Guard is the lockout as a user.PasswordGuard, for the other operations
// that check a password against the same counter (ChangePassword): a
// stolen access token must not be a way around the sign-in lockout.
type Guard struct{}

var _ user.PasswordGuard = Guard{}

// Locked reports whether u may not try a password at now.
func (Guard) Locked(u *user.User, now time.Time) bool { return locked(lockoutAt(u.Lockout, now), now) }

// Failed counts a wrong password at now.
func (Guard) Failed(u *user.User, now time.Time) { u.Lockout = failLockout(u.Lockout, now) }

// Succeeded clears the counter.
func (Guard) Succeeded(u *user.User) { u.Lockout = user.Lockout{} }
