package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// userNotes lists user-directory operations that are only partly done.
var userNotes = map[string]string{
	"SignUp": "no email/SMS rate quotas (LimitExceededException)",
	"ConfirmSignUp": "a code survives five wrong guesses, then TooManyFailedAttemptsException until a new code is sent; " +
		"a failing post confirmation trigger leaves the user unconfirmed (Cognito does not document whether it rolls back)",
	"AdminCreateUser": "unlike Cognito, a failed invitation creates no user (CodeDeliveryFailureException, nothing stored); " +
		"the default DesiredDeliveryMediums (SMS) is skipped for a user without a phone number",
	"ForgotPassword":        "no per-user hourly limit of reset requests (LimitExceededException)",
	"ConfirmForgotPassword": "a code survives five wrong guesses, then TooManyFailedAttemptsException until a new code is sent",
	"ListUsers": "AttributesToGet does not fail when some user lacks a requested attribute, as Cognito documents it may; " +
		"a filter matching many users costs in proportion to the matches (the store's key query), a selective one does not",
}

func (a *API) registerUsers(h *cognitoidp.Handlers) {
	u := a.Users
	h.SignUp = u.SignUp
	h.ConfirmSignUp = u.ConfirmSignUp
	h.ResendConfirmationCode = u.ResendConfirmationCode
	h.ForgotPassword = u.ForgotPassword
	h.ConfirmForgotPassword = u.ConfirmForgotPassword

	h.AdminCreateUser = u.AdminCreateUser
	h.AdminGetUser = u.AdminGetUser
	h.AdminConfirmSignUp = u.AdminConfirmSignUp
	h.AdminDeleteUser = u.AdminDeleteUser
	h.AdminDisableUser = u.AdminDisableUser
	h.AdminEnableUser = u.AdminEnableUser
	h.AdminSetUserPassword = u.AdminSetUserPassword
	h.AdminResetUserPassword = u.AdminResetUserPassword
	h.AdminUpdateUserAttributes = u.AdminUpdateUserAttributes
	h.AdminDeleteUserAttributes = u.AdminDeleteUserAttributes
	h.AdminSetUserSettings = u.AdminSetUserSettings
	h.ListUsers = u.ListUsers

	h.AdminAddUserToGroup = u.AdminAddUserToGroup
	h.AdminRemoveUserFromGroup = u.AdminRemoveUserFromGroup
	h.AdminListGroupsForUser = u.AdminListGroupsForUser
	h.ListUsersInGroup = u.ListUsersInGroup
}
