// Package authhook plugs the Lambda triggers into sign-in through the
// extension points internal/auth offers, without changing it:
//
//   - a TokenHook runs post authentication (after the last challenge,
//     before tokens) and pre token generation (its changes go into the
//     tokens, for sign-in and REFRESH_TOKEN_AUTH alike);
//   - a FlowSpec for CUSTOM_AUTH and a ChallengeSpec for CUSTOM_CHALLENGE
//     run pre authentication and the define / create / verify auth
//     challenge triggers (customauth.go).
//
// Triggers that need a call inside a flow's own steps (pre authentication
// and user migration for USER_PASSWORD_AUTH and USER_SRP_AUTH) have no
// hook there; internal/trigger's documentation lists where they go.
package authhook
