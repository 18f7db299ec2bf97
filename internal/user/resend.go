package user

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// ResendConfirmationCode sends an unconfirmed user a new sign-up code,
// which replaces the earlier one. With PreventUserExistenceErrors,
// "Amazon Cognito returns CodeDeliveryDetails for a disabled user or a
// user that doesn't exist" (developer guide, Managing error responses).
func (s *Service) ResendConfirmationCode(ctx context.Context, in *cognitoidp.ResendConfirmationCodeRequest) (*cognitoidp.ResendConfirmationCodeResponse, error) {
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
			u, rec, err = s.find(ctx, tx, a.pool, *in.Username)
			switch {
			case (errors.Is(err, ErrNotFound) || err == nil && !u.Enabled) && a.hidesUsers():
				out = s.simulatedDetails(a, *in.Username)
				return errSimulated
			case errors.Is(err, ErrNotFound):
				return errUserClientNotFound
			case err != nil:
				return err
			case !u.Enabled:
				return errUserDisabled
			case u.Status != StatusUnconfirmed:
				return errAlreadyConfirm
			}
			c, ok := verificationContact(a.rules, u)
			if !ok {
				return errNoAutoVerify
			}
			msg = s.verificationMessage(a, u, c, origin{trigger.SenderResendCode, *in.ClientId, in.ClientMetadata})
			out = c.details()
			return nil
		})
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
	return &cognitoidp.ResendConfirmationCodeResponse{CodeDeliveryDetails: out}, nil
}
