package device

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

const (
	poolID = "eu-west-1_AbCdEf123"
	amy    = "11111111-1111-4111-8111-111111111111"
	bob    = "22222222-2222-4222-8222-222222222222"
)

func TestKeys(t *testing.T) {
	s := &Service{Keys: secrets.Random()}
	k := newKey(poolID)
	if !regexp.MustCompile(`^eu-west-1_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(k) || len(k) > 55 || k == newKey(poolID) {
		t.Fatalf("device key %q", k)
	}
	g := s.groupKey(poolID, amy)
	if !regexp.MustCompile(`^-[A-Za-z0-9]{8}$`).MatchString(g) || g != s.groupKey(poolID, amy) || g == s.groupKey(poolID, bob) ||
		g == (&Service{Keys: secrets.Random()}).groupKey(poolID, amy) {
		t.Fatalf("group key %q: must be stable per user and differ between users and servers", g)
	}
}

// page lists one user's devices in key order, keeps only those asked for,
// and says whether more follow, however the filter thins the store's pages.
func TestPage(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(ctx, func(tx store.Tx) error {
		for i := range 7 {
			d := &device{Key: fmt.Sprintf("eu-west-1_%02d", i), PoolID: poolID, Sub: amy, Remembered: i%3 == 0}
			if err := put(ctx, tx, d, nil); err != nil {
				return err
			}
		}
		return put(ctx, tx, &device{Key: "eu-west-1_99", PoolID: poolID, Sub: bob, Remembered: true}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	list := func(after string, limit int, keep func(*device) bool) ([]string, bool) {
		var ds []*device
		var more bool
		err := st.Read(ctx, func(tx store.Tx) (err error) {
			ds, more, err = page(ctx, tx, poolID, amy, after, limit, keep)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, d := range ds {
			keys = append(keys, d.Key)
		}
		return keys, more
	}
	all := func(*device) bool { return true }
	remembered := func(d *device) bool { return d.Remembered }
	if keys, more := list("", 3, all); !slices.Equal(keys, []string{"eu-west-1_00", "eu-west-1_01", "eu-west-1_02"}) || !more {
		t.Fatalf("first page %v %v", keys, more)
	}
	if keys, more := list("eu-west-1_05", 3, all); !slices.Equal(keys, []string{"eu-west-1_06"}) || more {
		t.Fatalf("last page %v %v", keys, more)
	}
	if keys, more := list("", 2, remembered); !slices.Equal(keys, []string{"eu-west-1_00", "eu-west-1_03"}) || !more {
		t.Fatalf("remembered, first page %v %v", keys, more)
	}
	if keys, more := list("eu-west-1_03", 2, remembered); !slices.Equal(keys, []string{"eu-west-1_06"}) || more {
		t.Fatalf("remembered, last page %v %v", keys, more)
	}

	// The devices go with their user, and only theirs.
	s := &Service{}
	if err := st.Write(ctx, func(tx store.Tx) error { return s.DeleteUserDevices(ctx, tx, poolID, amy) }); err != nil {
		t.Fatal(err)
	}
	if keys, _ := list("", 10, all); len(keys) != 0 {
		t.Fatalf("left after deleting the user: %v", keys)
	}
	err = st.Read(ctx, func(tx store.Tx) error {
		_, _, err := get(ctx, tx, poolID, bob, "eu-west-1_99")
		return err
	})
	if err != nil {
		t.Fatalf("another user's device: %v", err)
	}
}

// get finds a device only for its own user and pool.
func TestGetOwnDevicesOnly(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := &device{Key: "eu-west-1_01", PoolID: poolID, Sub: amy}
	if err := st.Write(ctx, func(tx store.Tx) error { return put(ctx, tx, d, nil) }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ pool, sub, key string }{{poolID, bob, d.Key}, {"eu-west-1_Other0000", amy, d.Key}, {poolID, amy, "eu-west-1_02"}} {
		err := st.Read(ctx, func(tx store.Tx) error {
			_, _, err := get(ctx, tx, tc.pool, tc.sub, tc.key)
			return err
		})
		if err != errNotFound {
			t.Errorf("get(%s, %s, %s): %v, want %v", tc.pool, tc.sub, tc.key, err, errNotFound)
		}
	}
}

func TestView(t *testing.T) {
	s := &Service{Pools: &pool.Service{AccountID: "123456789012"}}
	at := time.Date(2026, 11, 3, 5, 7, 9, 500e6, time.UTC)
	v := s.view(&device{Key: "eu-west-1_01", PoolID: poolID, Username: "amy", Name: "laptop", Remembered: true,
		Created: at, Modified: at, LastAuth: at, LastIP: "192.0.2.1"})
	want := []string{
		"device_status=valid", "device_name=laptop",
		"dev:device_arn=arn:aws:cognito-idp:eu-west-1:123456789012:owner/amy." + poolID + "/device/eu-west-1_01",
		"dev:device_owner=amy." + poolID, "last_ip_used=192.0.2.1", "dev:device_remembered_status=" + cognitoidp.DeviceRememberedStatusTypeRemembered,
	}
	var got []string
	for _, a := range v.DeviceAttributes {
		got = append(got, *a.Name+"="+*a.Value)
	}
	if !slices.Equal(got, want) || *v.DeviceKey != "eu-west-1_01" || !v.DeviceCreateDate.Equal(at) ||
		!v.DeviceLastAuthenticatedDate.Equal(at.Truncate(time.Second)) {
		t.Fatalf("view %v %+v", got, v)
	}
}
