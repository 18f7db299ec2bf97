package shape

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"
)

// Time is the model's timestamp type. AWS JSON 1.1 sends timestamps as
// epoch seconds with a fractional part.
type Time struct{ time.Time }

// NewTime wraps t, or returns nil for the zero time so that absent dates
// are omitted rather than sent as 1970.
func NewTime(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t}
}

func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	s := strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
	return []byte(s), nil
}

func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return errors.New("timestamp must be epoch seconds")
	}
	// Round to the millisecond that MarshalJSON wrote: converting through
	// float64 would otherwise come back a millisecond early.
	t.Time = time.UnixMilli(int64(math.Round(f * 1000))).UTC()
	return nil
}

// Document is the model's free-form JSON document type.
type Document = json.RawMessage
