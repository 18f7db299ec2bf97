package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// limitNotes says where the provisioned limits differ from Cognito's.
var limitNotes = map[string]string{
	"GetProvisionedLimit": "account-wide limits per API category, defaults from Cognito's quota table; they throttle only with quotas.enforce " +
		"(off by default), counted per node with a token bucket per category (nodes sharing a database do not share counts). " +
		"Not counted: the OAuth endpoints and hosted pages (UserAuthentication, UserFederation, ClientAuthentication), " +
		"NEW_PASSWORD_REQUIRED responses as UserAccountRecovery, the 5 RPS per-pool cap on single operations, per-user rates",
	"UpdateProvisionedLimit": "adjustable categories only, from the default up to quotas.max (default ten times the default; " +
		"ServiceQuotaExceededException above it); UserAuthentication and UserFederation refused once any pool has a managed-login " +
		"(version 2) domain; see GetProvisionedLimit for enforcement",
}

func (a *API) registerLimits(h *cognitoidp.Handlers) {
	h.GetProvisionedLimit = a.Limits.GetProvisionedLimit
	h.UpdateProvisionedLimit = a.Limits.UpdateProvisionedLimit
}
