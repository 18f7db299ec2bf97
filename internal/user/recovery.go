package user

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// recoveryContact is where a password-reset code goes. With an
// AccountRecoverySetting, the first mechanism by priority that the user
// can receive, where "a user has SMS MFA configured, SMS cannot be used";
// admin_only allows none. Without one, the legacy order: "Cognito uses a
// verified phone first … and will use verified email next" (developer
// guide, Recovering user accounts).
func recoveryContact(p *cognitoidp.UserPoolType, u *User) (contact, bool) {
	verified := func(attr string) (contact, bool) {
		if u.Verified(attr) {
			return contactOf(attr, u.Attributes[attr]), true
		}
		return contact{}, false
	}
	if p.AccountRecoverySetting == nil || len(p.AccountRecoverySetting.RecoveryMechanisms) == 0 {
		for _, attr := range contactAttrs {
			if c, ok := verified(attr); ok {
				return c, true
			}
		}
		return contact{}, false
	}
	ms := slices.SortedFunc(slices.Values(p.AccountRecoverySetting.RecoveryMechanisms), func(a, b cognitoidp.RecoveryOptionType) int {
		return cmp.Compare(*a.Priority, *b.Priority)
	})
	for _, m := range ms {
		switch *m.Name {
		case cognitoidp.RecoveryOptionNameTypeVerifiedEmail:
			if c, ok := verified(attrEmail); ok {
				return c, true
			}
		case cognitoidp.RecoveryOptionNameTypeVerifiedPhoneNumber:
			if c, ok := verified(attrPhone); ok && !slices.Contains(u.MFA.Enabled, MFASMS) {
				return c, true
			}
		}
	}
	return contact{}, false
}

// ForgotPassword sends a password-reset code by the pool's recovery
// setting. With PreventUserExistenceErrors, an unknown or disabled user,
// or one without a way to receive the code, gets a simulated answer:
// "Amazon Cognito returns CodeDeliveryDetails with a simulated delivery
// medium" (developer guide, Managing error responses).
func (s *Service) ForgotPassword(ctx context.Context, in *cognitoidp.ForgotPasswordRequest) (*cognitoidp.ForgotPasswordResponse, error) {
	var out *cognitoidp.CodeDeliveryDetailsType
	err := untilCurrent(func() error {
		var a *app
		var u *User
		var rec *store.Record
		var msg Notice
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if a, err = s.app(ctx, tx, *in.ClientId); err != nil {
				return err
			}
			if err := a.checkSecretHash(*in.Username, in.SecretHash); err != nil {
				return err
			}
			hide := func(err error) error {
				if a.hidesUsers() {
					out = s.simulatedDetails(a, *in.Username)
					return errSimulated
				}
				return err
			}
			u, rec, err = s.find(ctx, tx, a.pool, *in.Username)
			switch {
			case errors.Is(err, ErrNotFound) && s.hook(a.pool, trigger.PointUserMigration):
				return errMigrate
			case errors.Is(err, ErrNotFound):
				return hide(errUserClientNotFound)
			case err != nil:
				return err
			case !u.Enabled:
				return hide(errUserDisabled)
			case u.Status == StatusForceChangePassword:
				return errCannotReset
			}
			c, ok := recoveryContact(a.pool, u)
			if !ok {
				return hide(errNoRecovery)
			}
			code := s.issueCode(u, CodeForgotPassword, c.attr, c.to, forgotCodeTTL)
			msg = s.compose(a.pool, message.KindForgotPassword, c, u, message.Values{Code: code, Username: u.Username},
				origin{trigger.SenderForgotPassword, *in.ClientId, in.ClientMetadata})
			out = c.details()
			return nil
		})
		if errors.Is(err, errMigrate) {
			out, err = s.forgotMigrated(ctx, a, in)
			return err
		}
		if err != nil {
			return err
		}
		if err := s.deliver(ctx, msg); err != nil {
			return err
		}
		return s.commitStaged(ctx, a.pool, u, rec)
	})
	if errors.Is(err, errSimulated) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return &cognitoidp.ForgotPasswordResponse{CodeDeliveryDetails: out}, nil
}

// errSimulated ends an operation that answers with a simulated result.
var errSimulated = errors.New("user: simulated answer")

// errMigrate ends the read of an operation that must first ask the user
// migration function about a name the pool does not know.
var errMigrate = errors.New("user: unknown, to migrate")

// commitStaged saves u, staged from rec, if rec is still current.
func (s *Service) commitStaged(ctx context.Context, p *cognitoidp.UserPoolType, u *User, rec *store.Record) error {
	return s.Store.Write(ctx, func(tx store.Tx) error {
		cur, err := current(ctx, tx, rec)
		if err != nil {
			return err
		}
		u.Modified = s.Clock.Now()
		return mapConflict(s.Save(ctx, tx, p, u, cur), rulesOf(p), false, false)
	})
}

// ConfirmForgotPassword sets a new password with the code ForgotPassword
// or AdminResetUserPassword sent. The user is CONFIRMED afterwards.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *cognitoidp.ConfirmForgotPasswordRequest) (*cognitoidp.ConfirmForgotPasswordResponse, error) {
	err := untilCurrent(func() error {
		var a *app
		var u *User
		var rec *store.Record
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if a, err = s.app(ctx, tx, *in.ClientId); err != nil {
				return err
			}
			if err := a.checkSecretHash(*in.Username, in.SecretHash); err != nil {
				return err
			}
			u, rec, err = s.find(ctx, tx, a.pool, *in.Username)
			switch {
			// "Amazon Cognito returns the CodeMismatchException error for
			// users that don't exist or are disabled" (developer guide).
			case (errors.Is(err, ErrNotFound) || err == nil && !u.Enabled) && a.hidesUsers():
				return errCodeMismatch
			case errors.Is(err, ErrNotFound):
				return errUserClientNotFound
			case err != nil:
				return err
			case !u.Enabled:
				return errUserDisabled
			case u.Status == StatusUnconfirmed:
				return errs.New(errs.UserNotConfirmedException, "User is not confirmed.")
			}
			return password.Check(policyOf(a.pool), *in.Password)
		})
		if err != nil {
			return err
		}
		if err := s.codeError(u, CodeForgotPassword, *in.ConfirmationCode); err != nil {
			if err == errCodeMismatch {
				return s.countAttempt(ctx, a.pool, rec, CodeForgotPassword, *in.ConfirmationCode)
			}
			return err
		}
		change, err := s.NewPassword(ctx, a.pool, u, *in.Password)
		if err != nil {
			return err
		}
		if _, err := s.spendCode(u, CodeForgotPassword, *in.ConfirmationCode); err != nil {
			return err
		}
		change.Apply(u, false, s.Clock.Now())
		u.Status = StatusConfirmed
		u.Lockout = Lockout{}
		if err := s.postConfirmation(ctx, a.pool, u, trigger.PostConfirmationConfirmForgotPassword, *in.ClientId, in.ClientMetadata); err != nil {
			return err
		}
		return s.commitStaged(ctx, a.pool, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.ConfirmForgotPasswordResponse{}, nil
}

// countAttempt records a wrong code against the user as it is now and
// fails with the mismatch; if the user changed so that the code is right
// after all, it fails with errStale and the operation starts over.
func (s *Service) countAttempt(ctx context.Context, p *cognitoidp.UserPoolType, staged *store.Record, purpose, code string) error {
	var failed error
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		failed = nil
		u, rec, err := s.Get(ctx, tx, *p.Id, staged.ID)
		if err != nil {
			return errStale
		}
		_, err = s.spendCode(u, purpose, code)
		switch {
		case err == errCodeMismatch:
			failed = err
			return s.Save(ctx, tx, p, u, rec)
		case err != nil:
			return err
		}
		return errStale
	})
	if err != nil {
		return err
	}
	return failed
}
