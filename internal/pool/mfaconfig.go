package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// KindPoolMfa is the record (id: the pool id) of a pool's MFA factors.
// MfaConfiguration, SmsConfiguration and SmsAuthenticationMessage are
// members of the pool itself (UserPoolType); which factors are on, and
// the email and passkey settings, have no place there and live here.
const KindPoolMfa = "poolmfa"

// mfaState is the part of a pool's MFA configuration kept outside the pool.
type mfaState struct {
	SMS           bool                                  `json:"sms,omitempty"`
	SoftwareToken bool                                  `json:"softwareToken,omitempty"`
	Email         *cognitoidp.EmailMfaConfigType        `json:"email,omitempty"`
	WebAuthn      *cognitoidp.WebAuthnConfigurationType `json:"webAuthn,omitempty"`
}

func (m mfaState) anyFactor() bool { return m.SMS || m.SoftwareToken || m.Email != nil }

// loadMfa reads a pool's MFA state; a pool that never had any has the
// zero state and a nil record.
func loadMfa(ctx context.Context, tx store.Tx, poolID string) (mfaState, *store.Record, error) {
	var st mfaState
	rec, err := getJSON(ctx, tx, KindPoolMfa, poolID, &st)
	if errors.Is(err, store.ErrNotFound) {
		return mfaState{}, nil, nil
	}
	return st, rec, err
}

// saveMfa writes a pool's MFA state, creating its record on first use.
func saveMfa(ctx context.Context, tx store.Tx, poolID string, st mfaState, rec *store.Record) error {
	if rec == nil {
		if st == (mfaState{}) {
			return nil
		}
		return tx.Insert(ctx, &store.Record{Kind: KindPoolMfa, ID: poolID, Scope: poolID, Data: mustJSON(st)})
	}
	rec.Data = mustJSON(st)
	return tx.Update(ctx, rec)
}

// smsFactor reports whether SMS MFA is on after the pool's configuration
// changed through CreateUserPool or UpdateUserPool: it needs an SMS
// configuration, and turning MFA on with one turns SMS MFA on ("The
// CreateUserPool operation supports only SMS MFA configuration", model).
func smsFactor(p *cognitoidp.UserPoolType, st mfaState) bool {
	return p.SmsConfiguration != nil && (st.SMS || *p.MfaConfiguration != cognitoidp.UserPoolMfaTypeOff)
}

// checkMfa enforces the rules that join a settled pool and its factors.
// missing is the error for MFA turned on without any factor; it differs
// between the pool operations and SetUserPoolMfaConfig.
func checkMfa(p *cognitoidp.UserPoolType, st mfaState, missing error) error {
	if *p.MfaConfiguration != cognitoidp.UserPoolMfaTypeOff && !st.anyFactor() {
		return missing
	}
	if st.Email != nil {
		// Email MFA needs the Essentials plan and the developer's own SES
		// (model: EmailMfaConfigType; CDK: MfaSecondFactor.email).
		if err := requireTier(p, cognitoidp.UserPoolTierTypeEssentials, "Email MFA"); err != nil {
			return err
		}
		if *p.EmailConfiguration.EmailSendingAccount != cognitoidp.EmailSendingAccountTypeDeveloper {
			return errs.New(errs.InvalidParameterException, "Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER.")
		}
	}
	if w := st.WebAuthn; w != nil && w.FactorConfiguration != nil &&
		*w.FactorConfiguration == cognitoidp.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification {
		return requireTier(p, cognitoidp.UserPoolTierTypeEssentials, "Passkeys as multi-factor authentication")
	}
	return nil
}

// errPoolMfaWithoutSms is what CreateUserPool and UpdateUserPool answer
// when MFA is on but no factor is (Cognito's wording, as reported in
// aws-cdk#12075).
var errPoolMfaWithoutSms = errs.New(errs.InvalidParameterException,
	"SMS configuration and Auto verification for phone_number are required when MFA is required/optional")

// MfaConfig is a pool's MFA configuration, for the sign-in flows.
func (s *Service) MfaConfig(ctx context.Context, tx store.Tx, poolID string) (*cognitoidp.GetUserPoolMfaConfigResponse, error) {
	p, _, err := s.Pool(ctx, tx, poolID)
	if err != nil {
		return nil, err
	}
	return s.MfaConfigOf(ctx, tx, p)
}

// MfaConfigOf is MfaConfig for a pool the caller has read already (a
// sign-in reads it with its client): one read fewer.
func (s *Service) MfaConfigOf(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType) (*cognitoidp.GetUserPoolMfaConfigResponse, error) {
	st, _, err := loadMfa(ctx, tx, *p.Id)
	if err != nil {
		return nil, err
	}
	return mfaView(p, st), nil
}

// mfaView shows the factors that are on, and the passkey settings if set.
func mfaView(p *cognitoidp.UserPoolType, st mfaState) *cognitoidp.GetUserPoolMfaConfigResponse {
	out := &cognitoidp.GetUserPoolMfaConfigResponse{
		MfaConfiguration: p.MfaConfiguration, EmailMfaConfiguration: st.Email, WebAuthnConfiguration: st.WebAuthn,
	}
	if st.SMS {
		out.SmsMfaConfiguration = &cognitoidp.SmsMfaConfigType{
			SmsAuthenticationMessage: p.SmsAuthenticationMessage, SmsConfiguration: p.SmsConfiguration,
		}
	}
	if st.SoftwareToken {
		out.SoftwareTokenMfaConfiguration = &cognitoidp.SoftwareTokenMfaConfigType{Enabled: ptr(true)}
	}
	return out
}

// GetUserPoolMfaConfig returns a pool's MFA configuration.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *cognitoidp.GetUserPoolMfaConfigRequest) (out *cognitoidp.GetUserPoolMfaConfigResponse, err error) {
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		out, err = s.MfaConfig(ctx, tx, *in.UserPoolId)
		return err
	})
	return out, err
}

// SetUserPoolMfaConfig replaces a pool's MFA factors: a factor left out of
// the request is turned off, like any member left out of UpdateUserPool.
// MfaConfiguration, when left out, keeps its value.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *cognitoidp.SetUserPoolMfaConfigRequest) (*cognitoidp.SetUserPoolMfaConfigResponse, error) {
	var view *cognitoidp.GetUserPoolMfaConfigResponse
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, rec, err := s.Pool(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		_, stRec, err := loadMfa(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		if in.MfaConfiguration != nil {
			p.MfaConfiguration = in.MfaConfiguration
		}
		st := mfaState{Email: in.EmailMfaConfiguration, WebAuthn: in.WebAuthnConfiguration}
		if t := in.SoftwareTokenMfaConfiguration; t != nil {
			st.SoftwareToken = t.Enabled != nil && *t.Enabled
		}
		mfaOn := *p.MfaConfiguration != cognitoidp.UserPoolMfaTypeOff
		if sms := in.SmsMfaConfiguration; sms != nil {
			if sms.SmsConfiguration != nil {
				p.SmsConfiguration = sms.SmsConfiguration
			}
			if p.SmsConfiguration == nil {
				return errs.New(errs.InvalidParameterException, "SMS MFA requires an SmsConfiguration.")
			}
			p.SmsAuthenticationMessage = sms.SmsAuthenticationMessage
			st.SMS = true
		} else if mfaOn && p.SmsConfiguration != nil {
			// Cognito's own rule and wording (reported in amplify-backend#1523).
			return errs.New(errs.InvalidParameterException, "Can't turn off SMS_MFA when SMS configuration is set for the user pool")
		}
		// SmsConfiguration came from the request: check it like the pool's.
		if err := s.settleSms(p); err != nil {
			return err
		}
		if err := checkMfa(p, st, errs.New(errs.InvalidParameterException,
			"At least one MFA factor must be enabled when MfaConfiguration is ON or OPTIONAL.")); err != nil {
			return err
		}
		p.LastModifiedDate = shape.NewTime(s.Clock.Now())
		rec.Data = mustJSON(p)
		if err := tx.Update(ctx, rec); err != nil {
			return err
		}
		view = mfaView(p, st)
		return saveMfa(ctx, tx, *in.UserPoolId, st, stRec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.SetUserPoolMfaConfigResponse{
		MfaConfiguration: view.MfaConfiguration, SmsMfaConfiguration: view.SmsMfaConfiguration,
		SoftwareTokenMfaConfiguration: view.SoftwareTokenMfaConfiguration,
		EmailMfaConfiguration:         view.EmailMfaConfiguration, WebAuthnConfiguration: view.WebAuthnConfiguration,
	}, nil
}
