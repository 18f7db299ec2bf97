package mfa

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// dataChoices is the Session data of SELECT_MFA_TYPE: the factors offered.
const dataChoices = "choices"

// step asks for a second factor once the sign-in has passed its first.
type step struct{ s *Service }

// settled are the challenges after which no MFA is asked: a factor
// answered (or set up), or a device authenticated, which internal/device
// does before MFA only for a remembered device that may stand in for it,
// and otherwise after MFA was answered. The passwordless first factors of
// USER_AUTH (EMAIL_OTP, SMS_OTP, WEB_AUTHN) settle it too: MFA follows a
// password only ("additional factors to sign in your users who have
// passwords as their primary authentication factor", developer guide,
// "Adding MFA to a user pool").
var settled = []string{
	cognitoidp.ChallengeNameTypeSmsMfa, cognitoidp.ChallengeNameTypeEmailOtp,
	cognitoidp.ChallengeNameTypeSoftwareTokenMfa, cognitoidp.ChallengeNameTypeMfaSetup,
	cognitoidp.ChallengeNameTypeDevicePasswordVerifier,
	cognitoidp.ChallengeNameTypeSmsOtp, cognitoidp.ChallengeNameTypeWebAuthn,
}

// Next asks the challenge the pool's configuration and the user's factors
// call for (config.decide), or nothing.
func (st step) Next(ctx context.Context, r *auth.Request, u *user.User, passed []string) (*auth.Challenge, error) {
	if slices.ContainsFunc(passed, func(p string) bool { return slices.Contains(settled, p) }) || passwordless(r, passed) {
		return nil, nil
	}
	c, ok := kept(r)
	if !ok {
		var err error
		if c, err = st.s.config(ctx, u.PoolID); err != nil {
			return nil, err
		}
	}
	name, offer := c.decide(u)
	switch name {
	case "":
		return nil, nil
	case cognitoidp.ChallengeNameTypeMfaSetup:
		return &auth.Challenge{Name: name, Parameters: params(u, "MFAS_CAN_SETUP", offer), Data: r.CarryData(nil)}, nil
	case cognitoidp.ChallengeNameTypeSelectMfaType:
		return &auth.Challenge{
			Name: name, Parameters: params(u, "MFAS_CAN_CHOOSE", offer),
			Data: r.CarryData(map[string]string{dataChoices: strings.Join(offer, ",")}),
		}, nil
	}
	return st.s.challenge(ctx, r, c, u, name)
}

// configKey keeps the pool's MFA configuration in a sign-in's Request.
type configKey struct{}

// Preload reads the pool's MFA configuration in the read transaction of a
// call that may sign u in (auth.Preloader), unless the call answers a
// challenge after which no MFA is asked.
func (st step) Preload(ctx context.Context, tx store.Tx, r *auth.Request, u *user.User) error {
	if slices.Contains(settled, r.Name) || passwordless(r, nil) {
		return nil
	}
	if mode := r.Pool.MfaConfiguration; mode == nil || *mode == cognitoidp.UserPoolMfaTypeOff {
		// The pool record holds the mode, and with MFA off no factor is
		// asked (config.decide), so the factors' record need not be read.
		r.Keep(configKey{}, configOf(r.Pool, &cognitoidp.GetUserPoolMfaConfigResponse{MfaConfiguration: mode}))
		return nil
	}
	m, err := st.s.Pools.MfaConfigOf(ctx, tx, r.Pool)
	if err != nil {
		return err
	}
	r.Keep(configKey{}, configOf(r.Pool, m))
	return nil
}

func kept(r *auth.Request) (*config, bool) {
	v, ok := r.Kept(configKey{})
	if !ok {
		return nil, false
	}
	c, ok := v.(*config)
	return c, ok
}

// passwordless reports a custom sign-in (CUSTOM_AUTH) that proved no
// password. Cognito asks no MFA there: "MFA is not supported when using
// passwordless authentication flows within a Custom Auth Flow, as MFA
// generation is dependent on the password verifier challenge being
// triggered" (the Cognito team, in amplify-js#12887); after an SRP
// password within a custom flow it does (amplify-js#3876).
func passwordless(r *auth.Request, passed []string) bool {
	if slices.Contains(passed, cognitoidp.ChallengeNameTypePasswordVerifier) {
		return false
	}
	return r.Name == cognitoidp.AuthFlowTypeCustomAuth || slices.Contains(passed, cognitoidp.ChallengeNameTypeCustomChallenge)
}

// challenge asks u for factor: a TOTP code, or a code it sends now.
func (s *Service) challenge(ctx context.Context, r *auth.Request, c *config, u *user.User, factor string) (*auth.Challenge, error) {
	ch := &auth.Challenge{Name: factor, User: u, Parameters: map[string]string{"USER_ID_FOR_SRP": u.Username}}
	if factor == TOTP {
		ch.Data = r.CarryData(nil)
		return ch, nil
	}
	data, delivery, err := s.sendCode(ctx, r, c, u, factor)
	if err != nil {
		return nil, err
	}
	maps.Copy(ch.Parameters, delivery)
	ch.Data = r.CarryData(data)
	return ch, nil
}

// params are the parameters of SELECT_MFA_TYPE and MFA_SETUP: the factors
// as a JSON array, as Cognito sends them ("[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]").
func params(u *user.User, name string, factors []string) map[string]string {
	list, _ := json.Marshal(append([]string{}, factors...)) // "[]", never "null"; a []string always marshals
	return map[string]string{name: string(list), "USER_ID_FOR_SRP": u.Username}
}
