package device

import (
	"context"
	"encoding/base64"
	"errors"

	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/srp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// ConfirmDevice registers the device a sign-in was given (NewDeviceMetadata)
// with the SRP verifier and salt the app derived for it. The device must
// be the one the access token was issued with: a key is only ever
// confirmed by the sign-in that received it.
func (s *Service) ConfirmDevice(ctx context.Context, in *cognitoidp.ConfirmDeviceRequest) (*cognitoidp.ConfirmDeviceResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	salt, verifier, err := verifierConfig(in.DeviceSecretVerifierConfig)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var remembered bool
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pools.Pool(ctx, tx, c.PoolID)
		if err != nil {
			return err
		}
		switch {
		case !tracking(p):
			return errTrackingOff
		case c.DeviceKey == "" || c.DeviceKey != *in.DeviceKey:
			return errNotFound
		}
		remembered = !userPrompt(p)
		d := &device{
			Key: c.DeviceKey, PoolID: c.PoolID, Sub: c.Sub, Username: c.Username,
			GroupKey: s.groupKey(c.PoolID, c.Sub), Salt: salt, Name: deref(in.DeviceName), Remembered: remembered,
			Created: now, Modified: now, LastAuth: c.AuthTime, LastIP: caller.From(ctx).IP,
		}
		d.Verifier = s.Keys.Seal(verifierPurpose, verifier, verifierAD(d))
		err = put(ctx, tx, d, nil)
		if errors.Is(err, store.ErrExists) {
			return errExists // confirmed already, perhaps concurrently
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.ConfirmDeviceResponse{UserConfirmationNecessary: ptr(!remembered)}, nil
}

// verifierConfig decodes DeviceSecretVerifierConfig, as the client library
// sends it: the verifier's and salt's bytes in base64. The verifier must
// be an element of the SRP group.
func verifierConfig(c *cognitoidp.DeviceSecretVerifierConfigType) (salt, verifier []byte, err error) {
	if c == nil {
		return nil, nil, errVerifierConfig
	}
	verifier, verr := base64.StdEncoding.DecodeString(deref(c.PasswordVerifier))
	salt, serr := base64.StdEncoding.DecodeString(deref(c.Salt))
	if verr != nil || serr != nil || len(salt) == 0 {
		return nil, nil, errVerifierConfig
	}
	if _, err := srp.NewServer(verifier); err != nil {
		return nil, nil, errVerifierConfig
	}
	return salt, verifier, nil
}

// UpdateDeviceStatus remembers, or stops remembering, one of the
// signed-in user's devices.
func (s *Service) UpdateDeviceStatus(ctx context.Context, in *cognitoidp.UpdateDeviceStatusRequest) (*cognitoidp.UpdateDeviceStatusResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.setStatus(ctx, c.PoolID, c.Sub, *in.DeviceKey, in.DeviceRememberedStatus); err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateDeviceStatusResponse{}, nil
}

// AdminUpdateDeviceStatus is UpdateDeviceStatus for any user of a pool.
func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, in *cognitoidp.AdminUpdateDeviceStatusRequest) (*cognitoidp.AdminUpdateDeviceStatusResponse, error) {
	u, err := s.named(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.setStatus(ctx, u.PoolID, u.Sub, *in.DeviceKey, in.DeviceRememberedStatus); err != nil {
		return nil, err
	}
	return &cognitoidp.AdminUpdateDeviceStatusResponse{}, nil
}

// setStatus records a remembered status; an absent one changes nothing.
func (s *Service) setStatus(ctx context.Context, poolID, sub, key string, status *string) error {
	now := s.Clock.Now()
	return s.Store.Write(ctx, func(tx store.Tx) error {
		d, rec, err := get(ctx, tx, poolID, sub, key)
		if err != nil || status == nil {
			return err
		}
		d.Remembered = *status == cognitoidp.DeviceRememberedStatusTypeRemembered
		d.Modified = now
		return put(ctx, tx, d, rec)
	})
}

// GetDevice shows one of the signed-in user's remembered devices.
func (s *Service) GetDevice(ctx context.Context, in *cognitoidp.GetDeviceRequest) (*cognitoidp.GetDeviceResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	d, err := s.get(ctx, c.PoolID, c.Sub, *in.DeviceKey)
	if err != nil {
		return nil, err
	}
	if !d.Remembered {
		return nil, errNotFound
	}
	v := s.view(d)
	return &cognitoidp.GetDeviceResponse{Device: &v}, nil
}

// AdminGetDevice shows any device of any user of a pool.
func (s *Service) AdminGetDevice(ctx context.Context, in *cognitoidp.AdminGetDeviceRequest) (*cognitoidp.AdminGetDeviceResponse, error) {
	u, err := s.named(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	d, err := s.get(ctx, u.PoolID, u.Sub, *in.DeviceKey)
	if err != nil {
		return nil, err
	}
	v := s.view(d)
	return &cognitoidp.AdminGetDeviceResponse{Device: &v}, nil
}

// ListDevices lists the signed-in user's remembered devices.
func (s *Service) ListDevices(ctx context.Context, in *cognitoidp.ListDevicesRequest) (*cognitoidp.ListDevicesResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	devices, next, err := s.list(ctx, "ListDevices", c.PoolID, c.Sub, in.Limit, in.PaginationToken, func(d *device) bool { return d.Remembered })
	if err != nil {
		return nil, err
	}
	return &cognitoidp.ListDevicesResponse{Devices: devices, PaginationToken: next}, nil
}

// AdminListDevices lists every device of a user of a pool.
func (s *Service) AdminListDevices(ctx context.Context, in *cognitoidp.AdminListDevicesRequest) (*cognitoidp.AdminListDevicesResponse, error) {
	u, err := s.named(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return nil, err
	}
	devices, next, err := s.list(ctx, "AdminListDevices", u.PoolID, u.Sub, in.Limit, in.PaginationToken, func(*device) bool { return true })
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminListDevicesResponse{Devices: devices, PaginationToken: next}, nil
}

// ForgetDevice deletes one of the signed-in user's devices.
func (s *Service) ForgetDevice(ctx context.Context, in *cognitoidp.ForgetDeviceRequest) error {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return err
	}
	return s.forget(ctx, c.PoolID, c.Sub, *in.DeviceKey)
}

// AdminForgetDevice deletes a device of any user of a pool.
func (s *Service) AdminForgetDevice(ctx context.Context, in *cognitoidp.AdminForgetDeviceRequest) error {
	u, err := s.named(ctx, *in.UserPoolId, *in.Username)
	if err != nil {
		return err
	}
	return s.forget(ctx, u.PoolID, u.Sub, *in.DeviceKey)
}

// forget deletes a device and, in the same transaction, revokes the
// refresh tokens bound to it (token.RevokeDeviceTokens): such a token
// works only with its device (Cognito refuses it without DEVICE_KEY).
func (s *Service) forget(ctx context.Context, poolID, sub, key string) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		if _, _, err := get(ctx, tx, poolID, sub, key); err != nil {
			return err
		}
		if err := tx.Delete(ctx, Kind, key); err != nil {
			return err
		}
		if s.Tokens == nil {
			return nil
		}
		return s.Tokens.RevokeDeviceTokens(ctx, tx, poolID, sub, key, s.Clock.Now())
	})
}

// defaultPage is the page of the list operations when Limit is absent or
// 0: their maximum (QueryLimitType, 60).
const defaultPage = 60

func (s *Service) list(ctx context.Context, op, poolID, sub string, limit *int32, token *string, keep func(*device) bool) ([]cognitoidp.DeviceType, *string, error) {
	n := defaultPage
	if limit != nil && *limit > 0 {
		n = int(*limit)
	}
	scope := poolID + "/" + sub
	after, err := pagination.Cursor(s.Keys, op, scope, token)
	if err != nil {
		return nil, nil, err
	}
	var devices []*device
	var more bool
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		devices, more, err = page(ctx, tx, poolID, sub, after, n, keep)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	out := make([]cognitoidp.DeviceType, 0, len(devices))
	for _, d := range devices {
		out = append(out, s.view(d))
	}
	var next *string
	if more {
		next = pagination.Token(s.Keys, op, scope, devices[len(devices)-1].Key)
	}
	return out, next, nil
}

// get reads a device of user sub; a key that names none of the user's
// devices is Cognito's "Device does not exist.".
func (s *Service) get(ctx context.Context, poolID, sub, key string) (*device, error) {
	var d *device
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		d, _, err = get(ctx, tx, poolID, sub, key)
		return err
	})
	return d, err
}

// named is the user an administrator names.
func (s *Service) named(ctx context.Context, poolID, name string) (*user.User, error) {
	var u *user.User
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		u, err = s.Auth.NamedUser(ctx, tx, poolID, name)
		return err
	})
	return u, err
}
