package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/user"
)

// answerSelect answers SELECT_CHALLENGE with ANSWER, one of the
// challenges it offered, and the parameters of that challenge: PASSWORD
// or SRP_A complete the step at once, EMAIL_OTP and SMS_OTP send a code,
// WEB_AUTHN asks for a passkey (Amplify sends ANSWER alone and expects
// the WEB_AUTHN challenge with its CREDENTIAL_REQUEST_OPTIONS).
func (s *Service) answerSelect(ctx context.Context, r *Request) (*Outcome, error) {
	answer, err := r.Require("ANSWER")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(strings.Split(r.Session.Data[dataChoices], ","), answer) {
		return nil, errChoice(answer)
	}
	u, err := s.sessionUserOrDecoy(ctx, r)
	if err != nil {
		return nil, err
	}
	if u.Sub != "" && !slices.Contains(passwordChallenges, answer) {
		// Offered then, but the user may have lost it since (a passkey
		// deleted, an address changed).
		avail, err := s.availableChallenges(ctx, r.Pool, u)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(avail, answer) {
			return nil, errChoice(answer)
		}
	}
	return s.startFactor(ctx, r, u, answer)
}

// answerPasswordChallenge answers PASSWORD, asked when USER_AUTH
// preferred it without giving the password.
func (s *Service) answerPasswordChallenge(ctx context.Context, r *Request) (*Outcome, error) {
	pw, err := r.Require("PASSWORD")
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUserOrDecoy(ctx, r)
	if err != nil {
		return nil, err
	}
	return s.passwordFor(ctx, r, r.Param("USERNAME"), pw, realUser(u))
}

// answerPasswordSRPChallenge answers PASSWORD_SRP with SRP_A; the answer
// is PASSWORD_VERIFIER, as for USER_SRP_AUTH.
func (s *Service) answerPasswordSRPChallenge(ctx context.Context, r *Request) (*Outcome, error) {
	srpA, err := r.Require("SRP_A")
	if err != nil {
		return nil, err
	}
	u, err := s.sessionUserOrDecoy(ctx, r)
	if err != nil {
		return nil, err
	}
	return s.srpChallenge(ctx, r, r.Param("USERNAME"), srpA, realUser(u), false)
}

// sessionUserOrDecoy is the user a USER_AUTH challenge was issued to, as
// stored now, or the decoy of an unknown name.
func (s *Service) sessionUserOrDecoy(ctx context.Context, r *Request) (*user.User, error) {
	if r.Session.Sub == "" {
		return decoyUser(r.Session.Username), nil
	}
	return s.SessionUser(ctx, r)
}
