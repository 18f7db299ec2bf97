package srp

import (
	"errors"
	"testing"
	"time"
)

func TestTimestampString(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-03T05:07:09Z":      "Tue Nov 3 05:07:09 UTC 2026",
		"2026-12-25T23:59:59Z":      "Fri Dec 25 23:59:59 UTC 2026",
		"2027-01-01T00:00:00Z":      "Fri Jan 1 00:00:00 UTC 2027",
		"2026-11-03T07:07:09+02:00": "Tue Nov 3 05:07:09 UTC 2026", // rendered in UTC
		"2026-11-03T05:07:09.999Z":  "Tue Nov 3 05:07:09 UTC 2026", // seconds only
	} {
		tm, err := time.Parse(time.RFC3339Nano, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := TimestampString(tm); got != want {
			t.Errorf("TimestampString(%s) = %q, want %q", in, got, want)
		}
		back, err := ParseTimestamp(want)
		if err != nil || !back.Equal(tm.Truncate(time.Second)) {
			t.Errorf("ParseTimestamp(%q) = %v, %v", want, back, err)
		}
	}
}

func TestParseTimestampIsStrict(t *testing.T) {
	for _, s := range []string{
		"Tue Nov 03 05:07:09 UTC 2026", // zero-padded day: Cognito refuses it
		"Wed Nov 3 05:07:09 UTC 2026",  // weekday does not match the date
		"Tue Nov  3 05:07:09 UTC 2026", // space-padded day
		"Tue Nov 3 5:07:09 UTC 2026",
		"tue nov 3 05:07:09 UTC 2026",
		"Tuesday Nov 3 05:07:09 UTC 2026",
		"Tue November 3 05:07:09 UTC 2026",
		"Tue Nov 3 05:07:09 GMT 2026",
		"Tue Nov 3 05:07:09 utc 2026",
		"Tue Nov 3 05:07:09 UTC 26",
		"Tue Nov 3 05:07:09 UTC 2026 ",
		" Tue Nov 3 05:07:09 UTC 2026",
		"Mon Nov 31 05:07:09 UTC 2026",
		"Tue Nov 3 24:07:09 UTC 2026",
		"2026-11-03T05:07:09Z",
		"",
	} {
		if _, err := ParseTimestamp(s); !errors.Is(err, ErrBadTimestamp) {
			t.Errorf("ParseTimestamp(%q) = %v, want ErrBadTimestamp", s, err)
		}
	}
}

func TestCheckTimestamp(t *testing.T) {
	now := time.Date(2026, 11, 3, 5, 7, 9, 0, time.UTC)
	for d, want := range map[time.Duration]error{
		0:                             nil,
		DefaultMaxSkew:                nil,
		-DefaultMaxSkew:               nil,
		DefaultMaxSkew + time.Second:  ErrTimestampSkew,
		-DefaultMaxSkew - time.Second: ErrTimestampSkew,
		-24 * time.Hour:               ErrTimestampSkew,
	} {
		if err := CheckTimestamp(TimestampString(now.Add(d)), now, DefaultMaxSkew); !errors.Is(err, want) {
			t.Errorf("skew %v: %v, want %v", d, err, want)
		}
	}
	if err := CheckTimestamp("Tue Nov 03 05:07:09 UTC 2026", now, DefaultMaxSkew); !errors.Is(err, ErrBadTimestamp) {
		t.Errorf("padded day: %v", err)
	}
}
