package mfa

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// codeParams are the answer parameters of the code challenges (model,
// RespondToAuthChallenge ChallengeResponses).
var codeParams = map[string]string{SMS: "SMS_MFA_CODE", Email: "EMAIL_OTP_CODE"}

// answerCode answers SMS_MFA and EMAIL_OTP with the code that was sent.
func (s *Service) answerCode(factor string) auth.HandlerFunc {
	return func(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
		code, err := r.Require(codeParams[factor])
		if err != nil {
			return nil, err
		}
		// EMAIL_OTP also answers the first factor of USER_AUTH (otp.go).
		return s.checkAnswer(ctx, r, factor, code)
	}
}

// answerTOTP answers SOFTWARE_TOKEN_MFA with a code of the user's
// authenticator. Accepting it and recording its step are one transaction,
// so that of two sign-ins racing with the same code one fails.
func (s *Service) answerTOTP(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	code, err := r.Require("SOFTWARE_TOKEN_MFA_CODE")
	if err != nil {
		return nil, err
	}
	u, err := s.checkedUser(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.useTOTP(ctx, u, code, r.Now()); err != nil {
		return nil, s.failed(ctx, r, u, err)
	}
	return passed(u, nil), nil
}

// useTOTP accepts code for u's authenticator at now if it is right and
// newer than any code accepted before, and records its step.
func (s *Service) useTOTP(ctx context.Context, u *user.User, code string, now time.Time) error {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pools.Pool(ctx, tx, u.PoolID)
		if err != nil {
			return err
		}
		fresh, rec, err := s.Users.Get(ctx, tx, u.PoolID, u.Sub)
		if err != nil {
			return err
		}
		if len(fresh.MFA.TOTPSecret) == 0 {
			return errCodeMismatch // removed since the challenge was issued
		}
		secret, err := s.openSecret(fresh, fresh.MFA.TOTPSecret)
		if err != nil {
			return err
		}
		st, ok := totpStep(secret, code, now)
		switch {
		case !ok:
			return errCodeMismatch
		case st <= fresh.MFA.TOTPLastStep:
			return errTOTPReused
		}
		fresh.MFA.TOTPLastStep = st
		return s.Users.Save(ctx, tx, p, fresh, rec)
	})
	if errors.Is(err, user.ErrNotFound) {
		return auth.ErrIncorrect // deleted while signing in
	}
	return err
}

// answerSelect answers SELECT_MFA_TYPE with one of the factors offered
// (ANSWER), and asks for it.
func (s *Service) answerSelect(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	answer, err := r.Require("ANSWER")
	if err != nil {
		return nil, err
	}
	if answer == "EMAIL_MFA" { // the model's name for it in this answer
		answer = Email
	}
	if !slices.Contains(strings.Split(r.Session.Data[dataChoices], ","), answer) {
		return nil, errUnknownChoice(answer)
	}
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	c, err := s.config(ctx, u.PoolID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(c.usable(u), answer) {
		return nil, errUnknownChoice(answer) // gone since it was offered
	}
	ch, err := s.challenge(ctx, r, c, u, answer)
	if err != nil {
		return nil, err
	}
	return &auth.Outcome{Challenge: ch}, nil
}

// answerSetup completes MFA_SETUP once the user has verified an
// authenticator with the challenge's session (AssociateSoftwareToken,
// VerifySoftwareToken). The authenticator becomes the user's TOTP factor,
// preferred unless another factor is.
func (s *Service) answerSetup(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	c, err := s.config(ctx, u.PoolID)
	if err != nil {
		return nil, err
	}
	if !c.has(TOTP) {
		return nil, errTOTPOff
	}
	if len(u.MFA.TOTPSecret) == 0 {
		return nil, errTOTPUnverified
	}
	return passed(u, func(fresh *user.User) {
		if !slices.Contains(fresh.MFA.Enabled, TOTP) {
			fresh.MFA.Enabled = append(fresh.MFA.Enabled, TOTP)
		}
		if fresh.MFA.Preferred == "" {
			fresh.MFA.Preferred = TOTP
		}
	}), nil
}

// checkedUser is the user a code answer is for, refused while a lockout
// runs.
func (s *Service) checkedUser(ctx context.Context, r *auth.Request) (*user.User, error) {
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.Auth.CheckLockout(ctx, r, u, cognitoidp.ChallengeNameMfa); err != nil {
		return nil, err
	}
	return u, nil
}

// failed returns the error of a refused code, after counting a wrong one
// toward the lockout (an expired or replayed code is no guess).
func (s *Service) failed(ctx context.Context, r *auth.Request, u *user.User, err error) error {
	return s.failedAs(ctx, r, u, cognitoidp.ChallengeNameMfa, err)
}

// failedAs is failed with the auth event's name for the factor.
func (s *Service) failedAs(ctx context.Context, r *auth.Request, u *user.User, factor string, err error) error {
	if err != errCodeMismatch {
		return err
	}
	if ferr := s.Auth.FailChallenge(ctx, r, u, factor); ferr != nil {
		return ferr
	}
	return err
}

// passed is the outcome of a proven second factor: the user, with any
// failed attempts forgotten, as a right password forgets them, and change.
func passed(u *user.User, change func(*user.User)) *auth.Outcome {
	out := &auth.Outcome{User: u, Factor: cognitoidp.ChallengeNameMfa, UserChange: change}
	if u.Lockout != (user.Lockout{}) {
		out.UserChange = func(fresh *user.User) {
			fresh.Lockout = user.Lockout{}
			if change != nil {
				change(fresh)
			}
		}
	}
	return out
}
