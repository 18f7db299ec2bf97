package api

import (
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/user"
)

// selfServiceNotes lists token-authorized and token operations that are
// only partly done.
var selfServiceNotes = map[string]string{
	"UpdateUserAttributes":             "no per-user limit of verification messages (LimitExceededException)",
	"GetUserAttributeVerificationCode": "no per-user limit of verification messages (LimitExceededException)",
	"GetTokensFromRefreshToken": "a client's legacy or ALLOW_REFRESH_TOKEN_AUTH-less ExplicitAuthFlows does not restrict it; " +
		"DeviceKey binds a remembered device's token but no new device is issued",
	"ChangePassword": "shares the sign-in lockout (a wrong previous password counts as a failed sign-in) under cirro's reading of Cognito's documentation",
}

func (a *API) registerSelfService(h *cognitoidp.Handlers) {
	// ChangePassword shares sign-in's lockout rule and state.
	// GetTokensFromRefreshToken refreshes as REFRESH_TOKEN_AUTH does,
	// token hooks (pre token generation) included.
	s := &user.SelfService{Users: a.Users, Tokens: a.Tokens, Guard: auth.Guard{}}
	if a.Auth != nil {
		s.Refresher = a.Auth.RefreshPreparer
	}
	h.GetUser = s.GetUser
	h.UpdateUserAttributes = s.UpdateUserAttributes
	h.DeleteUserAttributes = s.DeleteUserAttributes
	h.GetUserAttributeVerificationCode = s.GetUserAttributeVerificationCode
	h.VerifyUserAttribute = s.VerifyUserAttribute
	h.ChangePassword = s.ChangePassword
	h.SetUserSettings = s.SetUserSettings
	h.DeleteUser = s.DeleteUser

	h.GlobalSignOut = s.GlobalSignOut
	h.AdminUserGlobalSignOut = s.AdminUserGlobalSignOut
	h.RevokeToken = s.RevokeToken
	h.GetTokensFromRefreshToken = s.GetTokensFromRefreshToken
}
