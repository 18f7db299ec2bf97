package user

import (
	"context"

	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// AdminSetUserPassword sets a permanent password (the user is CONFIRMED)
// or a temporary one (FORCE_CHANGE_PASSWORD, valid for the pool's
// TemporaryPasswordValidityDays), subject to the policy and the history.
func (s *Service) AdminSetUserPassword(ctx context.Context, in *cognitoidp.AdminSetUserPasswordRequest) (*cognitoidp.AdminSetUserPasswordResponse, error) {
	permanent := in.Permanent != nil && *in.Permanent
	err := untilCurrent(func() error {
		var p *cognitoidp.UserPoolType
		var u *User
		var rec *store.Record
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if p, u, rec, err = s.adminUser(ctx, tx, *in.UserPoolId, *in.Username); err != nil {
				return err
			}
			return password.CheckAdmin(policyOf(p), *in.Password)
		})
		if err != nil {
			return err
		}
		change, err := s.NewPassword(ctx, p, u, *in.Password)
		if err != nil {
			return err
		}
		change.Apply(u, !permanent, s.Clock.Now())
		u.Status = StatusForceChangePassword
		if permanent {
			u.Status = StatusConfirmed
		}
		delete(u.Codes, CodeForgotPassword)
		u.Lockout = Lockout{}
		return s.commitStaged(ctx, p, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminSetUserPasswordResponse{}, nil
}

// AdminResetUserPassword puts a user in RESET_REQUIRED and sends a reset
// code by the pool's recovery setting; the user signs in again only
// after ConfirmForgotPassword. "To use this API operation, your user pool
// must have self-service account recovery configured" (model).
func (s *Service) AdminResetUserPassword(ctx context.Context, in *cognitoidp.AdminResetUserPasswordRequest) (*cognitoidp.AdminResetUserPasswordResponse, error) {
	err := untilCurrent(func() error {
		var p *cognitoidp.UserPoolType
		var u *User
		var rec *store.Record
		var msg Notice
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if p, u, rec, err = s.adminUser(ctx, tx, *in.UserPoolId, *in.Username); err != nil {
				return err
			}
			switch {
			case !u.Enabled:
				return errUserDisabled
			case u.Status == StatusForceChangePassword || u.Status == StatusUnconfirmed:
				return errCannotReset
			}
			c, ok := recoveryContact(p, u)
			if !ok {
				return errNoRecovery
			}
			code := s.issueCode(u, CodeForgotPassword, c.attr, c.to, forgotCodeTTL)
			msg = s.compose(p, message.KindForgotPassword, c, u, message.Values{Code: code, Username: u.Username},
				origin{source: trigger.SenderForgotPassword, metadata: in.ClientMetadata})
			u.Status = StatusResetRequired
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.deliver(ctx, msg); err != nil {
			return err
		}
		return s.commitStaged(ctx, p, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminResetUserPasswordResponse{}, nil
}
