package user

import (
	"context"
	"errors"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// adminUser reads the pool (shared: read-only) and the user an
// administrator names.
func (s *Service) adminUser(ctx context.Context, tx store.Tx, poolID, name string) (*cognitoidp.UserPoolType, *User, *store.Record, error) {
	p, _, err := s.Pools.SharedPool(ctx, tx, poolID)
	if err != nil {
		return nil, nil, nil, err
	}
	u, rec, err := s.find(ctx, tx, p, name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, nil, errUserNotFound
	}
	return p, u, rec, err
}

// adminUpdate applies change to the user an administrator names, in one
// write transaction, and saves it.
func (s *Service) adminUpdate(ctx context.Context, poolID, name string, change func(*cognitoidp.UserPoolType, *User) error) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		p, u, rec, err := s.adminUser(ctx, tx, poolID, name)
		if err != nil {
			return err
		}
		if err := change(p, u); err != nil {
			return err
		}
		u.Modified = s.Clock.Now()
		return mapConflict(s.Save(ctx, tx, p, u, rec), rulesOf(p), false, false)
	})
}

// AdminGetUser returns a user with every attribute.
func (s *Service) AdminGetUser(ctx context.Context, in *cognitoidp.AdminGetUserRequest) (*cognitoidp.AdminGetUserResponse, error) {
	var u *User
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		_, u, _, err = s.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u.adminView(), nil
}

// AdminDeleteUser deletes a user with its group memberships and whatever
// other packages keep about it (Service.OnDelete). Its username and
// aliases are free again at once.
func (s *Service) AdminDeleteUser(ctx context.Context, in *cognitoidp.AdminDeleteUserRequest) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		_, u, _, err := s.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		return s.deleteUser(ctx, tx, u)
	})
}

func (s *Service) deleteUser(ctx context.Context, tx store.Tx, u *User) error {
	// Exclusive before reading the memberships: a concurrent
	// AdminAddUserToGroup, which locks the user too, commits first and its
	// membership is deleted here, or finds the user gone.
	if err := lockUser(ctx, tx, u, store.LockExclusive); err != nil {
		return err
	}
	if err := removeMemberships(ctx, tx, u.PoolID, u.Sub); err != nil {
		return err
	}
	for _, hook := range s.OnDelete {
		if err := hook(ctx, tx, u.PoolID, u.Sub); err != nil {
			return err
		}
	}
	return tx.Delete(ctx, Kind, u.Sub)
}

// AdminDisableUser deactivates a user and "revokes all access tokens for
// the user" (model): every token issued before now stops being valid.
func (s *Service) AdminDisableUser(ctx context.Context, in *cognitoidp.AdminDisableUserRequest) (*cognitoidp.AdminDisableUserResponse, error) {
	// "Deactivates a user and revokes all access tokens for the user"
	// (API reference): TokensValidAfter refuses what was issued before
	// this second, and OnDisable revokes every session of the user (the
	// token service), in the same transaction, which also catches tokens
	// issued earlier in this second.
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, u, rec, err := s.adminUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		u.Enabled, u.TokensValidAfter, u.Modified = false, now, now
		if err := mapConflict(s.Save(ctx, tx, p, u, rec), rulesOf(p), false, false); err != nil {
			return err
		}
		for _, hook := range s.OnDisable {
			if err := hook(ctx, tx, u.PoolID, u.Sub, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminDisableUserResponse{}, nil
}

// AdminEnableUser reactivates a user. Tokens revoked by the deactivation
// stay revoked.
func (s *Service) AdminEnableUser(ctx context.Context, in *cognitoidp.AdminEnableUserRequest) (*cognitoidp.AdminEnableUserResponse, error) {
	err := s.adminUpdate(ctx, *in.UserPoolId, *in.Username, func(_ *cognitoidp.UserPoolType, u *User) error {
		u.Enabled = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminEnableUserResponse{}, nil
}

// AdminSetUserSettings is the legacy switch of SMS MFA: "You can use it to
// configure only SMS MFA" (model). An empty list turns it off.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *cognitoidp.AdminSetUserSettingsRequest) (*cognitoidp.AdminSetUserSettingsResponse, error) {
	for _, o := range in.MFAOptions {
		if deref(o.DeliveryMedium) != cognitoidp.DeliveryMediumTypeSms || deref(o.AttributeName) != attrPhone {
			return nil, invalid("Only SMS delivery to phone_number can be set in MFAOptions.")
		}
	}
	err := s.adminUpdate(ctx, *in.UserPoolId, *in.Username, func(_ *cognitoidp.UserPoolType, u *User) error {
		u.MFA.Enabled = slices.DeleteFunc(u.MFA.Enabled, func(f string) bool { return f == MFASMS })
		if len(in.MFAOptions) > 0 {
			u.MFA.Enabled = append(u.MFA.Enabled, MFASMS)
		} else if u.MFA.Preferred == MFASMS {
			u.MFA.Preferred = ""
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminSetUserSettingsResponse{}, nil
}
