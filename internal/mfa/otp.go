package mfa

import (
	"context"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/user"
)

// One-time passwords as first factors of USER_AUTH (passwordless
// sign-in): EMAIL_OTP and SMS_OTP. They are the MFA codes' machinery:
// the same six digits, message templates ("EmailMfaConfiguration … for
// sign-in and MFA messages"; SmsAuthenticationMessage "for MFA and
// sign-in with SMS-message OTPs", model), three-minute validity, keyed
// hash sealed in the single-use Session, and a wrong code counted toward
// the sign-in lockout. A code sent as a first factor is marked in the
// Session, so that its answer passes the first factor rather than MFA.

// dataFirst marks the Session of a code sent as a first factor.
const dataFirst = "first_factor"

// otpChallenges name the first-factor challenge of each code factor.
var otpChallenges = map[string]string{Email: cognitoidp.ChallengeNameTypeEmailOtp, SMS: cognitoidp.ChallengeNameTypeSmsOtp}

// registerFirstFactors adds EMAIL_OTP and SMS_OTP to USER_AUTH. EMAIL_OTP
// is answered by the MFA challenge of the same name (answerCode); SMS_OTP
// has its own answer parameter, SMS_OTP_CODE.
func (s *Service) registerFirstFactors(a *auth.Service) {
	for factor, name := range otpChallenges {
		a.AddFirstFactor(name, otpFactor{s: s, factor: factor})
	}
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeSmsOtp, Handler: s.answerOTP(SMS, "SMS_OTP_CODE")})
}

// otpFactor is one code factor as a first factor.
type otpFactor struct {
	s      *Service
	factor string
}

// Available reports a verified address or phone number to send to.
func (f otpFactor) Available(_ context.Context, _ *cognitoidp.UserPoolType, u *user.User) (bool, error) {
	return configured(u, f.factor), nil
}

// Challenge sends u a code.
func (f otpFactor) Challenge(ctx context.Context, r *auth.Request, u *user.User) (*auth.Challenge, error) {
	c, err := f.s.config(ctx, u.PoolID)
	if err != nil {
		return nil, err
	}
	data, delivery, err := f.s.sendCode(ctx, r, c, u, f.factor)
	if err != nil {
		return nil, err
	}
	data[dataFirst] = "true"
	return &auth.Challenge{Name: otpChallenges[f.factor], User: u, Parameters: delivery, Data: r.CarryData(data)}, nil
}

// answerOTP answers a first-factor code challenge (SMS_OTP) with param.
func (s *Service) answerOTP(factor, param string) auth.HandlerFunc {
	return func(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
		code, err := r.Require(param)
		if err != nil {
			return nil, err
		}
		return s.checkAnswer(ctx, r, factor, code)
	}
}

// checkAnswer decides a code answer, as a first factor or as MFA
// according to how the code was sent.
func (s *Service) checkAnswer(ctx context.Context, r *auth.Request, factor, code string) (*auth.Outcome, error) {
	first := r.Session.Data[dataFirst] != ""
	label := cognitoidp.ChallengeNameMfa
	if first {
		label = cognitoidp.ChallengeNamePassword
	}
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.Auth.CheckLockout(ctx, r, u, label); err != nil {
		return nil, err
	}
	if err := s.checkCode(u, factor, code, r.Session.Data, r.Now()); err != nil {
		return nil, s.failedAs(ctx, r, u, label, err)
	}
	if first {
		return s.Auth.FirstFactorPassed(u)
	}
	return passed(u, nil), nil
}
