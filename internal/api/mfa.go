package api

import (
	"context"

	"github.com/cirrohq/cirro/internal/mfa"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// mfaNotes lists MFA operations that are only partly done.
var mfaNotes = map[string]string{
	"AssociateSoftwareToken": "during MFA_SETUP the Session it answers is the challenge's own, so associating, verifying and answering " +
		"must fit in one AuthSessionValidity (Cognito starts a new session)",
	"VerifySoftwareToken":       "FriendlyDeviceName is accepted and not kept",
	"SetUserMFAPreference":      "WebAuthnMfaSettings (passkeys) is ignored",
	"AdminSetUserMFAPreference": "WebAuthnMfaSettings (passkeys) is ignored",
}

func (a *API) registerMFA(h *cognitoidp.Handlers) {
	s := a.MFA
	h.AssociateSoftwareToken = s.AssociateSoftwareToken
	h.VerifySoftwareToken = s.VerifySoftwareToken
	h.SetUserMFAPreference = s.SetUserMFAPreference
	h.AdminSetUserMFAPreference = s.AdminSetUserMFAPreference
	h.GetUserAuthFactors = s.GetUserAuthFactors
	h.AdminGetUserAuthFactors = s.AdminGetUserAuthFactors
	wrapSetupSessions(h)
}

// wrapSetupSessions makes the sign-in operations hand out an MFA_SETUP
// Session that AssociateSoftwareToken, whose request names no app client,
// can open (mfa.WrapSetupSession). It wraps whatever registerAuth
// registered, so it runs after it.
func wrapSetupSessions(h *cognitoidp.Handlers) {
	if f := h.InitiateAuth; f != nil {
		h.InitiateAuth = func(ctx context.Context, in *cognitoidp.InitiateAuthRequest) (*cognitoidp.InitiateAuthResponse, error) {
			out, err := f(ctx, in)
			if err == nil {
				out.Session = mfa.WrapSetupSession(*in.ClientId, out.ChallengeName, out.Session)
			}
			return out, err
		}
	}
	if f := h.AdminInitiateAuth; f != nil {
		h.AdminInitiateAuth = func(ctx context.Context, in *cognitoidp.AdminInitiateAuthRequest) (*cognitoidp.AdminInitiateAuthResponse, error) {
			out, err := f(ctx, in)
			if err == nil {
				out.Session = mfa.WrapSetupSession(*in.ClientId, out.ChallengeName, out.Session)
			}
			return out, err
		}
	}
	if f := h.RespondToAuthChallenge; f != nil {
		h.RespondToAuthChallenge = func(ctx context.Context, in *cognitoidp.RespondToAuthChallengeRequest) (*cognitoidp.RespondToAuthChallengeResponse, error) {
			out, err := f(ctx, in)
			if err == nil {
				out.Session = mfa.WrapSetupSession(*in.ClientId, out.ChallengeName, out.Session)
			}
			return out, err
		}
	}
	if f := h.AdminRespondToAuthChallenge; f != nil {
		h.AdminRespondToAuthChallenge = func(ctx context.Context, in *cognitoidp.AdminRespondToAuthChallengeRequest) (*cognitoidp.AdminRespondToAuthChallengeResponse, error) {
			out, err := f(ctx, in)
			if err == nil {
				out.Session = mfa.WrapSetupSession(*in.ClientId, out.ChallengeName, out.Session)
			}
			return out, err
		}
	}
}
