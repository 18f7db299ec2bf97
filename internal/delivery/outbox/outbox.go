package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/store"
)

const (
	// Kind is the store record kind of outbox messages. Scope is the pool id.
	Kind = "outbox"
	// Retention is how long a message stays readable.
	Retention = 24 * time.Hour

	keyTo = "to"

	// DefaultLimit and MaxLimit bound Recent.
	DefaultLimit = 50
	MaxLimit     = 500
)

// Outbox stores messages instead of sending them.
type Outbox struct {
	store store.Store
	clock clock.Clock
}

// New returns an outbox over st, dating messages with clk.
func New(st store.Store, clk clock.Clock) *Outbox {
	return &Outbox{store: st, clock: clk}
}

// Send stores m, stamped with the current time, for Retention.
func (o *Outbox) Send(ctx context.Context, m message.Message) error {
	now := o.clock.Now()
	m.SentAt = now
	data, err := json.Marshal(m)
	if err != nil {
		return message.Failed(m.Channel, err)
	}
	rec := &store.Record{
		Kind:    Kind,
		ID:      newID(now),
		Scope:   m.PoolID,
		Data:    data,
		Expires: now.Add(Retention),
		Keys:    []store.Key{{Name: keyTo, Value: normalize(m.To)}},
	}
	if err := o.store.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, rec) }); err != nil {
		return message.Failed(m.Channel, fmt.Errorf("outbox: %w", err))
	}
	return nil
}

// Recent returns up to limit unexpired messages, newest first: of pool
// poolID ("" for every pool), to recipient to ("" for everyone).
func (o *Outbox) Recent(ctx context.Context, poolID, to string, limit int) ([]message.Message, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	q := store.Query{Kind: Kind, Scope: poolID, AnyScope: poolID == "", Limit: limit}
	if to != "" {
		q.KeyName, q.KeyValue = keyTo, normalize(to)
	}
	now := o.clock.Now()
	var recs []*store.Record
	err := o.store.Read(ctx, func(tx store.Tx) error {
		var err error
		recs, err = tx.List(ctx, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]message.Message, 0, len(recs))
	for _, rec := range recs {
		// The store keeps expired records until Sweep runs; the retention
		// rule is ours. Expiry follows the ID order (both come from the
		// send time), so expired records only ever trail the live ones.
		if !rec.Expires.After(now) {
			break
		}
		var m message.Message
		if err := json.Unmarshal(rec.Data, &m); err != nil {
			return nil, fmt.Errorf("outbox: decode %s: %w", rec.ID, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// newID orders records newest first: the store lists by ID ascending, so
// the ID starts with the time left until the end of int64 nanoseconds,
// zero-padded to a fixed width. A random suffix keeps IDs of the same
// nanosecond (or of several nodes) distinct. Digits and lowercase hex
// only, so every database collation sorts them alike.
func newID(t time.Time) string {
	var suffix [8]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		panic(err)
	}
	return fmt.Sprintf("%020d", math.MaxInt64-t.UnixNano()) + hex.EncodeToString(suffix[:])
}

// normalize makes recipient filtering case-insensitive for email
// addresses; phone numbers have no case.
func normalize(to string) string { return strings.ToLower(strings.TrimSpace(to)) }
