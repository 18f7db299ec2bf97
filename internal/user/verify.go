package user

import (
	"context"
	"errors"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// The domain halves of the access-token operations that verify an email
// or phone number (GetUserAttributeVerificationCode, VerifyUserAttribute),
// for the package that authenticates the token.

// SendAttributeCode sends the user sub a code verifying attr: its value,
// or the value waiting to replace it (AttributesRequireVerificationBeforeUpdate).
// clientID and metadata are the request's, for the triggers.
func (s *Service) SendAttributeCode(ctx context.Context, poolID, sub, attr, clientID string, metadata map[string]string) (*cognitoidp.CodeDeliveryDetailsType, error) {
	if !slices.Contains(contactAttrs, attr) {
		return nil, invalid("Only email and phone_number can be verified.")
	}
	var out *cognitoidp.CodeDeliveryDetailsType
	err := untilCurrent(func() error {
		var p *cognitoidp.UserPoolType
		var u *User
		var rec *store.Record
		var msg Notice
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if p, _, err = s.Pools.Pool(ctx, tx, poolID); err != nil {
				return err
			}
			if u, rec, err = s.Get(ctx, tx, poolID, sub); errors.Is(err, ErrNotFound) {
				return errUserNotFound
			} else if err != nil {
				return err
			}
			to, ok := u.Pending[attr]
			if !ok {
				to = u.Attributes[attr]
			}
			if to == "" {
				return invalid("The user has no " + attr + " to verify.")
			}
			c := contactOf(attr, to)
			msg, out = s.attributeCodeMessage(p, u, c, origin{trigger.SenderVerifyUserAttribute, clientID, metadata}), c.details()
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
	return out, err
}

// VerifyAttribute checks a code sent for attr and marks the value it was
// sent to verified, replacing the current one if it was pending. A value
// that becomes a verified alias another user holds is refused
// (AliasExistsException).
func (s *Service) VerifyAttribute(ctx context.Context, poolID, sub, attr, code string) error {
	var failed error
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		failed = nil
		p, _, err := s.Pools.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		u, rec, err := s.Get(ctx, tx, poolID, sub)
		if errors.Is(err, ErrNotFound) {
			return errUserNotFound
		} else if err != nil {
			return err
		}
		c, err := s.spendCode(u, verifyPurpose(attr), code)
		if err == errCodeMismatch {
			failed = err
			return s.Save(ctx, tx, p, u, rec)
		}
		if err != nil {
			return err
		}
		verifyWithCode(u, c)
		u.Modified = s.Clock.Now()
		return mapConflict(s.Save(ctx, tx, p, u, rec), rulesOf(p), false, false)
	})
	if err != nil {
		return err
	}
	return failed
}
