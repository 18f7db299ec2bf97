// Package mfa is a user pool's multi-factor authentication: the factors
// (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA), the rules that decide which of
// them a sign-in must answer, the challenges that ask for them, and the
// operations that set them up (AssociateSoftwareToken, VerifySoftwareToken,
// SetUserMFAPreference and AdminSetUserMFAPreference, GetUserAuthFactors).
//
// # Which challenge
//
// It plugs into internal/auth as a Step that runs once the password (and
// any new password) is through, and as the Handlers of the challenges it
// asks. With the pool's MfaConfiguration OFF nothing is asked. A factor
// can challenge a user when the pool turns it on and the user has what it
// needs: a verified authenticator for TOTP, a verified phone number for
// SMS, a verified email address for email. With MFA OPTIONAL only the
// factors the user turned on count; with MFA ON every factor the user can
// receive counts ("You can't turn off SMS MFA for any of your users when
// MFA is required in your user pool", model, SMSMfaSettingsType). Then:
// the preferred factor if it can challenge; the only one if there is one;
// SELECT_MFA_TYPE if there are several; and with MFA ON and none,
// MFA_SETUP, which AssociateSoftwareToken and VerifySoftwareToken answer
// with the challenge's Session before RespondToAuthChallenge completes it.
// A sign-in that authenticated a remembered device which may stand in for
// MFA (internal/device) is not asked, nor is a custom sign-in
// (CUSTOM_AUTH) that proved no password, as Cognito does.
//
// # Codes
//
// SMS and email codes are six CSPRNG digits sent with the pool's template
// (SmsAuthenticationMessage; EmailMfaConfiguration), valid three minutes
// and for one sign-in: only their keyed hash travels, sealed in the
// challenge's Session, which is single use. TOTP is RFC 6238 (SHA-1, six
// digits, 30-second steps) accepting one step of clock skew each way; the
// last step accepted is kept with the user, so a code is never accepted
// twice, by sign-in or by VerifySoftwareToken. TOTP secrets are sealed
// under the master key, bound to pool and user. A wrong code counts toward
// the sign-in lockout of internal/auth exactly as a wrong password does,
// and a locked user's code is not checked.
//
// The same codes are the passwordless first factors EMAIL_OTP and SMS_OTP
// of USER_AUTH (otp.go); after them no MFA is asked.
package mfa
