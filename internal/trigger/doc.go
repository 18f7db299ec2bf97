// Package trigger invokes a user pool's Lambda triggers: the functions its
// LambdaConfig names, with Cognito's event JSON, under Cognito's limits,
// with Cognito's errors.
//
// # Events
//
// Every trigger source has its event type (lifecycle.go, tokengen.go,
// message.go, migration.go, challenge.go, federation.go): the common
// header (version, triggerSource, region, userPoolId, userName,
// callerContext{awsSdkVersion, clientId}), a request and a response whose
// field names and defaults are those of the developer guide's trigger
// pages; testdata/<source>.json holds the exact JSON of each. A function
// returns the event with its response filled in; only the response is
// read back. The Service has one method per trigger point. Each returns
// at once, invoking nothing, when the pool attaches no function there.
//
// # Reaching a function
//
// Pools keep Cognito's function ARNs. cirro's configuration
// (config.TriggersConfig) maps them, exactly or by pattern, to a way to
// call them (Router): the Lambda Invoke API (LambdaInvoker: AWS Lambda, or
// the Lambda Runtime Interface Emulator running the function locally), a
// webhook (WebhookInvoker, HMAC-signed), or a local command
// (CommandInvoker). A Lambda endpoint may also take every ARN nothing
// maps. An ARN that maps nowhere is UnexpectedLambdaException, whose
// message says how to map it.
//
// # Limits and errors
//
// As the developer guide says ("Important considerations"), a function
// must answer within 5 seconds, else Cognito retries, and gives up after
// three attempts. cirro does the same (both numbers configurable): an
// attempt that timed out, was throttled (HTTP 429, TooManyRequests), hit a
// server fault (5xx) or could not connect is tried again after a short,
// doubling pause; a function that threw, an answer cirro cannot read and
// a refusal (function not found, access denied) are not. The outcome maps
// to Cognito's errors and messages:
//
//   - the function threw: UserLambdaValidationException, "<Trigger> failed
//     with error <the function's message>.";
//   - no answer (unreachable, refused, timed out):
//     UnexpectedLambdaException, "<Trigger> invocation failed due to error
//     <reason>.", the reason being the Lambda error type or "Socket timeout
//     while invoking Lambda function";
//   - an answer that is not the event: InvalidLambdaResponseException,
//     "Unrecognizable lambda output".
//
// # Custom sender codes
//
// Custom email and SMS senders receive their code encrypted, as an AWS
// Encryption SDK message (esdk.go): Cognito wraps its data key with the
// pool's KMS key; cirro wraps it with a local AES-256 key configured for
// the pool's KMSKeyID (triggers.kms_keys), as the Encryption SDK's raw
// AES keyring does (key namespace "cirro", key name the KMSKeyID). A
// function decrypts with the Encryption SDK and a raw AES keyring instead
// of a KMS keyring; DecryptCode does the same in Go.
//
// # Where flows call in
//
// Every call is made outside any store transaction (an invocation may
// take seconds and must not run again when a transaction retries) and
// before the operation commits, so that a function that throws, times
// out or answers nonsense leaves nothing behind: no user, no confirmation,
// no code sent or stored, no token issued.
//
// Sign-in reaches the triggers through internal/auth's hooks (authhook):
//
//   - every token issue (auth.TokenHook): PostAuthentication, then
//     PreTokenGeneration — TokenGeneration_Authentication,
//     _NewPasswordChallenge, _AuthenticateDevice, _HostedAuth (the token
//     endpoint after a hosted sign-in), and _RefreshTokens for
//     REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken (auth.RefreshPreparer)
//     and the token endpoint's refresh_token grant, which run no post
//     authentication;
//   - USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH
//     (auth.PasswordHook): PreAuthentication once the user is known, and
//     for a name nobody has, in the flows that carry the password,
//     UserMigration_Authentication (user.Service.Migrate creates the
//     user). As in Cognito, USER_SRP_AUTH does not migrate: SRP never
//     sends the password the function must check;
//   - CUSTOM_AUTH and CUSTOM_CHALLENGE: PreAuthentication and the
//     define / create / verify auth challenge triggers.
//
// The user directory (internal/user) calls the Service itself:
//
//   - SignUp, AdminCreateUser: PreSignUp (CheckPreSignUp on the answer;
//     autoConfirmUser applies to SignUp only);
//   - ConfirmSignUp (and its confirmation link), AdminConfirmSignUp,
//     ConfirmForgotPassword: PostConfirmation, before the confirmation
//     is committed;
//   - ForgotPassword of a name nobody has: UserMigration_ForgotPassword;
//   - every message with a code or temporary password, through one seam
//     (user.Service.Notify; internal/mfa's SMS and email codes use it
//     too): the custom sender of the channel when the pool has one
//     (CustomSender, the code encrypted), otherwise CustomMessage and
//     CustomMessageResponse.Template, then cirro's channels. Sources:
//     SignUp, ResendCode, AdminCreateUser (also for a migrated user's
//     welcome), ForgotPassword (and AdminResetUserPassword),
//     UpdateUserAttribute (UpdateUserAttributes,
//     AdminUpdateUserAttributes), VerifyUserAttribute
//     (GetUserAttributeVerificationCode), Authentication (MFA codes).
//
// Federation (internal/federation) calls PreSignUp_ExternalProvider and
// InboundFederation.
package trigger
