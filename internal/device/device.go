package device

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// Kind is the store kind of devices.
const Kind = "device"

// keyUser is the (non-unique) secondary key holding the owner's sub.
const keyUser = "user"

// Purposes of the keys derived from the master key.
const (
	verifierPurpose = "device-verifier"
	groupPurpose    = "device-group-key"
)

// device is a confirmed device.
type device struct {
	Key    string `json:"key"`
	PoolID string `json:"pool"`
	Sub    string `json:"sub"`
	// Username is the owner's, for dev:device_owner and the device ARN
	// (a username never changes).
	Username string `json:"username"`
	// GroupKey is the device group key the verifier was derived with.
	GroupKey string `json:"group_key"`
	Salt     []byte `json:"salt"`
	// Verifier is sealed (verifierPurpose, bound to pool and key).
	Verifier   []byte    `json:"verifier"`
	Name       string    `json:"name,omitempty"`
	Remembered bool      `json:"remembered"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
	LastAuth   time.Time `json:"last_authenticated,omitzero"`
	LastIP     string    `json:"last_ip,omitempty"`
}

// newKey is a fresh device key of a pool: "<region>_<uuid>", the region
// being the pool's (the part of its id before "_").
func newKey(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return region + "_" + uuid.NewString()
}

// groupKey is a user's device group key, "-" and eight letters and digits
// as Cognito's ("-wt2ha1Zd"). It identifies, it does not protect: it is
// derived, not stored, so it needs no record per user.
func (s *Service) groupKey(poolID, sub string) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	mac := s.Keys.MAC(groupPurpose, []byte(poolID+"\x00"+sub))
	b := []byte{'-'}
	for _, c := range mac[:8] {
		b = append(b, alnum[int(c)%len(alnum)])
	}
	return string(b)
}

// get reads the device key of the user sub of a pool.
func get(ctx context.Context, tx store.Tx, poolID, sub, key string) (*device, *store.Record, error) {
	rec, err := tx.Get(ctx, Kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := decode(rec)
	if err != nil {
		return nil, nil, err
	}
	if d.PoolID != poolID || d.Sub != sub {
		return nil, nil, errNotFound
	}
	return d, rec, nil
}

// put writes d: a new record when rec is nil, else an update of rec.
func put(ctx context.Context, tx store.Tx, d *device, rec *store.Record) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("device: encode %s: %w", d.Key, err)
	}
	if rec == nil {
		return tx.Insert(ctx, &store.Record{Kind: Kind, ID: d.Key, Scope: d.PoolID, Data: data, Keys: keys(d)})
	}
	rec.Data, rec.Keys = data, keys(d)
	return tx.Update(ctx, rec)
}

func keys(d *device) []store.Key { return []store.Key{{Name: keyUser, Value: d.Sub}} }

func decode(rec *store.Record) (*device, error) {
	var d device
	if err := json.Unmarshal(rec.Data, &d); err != nil {
		return nil, fmt.Errorf("device: decode %s: %w", rec.ID, err)
	}
	return &d, nil
}

// page lists the devices of user sub that keep accepts, by key, after the
// key after: at most limit, and whether more follow.
func page(ctx context.Context, tx store.Tx, poolID, sub, after string, limit int, keep func(*device) bool) ([]*device, bool, error) {
	var out []*device
	for {
		recs, err := tx.List(ctx, store.Query{Kind: Kind, Scope: poolID, KeyName: keyUser, KeyValue: sub, After: after, Limit: limit + 1})
		if err != nil {
			return nil, false, err
		}
		for _, rec := range recs {
			d, err := decode(rec)
			if err != nil {
				return nil, false, err
			}
			if keep(d) {
				if len(out) == limit {
					return out, true, nil
				}
				out = append(out, d)
			}
			after = rec.ID
		}
		if len(recs) <= limit {
			return out, false, nil
		}
	}
}

// DeleteUserDevices deletes every device of a user, in the transaction
// that deletes the user (user.Service.OnDelete).
func (s *Service) DeleteUserDevices(ctx context.Context, tx store.Tx, poolID, sub string) error {
	recs, err := tx.List(ctx, store.Query{Kind: Kind, Scope: poolID, KeyName: keyUser, KeyValue: sub})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := tx.Delete(ctx, Kind, rec.ID); err != nil {
			return err
		}
	}
	return nil
}

// view is a device as the API shows it. The attributes and their names
// are those of Cognito's answers (API reference, AdminListDevices
// example); the last authentication is shown to the second, as there.
func (s *Service) view(d *device) cognitoidp.DeviceType {
	status := cognitoidp.DeviceRememberedStatusTypeNotRemembered
	if d.Remembered {
		status = cognitoidp.DeviceRememberedStatusTypeRemembered
	}
	region, _, _ := strings.Cut(d.PoolID, "_")
	owner := d.Username + "." + d.PoolID
	var attrs []cognitoidp.AttributeType
	add := func(name, value string) {
		if value != "" {
			attrs = append(attrs, cognitoidp.AttributeType{Name: ptr(name), Value: ptr(value)})
		}
	}
	add("device_status", "valid")
	add("device_name", d.Name)
	add("dev:device_arn", "arn:aws:cognito-idp:"+region+":"+s.Pools.AccountID+":owner/"+owner+"/device/"+d.Key)
	add("dev:device_owner", owner)
	add("last_ip_used", d.LastIP)
	add("dev:device_remembered_status", status)
	return cognitoidp.DeviceType{
		DeviceKey: ptr(d.Key), DeviceAttributes: attrs,
		DeviceCreateDate: shape.NewTime(d.Created), DeviceLastModifiedDate: shape.NewTime(d.Modified),
		DeviceLastAuthenticatedDate: shape.NewTime(d.LastAuth.Truncate(time.Second)),
	}
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
