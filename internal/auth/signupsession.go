package auth

import (
	"context"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/user"
)

// Sign-in straight from sign-up: ConfirmSignUp answers a Session that
// InitiateAuth with USER_AUTH takes instead of a challenge ("When you
// pass the session ID to InitiateAuth, Amazon Cognito assumes the SMS or
// email message one-time verification password from ConfirmSignUp as
// the primary authentication factor", model, InitiateAuthRequest.Session;
// Amplify's autoSignIn). The Session is an ordinary sealed one whose
// Challenge is the flow itself, USER_AUTH, which no challenge answer can
// present; it is single-use and lasts the client's AuthSessionValidity.
// The code the user confirmed with counts as the factor it was sent by,
// EMAIL_OTP or SMS_OTP, so that MFA is settled as after those.

// SignUpSession seals the Session ConfirmSignUp answers for u, who has
// just confirmed with a code sent to attribute ("email" or
// "phone_number") on client c of pool p.
func (s *Service) SignUpSession(p *cognitoidp.UserPoolType, c *cognitoidp.UserPoolClientType, u *user.User, attribute string) (string, error) {
	factor := cognitoidp.ChallengeNameTypeEmailOtp
	if attribute == "phone_number" {
		factor = cognitoidp.ChallengeNameTypeSmsOtp
	}
	now := s.clock.Now()
	return s.sealSession(&Session{
		ID: uuid.NewString(), PoolID: deref(p.Id), ClientID: deref(c.ClientId), Sub: u.Sub, Username: u.Username,
		Challenge: cognitoidp.AuthFlowTypeUserAuth, Passed: []string{factor}, EventID: newEventID(),
		Expires: now.Add(pool.ClientAuthSession(c)),
	})
}

// signUpSignIn is USER_AUTH with the Session of ConfirmSignUp: the user
// it was issued for, named by USERNAME, confirmed and enabled, passes the
// first factor; the Steps follow (MFA finds it settled).
func (s *Service) signUpSignIn(ctx context.Context, r *Request, name, raw string) (*Outcome, error) {
	ss, err := s.openSession(r, raw)
	if err != nil {
		return nil, err
	}
	r.Session = ss
	if err := s.checkSessionUser(ctx, r, name); err != nil {
		return nil, err
	}
	if err := s.checkUnspent(ctx, r, ss.ID); err != nil {
		return nil, err
	}
	r.eventID = ss.EventID
	r.Spend(ss.ID, ss.Expires)
	u, err := s.getUser(ctx, r, ss.PoolID, ss.Sub)
	if err != nil {
		return nil, err
	}
	if err := refuseState(u); err != nil {
		return nil, err
	}
	if u.Status != user.StatusConfirmed {
		return nil, errSessionInvalid
	}
	return &Outcome{User: u}, nil
}
