package pool

import (
	"context"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// UpdateUserPool replaces a pool's configuration with the request's, the
// way Cognito does: "If you don't provide a value for an attribute,
// Amazon Cognito sets it to its default value" (model). So an update that
// leaves out LambdaConfig removes every trigger, one that leaves out
// DeletionProtection turns protection off, and so on.
//
// What no update can change is carried over: the identity of the pool,
// its schema (only AddCustomAttributes extends it), its sign-in
// attributes and username case sensitivity. The name, the tags and the
// key and issuer configurations are kept when the request leaves them
// out, because they are not configuration with a default: a pool always
// has a name, and tags have their own operations.
func (s *Service) UpdateUserPool(ctx context.Context, in *cognitoidp.UpdateUserPoolRequest) (*cognitoidp.UpdateUserPoolResponse, error) {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		old, rec, err := s.Pool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		if s.ImportActive != nil {
			switch active, err := s.ImportActive(ctx, tx, *in.UserPoolId); {
			case err != nil:
				return err
			case active:
				return errImportInProgress
			}
		}
		st, stRec, err := loadMfa(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		p := &cognitoidp.UserPoolType{
			Id:                    old.Id,
			Arn:                   old.Arn,
			CreationDate:          old.CreationDate,
			Name:                  fallback(in.PoolName, old.Name),
			SchemaAttributes:      old.SchemaAttributes,
			AliasAttributes:       old.AliasAttributes,
			UsernameAttributes:    old.UsernameAttributes,
			UsernameConfiguration: old.UsernameConfiguration,
			UserPoolTags:          old.UserPoolTags,
			KeyConfiguration:      fallback(in.KeyConfiguration, old.KeyConfiguration),
			IssuerConfiguration:   fallback(in.IssuerConfiguration, old.IssuerConfiguration),

			AccountRecoverySetting:      in.AccountRecoverySetting,
			AdminCreateUserConfig:       in.AdminCreateUserConfig,
			AutoVerifiedAttributes:      in.AutoVerifiedAttributes,
			DeletionProtection:          in.DeletionProtection,
			DeviceConfiguration:         in.DeviceConfiguration,
			EmailConfiguration:          in.EmailConfiguration,
			EmailVerificationMessage:    in.EmailVerificationMessage,
			EmailVerificationSubject:    in.EmailVerificationSubject,
			LambdaConfig:                in.LambdaConfig,
			MfaConfiguration:            in.MfaConfiguration,
			Policies:                    in.Policies,
			SmsAuthenticationMessage:    in.SmsAuthenticationMessage,
			SmsConfiguration:            in.SmsConfiguration,
			SmsVerificationMessage:      in.SmsVerificationMessage,
			UserAttributeUpdateSettings: in.UserAttributeUpdateSettings,
			UserPoolAddOns:              in.UserPoolAddOns,
			UserPoolTier:                in.UserPoolTier,
			VerificationMessageTemplate: in.VerificationMessageTemplate,
		}
		if in.UserPoolTags != nil {
			p.UserPoolTags = in.UserPoolTags
		}
		if err := s.settle(p); err != nil {
			return err
		}
		st.SMS = smsFactor(p, st)
		if err := checkMfa(p, st, errPoolMfaWithoutSms); err != nil {
			return err
		}
		p.LastModifiedDate = shape.NewTime(s.Clock.Now())
		rec.Data = mustJSON(p)
		if err := tx.Update(ctx, rec); err != nil {
			return err
		}
		return saveMfa(ctx, tx, *in.UserPoolId, st, stRec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateUserPoolResponse{}, nil
}

// fallback returns v, or def when v is nil.
func fallback[T any](v, def *T) *T {
	if v != nil {
		return v
	}
	return def
}

// errImportInProgress: "This exception is thrown when you're trying to
// modify a user pool while a user import job is in progress for that
// pool" (model); the message is cirro's.
var errImportInProgress = errs.New(errs.UserImportInProgressException,
	"A user import job is in progress for this user pool; stop it or wait for it to finish.")
