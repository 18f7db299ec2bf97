package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// authNotes lists sign-in operations that are only partly done.
var authNotes = map[string]string{
	"InitiateAuth": "USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH/REFRESH_TOKEN; no CUSTOM_AUTH or USER_AUTH yet, " +
		"no MFA challenges or remembered devices yet, no Lambda triggers; SECRET_HASH is checked against the client's primary secret only",
	"AdminInitiateAuth": "USER_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH/ADMIN_NO_SRP_AUTH, REFRESH_TOKEN_AUTH/REFRESH_TOKEN; no CUSTOM_AUTH or USER_AUTH yet, " +
		"no MFA challenges or remembered devices yet, no Lambda triggers",
	"RespondToAuthChallenge":      "PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED; MFA, device and custom challenges come with their issues",
	"AdminRespondToAuthChallenge": "PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED; MFA, device and custom challenges come with their issues",
	"AdminListUserAuthEvents": "records every password sign-in whether or not threat protection is on (Cognito answers UserPoolAddOnNotEnabledException without it); " +
		"no risk assessment: every event is NoRisk",
	"UpdateAuthEventFeedback": "cirro sends no risk notifications, so feedback tokens come only from the auth service's FeedbackToken",
}

func (a *API) registerAuth(h *cognitoidp.Handlers) {
	s := a.Auth
	if s == nil {
		return
	}
	h.InitiateAuth = s.InitiateAuth
	h.AdminInitiateAuth = s.AdminInitiateAuth
	h.RespondToAuthChallenge = s.RespondToAuthChallenge
	h.AdminRespondToAuthChallenge = s.AdminRespondToAuthChallenge
	h.AdminListUserAuthEvents = s.AdminListUserAuthEvents
	h.AdminUpdateAuthEventFeedback = s.AdminUpdateAuthEventFeedback
	h.UpdateAuthEventFeedback = s.UpdateAuthEventFeedback
}
