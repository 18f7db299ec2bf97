package mfa

import (
	"context"
	"errors"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// setting is one factor's part of a preference request.
type setting struct {
	factor             string
	enabled, preferred *bool
}

func settings(sms *cognitoidp.SMSMfaSettingsType, totp *cognitoidp.SoftwareTokenMfaSettingsType, email *cognitoidp.EmailMfaSettingsType) []setting {
	var out []setting
	if sms != nil {
		out = append(out, setting{SMS, sms.Enabled, sms.PreferredMfa})
	}
	if totp != nil {
		out = append(out, setting{TOTP, totp.Enabled, totp.PreferredMfa})
	}
	if email != nil {
		out = append(out, setting{Email, email.Enabled, email.PreferredMfa})
	}
	return out
}

// SetUserMFAPreference turns the signed-in user's factors on or off and
// sets the preferred one.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *cognitoidp.SetUserMFAPreferenceRequest) (*cognitoidp.SetUserMFAPreferenceResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	err = s.updateUser(ctx, &caller{poolID: c.PoolID, sub: c.Sub}, func(cfg *config, u *user.User) error {
		return prefer(cfg, u, settings(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings))
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.SetUserMFAPreferenceResponse{}, nil
}

// AdminSetUserMFAPreference is SetUserMFAPreference for any user of a
// pool, named by username, alias or sub.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *cognitoidp.AdminSetUserMFAPreferenceRequest) (*cognitoidp.AdminSetUserMFAPreferenceResponse, error) {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		cfg, err := s.configIn(ctx, tx, *in.UserPoolId)
		if err != nil {
			return err
		}
		named, err := s.Auth.NamedUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		u, rec, err := s.Users.Get(ctx, tx, named.PoolID, named.Sub)
		if err != nil {
			return err
		}
		if err := prefer(cfg, u, settings(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings)); err != nil {
			return err
		}
		return s.Users.Save(ctx, tx, cfg.pool, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminSetUserMFAPreferenceResponse{}, nil
}

// prefer applies a preference request to u, or refuses all of it. A
// factor's settings state all of it: a member left out is false, as the
// SDKs whose members are plain booleans send false (so {} turns a factor
// off). A factor is turned on only if the pool offers it and the user can
// receive it; a preferred factor is on as well, and at most one may be
// preferred ("Only one factor can be set as preferred", model).
func prefer(c *config, u *user.User, in []setting) error {
	preferred := 0
	for _, st := range in {
		if isTrue(st.preferred) {
			preferred++
		}
	}
	if preferred > 1 {
		return errTwoPreferred
	}
	mfa := u.MFA
	mfa.Enabled = slices.Clone(mfa.Enabled)
	for _, st := range in {
		on := isTrue(st.enabled) || isTrue(st.preferred)
		switch {
		case st.enabled != nil && !*st.enabled && isTrue(st.preferred):
			return errPreferOff
		case on && !c.has(st.factor):
			return errFactorOff(st.factor)
		case on && !configured(u, st.factor):
			return errNoDelivery(st.factor)
		case on:
			if !slices.Contains(mfa.Enabled, st.factor) {
				mfa.Enabled = append(mfa.Enabled, st.factor)
			}
		default:
			mfa.Enabled = slices.DeleteFunc(mfa.Enabled, func(f string) bool { return f == st.factor })
		}
		if isTrue(st.preferred) {
			mfa.Preferred = st.factor
		} else if mfa.Preferred == st.factor {
			mfa.Preferred = ""
		}
	}
	slices.SortFunc(mfa.Enabled, func(a, b string) int { return slices.Index(factorOrder, a) - slices.Index(factorOrder, b) })
	u.MFA = mfa
	return nil
}

// GetUserAuthFactors lists the signed-in user's factors.
func (s *Service) GetUserAuthFactors(ctx context.Context, in *cognitoidp.GetUserAuthFactorsRequest) (*cognitoidp.GetUserAuthFactorsResponse, error) {
	c, err := s.Auth.SignedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	var u *user.User
	var p *cognitoidp.UserPoolType
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		if p, _, err = s.Pools.Pool(ctx, tx, c.PoolID); err != nil {
			return err
		}
		u, _, err = s.Users.Get(ctx, tx, c.PoolID, c.Sub)
		return err
	})
	if errors.Is(err, user.ErrNotFound) {
		return nil, errUserNotFound // deleted since the token was checked
	}
	if err != nil {
		return nil, err
	}
	v, err := s.factorsOf(ctx, p, u)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetUserAuthFactorsResponse{
		Username: v.Username, PreferredMfaSetting: v.PreferredMfaSetting,
		UserMFASettingList: v.UserMFASettingList, ConfiguredUserAuthFactors: v.ConfiguredUserAuthFactors,
	}, nil
}

// AdminGetUserAuthFactors lists the factors of any user of a pool.
func (s *Service) AdminGetUserAuthFactors(ctx context.Context, in *cognitoidp.AdminGetUserAuthFactorsRequest) (*cognitoidp.AdminGetUserAuthFactorsResponse, error) {
	var u *user.User
	var p *cognitoidp.UserPoolType
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		if p, _, err = s.Pools.Pool(ctx, tx, *in.UserPoolId); err != nil {
			return err
		}
		u, err = s.Auth.NamedUser(ctx, tx, *in.UserPoolId, *in.Username)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.factorsOf(ctx, p, u)
}

// factorsOf is a user's factors as GetUserAuthFactors shows them: the MFA
// settings as AdminGetUser shows them, and the first factors of
// choice-based sign-in (USER_AUTH) that the pool allows and the user has:
// a password, a verified email address or phone number for one-time
// passwords, a passkey (auth.Service.ConfiguredFactors).
func (s *Service) factorsOf(ctx context.Context, p *cognitoidp.UserPoolType, u *user.User) (*cognitoidp.AdminGetUserAuthFactorsResponse, error) {
	configured, err := s.Auth.ConfiguredFactors(ctx, p, u)
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.AdminGetUserAuthFactorsResponse{Username: &u.Username, ConfiguredUserAuthFactors: configured}
	if len(u.MFA.Enabled) > 0 {
		out.UserMFASettingList = slices.Clone(u.MFA.Enabled)
	}
	if u.MFA.Preferred != "" {
		out.PreferredMfaSetting = &u.MFA.Preferred
	}
	return out, nil
}

func isTrue(b *bool) bool { return b != nil && *b }
