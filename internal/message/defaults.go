package message

// Cognito's default templates: what a pool sends when its configuration
// leaves a template out. An API-created pool stores none of them
// (DescribeUserPool shows only DefaultEmailOption CONFIRM_WITH_CODE), so
// they are applied at send time, never written into the pool.
//
// Sources: the values the Cognito console writes into a new pool, as seen
// in exported configurations (Terraform state of console-made pools,
// e.g. terraformer exports), which agree with the AWS CDK documentation of
// UserInvitationConfig (email body "Your username is {username} and
// temporary password is {####}.", subject "Your temporary password").
// The trailing space is Cognito's own.
const (
	DefaultEmailVerificationSubject = "Your verification code"
	DefaultEmailVerificationMessage = "Your verification code is {####}. "

	// For DefaultEmailOption CONFIRM_WITH_LINK.
	DefaultEmailVerificationSubjectByLink = "Your verification link"
	DefaultEmailVerificationMessageByLink = "Please click the link below to verify your email address. {##Verify Email##} "

	DefaultSMSVerificationMessage   = "Your verification code is {####}. "
	DefaultSMSAuthenticationMessage = "Your authentication code is {####}. "

	DefaultInvitationEmailSubject = "Your temporary password"
	DefaultInvitationEmailMessage = "Your username is {username} and temporary password is {####}. "
	DefaultInvitationSMSMessage   = "Your username is {username} and temporary password is {####}. "

	// Cognito documents only that email MFA/OTP messages have "a default
	// format"; this wording follows the SMS authentication default.
	DefaultEmailMFASubject = "Your authentication code"
	DefaultEmailMFAMessage = "Your authentication code is {####}. "

	// DefaultFromAddress is the FROM of Cognito's built-in email account
	// (EmailConfigurationType.EmailSendingAccount COGNITO_DEFAULT).
	DefaultFromAddress = "no-reply@verificationemail.com"

	// DefaultCodeDigits is the length of Cognito's verification codes.
	DefaultCodeDigits = 6
)
