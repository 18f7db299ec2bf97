package srp

import (
	"errors"
	"time"
)

// timestampLayout is the client library's "ddd MMM D HH:mm:ss UTC YYYY":
// English names, day of month without padding, zero-padded clock, UTC.
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// DefaultMaxSkew is how far a TIMESTAMP may be from the server's clock.
// The timestamp is signed but chosen by the client, so it proves little;
// replay is stopped by the single-use SECRET_BLOCK, which expires with the
// session (3 to 15 minutes). The window therefore only needs to reject the
// absurd, and a generous one spares users whose device clocks drift.
const DefaultMaxSkew = 15 * time.Minute

var (
	ErrBadTimestamp  = errors.New("srp: TIMESTAMP is not in the client library's format")
	ErrTimestampSkew = errors.New("srp: TIMESTAMP is too far from the server's clock")
)

// TimestampString formats t as the client library's getNowString does,
// e.g. "Tue Nov 3 05:07:09 UTC 2026".
func TimestampString(t time.Time) string { return t.UTC().Format(timestampLayout) }

// ParseTimestamp reads a TIMESTAMP strictly: only the exact text
// TimestampString would produce is accepted. Cognito refuses a
// zero-padded day ("Sep 05") and a weekday that does not match the date,
// which a lenient parser would let through.
func ParseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(timestampLayout, s)
	if err != nil || t.Format(timestampLayout) != s {
		return time.Time{}, ErrBadTimestamp
	}
	return t, nil
}

// CheckTimestamp parses s and checks it is within maxSkew of now, in
// either direction.
func CheckTimestamp(s string, now time.Time, maxSkew time.Duration) error {
	t, err := ParseTimestamp(s)
	if err != nil {
		return err
	}
	if d := t.Sub(now); d > maxSkew || d < -maxSkew {
		return ErrTimestampSkew
	}
	return nil
}
