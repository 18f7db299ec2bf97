// Package authhook plugs the Lambda triggers into sign-in through the
// extension points internal/auth offers, without changing it:
//
//   - a TokenHook runs post authentication (after the last challenge,
//     before tokens) and pre token generation (its changes go into the
//     tokens, for sign-in and REFRESH_TOKEN_AUTH alike);
//   - a PasswordHook runs pre authentication in the password flows
//     (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH) and
//     user migration for a name nobody has in those that carry the
//     password (password.go; the user is created by user.Service.Migrate);
//   - a FlowSpec for CUSTOM_AUTH and a ChallengeSpec for CUSTOM_CHALLENGE
//     run pre authentication and the define / create / verify auth
//     challenge triggers (customauth.go); SRP inside CUSTOM_AUTH asks
//     internal/auth's own PASSWORD_VERIFIER (auth.Service.SRPChallenge)
//     and takes the sign-in back with a Step that runs first.
package authhook
