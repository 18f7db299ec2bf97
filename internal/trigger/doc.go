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
// Sign-in reaches the triggers through internal/auth's hooks
// (authhook): post authentication and pre token generation on every token
// issue, and the whole of CUSTOM_AUTH. The flows that own the other call
// sites call the Service directly, outside any store transaction (an
// invocation may take seconds and must not run again when a transaction
// retries), before they commit, so that a failing trigger leaves nothing
// behind:
//
//   - SignUp, AdminCreateUser: PreSignUp (CheckPreSignUp on the answer);
//   - ConfirmSignUp, AdminConfirmSignUp, ConfirmForgotPassword:
//     PostConfirmation;
//   - every message with a code or temporary password: SenderFor, then
//     CustomSender, or CustomMessage and CustomMessageResponse.Template;
//   - USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH:
//     PreAuthentication; for an unknown user of the password flows and of
//     ForgotPassword, UserMigration;
//   - GetTokensFromRefreshToken: PreTokenGeneration.
package trigger
