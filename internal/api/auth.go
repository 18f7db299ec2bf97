package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// authNotes lists sign-in operations that are only partly done.
var authNotes = map[string]string{
	"RespondToAuthChallenge":      "SELECT_CHALLENGE with ANSWER WEB_AUTHN and a CREDENTIAL answers the WEB_AUTHN challenge instead of signing in (no challenge was issued to sign)",
	"AdminRespondToAuthChallenge": "SELECT_CHALLENGE with ANSWER WEB_AUTHN and a CREDENTIAL answers the WEB_AUTHN challenge instead of signing in (no challenge was issued to sign)",
	"AdminListUserAuthEvents": "events are kept, as in Cognito, only in pools with threat protection (AUDIT or ENFORCED; otherwise UserPoolAddOnNotEnabledException, in our words); " +
		"no risk assessment: every event is NoRisk",
	"UpdateAuthEventFeedback": "cirro sends no risk notifications; feedback tokens come from the auth service (auth.Service.FeedbackToken)",
}

func (a *API) registerAuth(h *cognitoidp.Handlers) {
	s := a.Auth
	h.InitiateAuth = s.InitiateAuth
	h.AdminInitiateAuth = s.AdminInitiateAuth
	h.RespondToAuthChallenge = s.RespondToAuthChallenge
	h.AdminRespondToAuthChallenge = s.AdminRespondToAuthChallenge
	h.AdminListUserAuthEvents = s.AdminListUserAuthEvents
	h.AdminUpdateAuthEventFeedback = s.AdminUpdateAuthEventFeedback
	h.UpdateAuthEventFeedback = s.UpdateAuthEventFeedback
}
