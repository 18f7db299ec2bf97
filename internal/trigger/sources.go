package trigger

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// Point is a place in the pool's life where a function can be attached:
// the name of its LambdaConfig member, which is also the name Cognito's
// error messages give the trigger ("PreSignUp failed with error …").
type Point string

const (
	PointPreSignUp                   Point = "PreSignUp"
	PointPostConfirmation            Point = "PostConfirmation"
	PointPreAuthentication           Point = "PreAuthentication"
	PointPostAuthentication          Point = "PostAuthentication"
	PointPreTokenGeneration          Point = "PreTokenGeneration"
	PointCustomMessage               Point = "CustomMessage"
	PointUserMigration               Point = "UserMigration"
	PointDefineAuthChallenge         Point = "DefineAuthChallenge"
	PointCreateAuthChallenge         Point = "CreateAuthChallenge"
	PointVerifyAuthChallengeResponse Point = "VerifyAuthChallengeResponse"
	PointCustomEmailSender           Point = "CustomEmailSender"
	PointCustomSMSSender             Point = "CustomSMSSender"
	PointInboundFederation           Point = "InboundFederation"
)

// Trigger sources, the triggerSource of each event, as the developer guide
// lists them ("Connecting API actions to Lambda triggers" and each
// trigger's page).
const (
	PreSignUpSignUp           = "PreSignUp_SignUp"
	PreSignUpAdminCreateUser  = "PreSignUp_AdminCreateUser"
	PreSignUpExternalProvider = "PreSignUp_ExternalProvider"

	PostConfirmationConfirmSignUp         = "PostConfirmation_ConfirmSignUp"
	PostConfirmationConfirmForgotPassword = "PostConfirmation_ConfirmForgotPassword"

	PreAuthenticationAuthentication  = "PreAuthentication_Authentication"
	PostAuthenticationAuthentication = "PostAuthentication_Authentication"

	TokenGenerationHostedAuth           = "TokenGeneration_HostedAuth"
	TokenGenerationAuthentication       = "TokenGeneration_Authentication"
	TokenGenerationNewPasswordChallenge = "TokenGeneration_NewPasswordChallenge"
	TokenGenerationAuthenticateDevice   = "TokenGeneration_AuthenticateDevice"
	TokenGenerationRefreshTokens        = "TokenGeneration_RefreshTokens"
	TokenGenerationClientCredentials    = "TokenGeneration_ClientCredentials"

	CustomMessageSignUp              = "CustomMessage_SignUp"
	CustomMessageAdminCreateUser     = "CustomMessage_AdminCreateUser"
	CustomMessageResendCode          = "CustomMessage_ResendCode"
	CustomMessageForgotPassword      = "CustomMessage_ForgotPassword"
	CustomMessageUpdateUserAttribute = "CustomMessage_UpdateUserAttribute"
	CustomMessageVerifyUserAttribute = "CustomMessage_VerifyUserAttribute"
	CustomMessageAuthentication      = "CustomMessage_Authentication"

	UserMigrationAuthentication = "UserMigration_Authentication"
	UserMigrationForgotPassword = "UserMigration_ForgotPassword"

	DefineAuthChallengeAuthentication         = "DefineAuthChallenge_Authentication"
	CreateAuthChallengeAuthentication         = "CreateAuthChallenge_Authentication"
	VerifyAuthChallengeResponseAuthentication = "VerifyAuthChallengeResponse_Authentication"

	InboundFederationExternalProvider = "InboundFederation_ExternalProvider"
)

// Custom sender sources are the custom message sources under the
// sender's name (CustomEmailSender_SignUp, CustomSMSSender_ForgotPassword
// …), plus AccountTakeOverNotification for email. SenderSource builds them.
const (
	SenderSignUp                      = "SignUp"
	SenderAdminCreateUser             = "AdminCreateUser"
	SenderResendCode                  = "ResendCode"
	SenderForgotPassword              = "ForgotPassword"
	SenderUpdateUserAttribute         = "UpdateUserAttribute"
	SenderVerifyUserAttribute         = "VerifyUserAttribute"
	SenderAuthentication              = "Authentication"
	SenderAccountTakeOverNotification = "AccountTakeOverNotification"
)

// Versions of the event format. Most triggers are version 1; pre token
// generation sends the version its LambdaVersion selects.
const (
	versionV1 = "1"
	// LambdaVersion values (PreTokenGenerationLambdaVersionType and the
	// custom sender and inbound federation version types).
	lambdaV1 = "V1_0"
	lambdaV2 = "V2_0"
	lambdaV3 = "V3_0"
)

// function returns the ARN attached at p and its LambdaVersion, or "" when
// the pool attaches none.
func (p Point) function(lc *cognitoidp.LambdaConfigType) (arn, version string) {
	if lc == nil {
		return "", ""
	}
	pick := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	versioned := func(a, v *string) (string, string) { return pick(a), pick(v) }
	switch p {
	case PointPreSignUp:
		return pick(lc.PreSignUp), lambdaV1
	case PointPostConfirmation:
		return pick(lc.PostConfirmation), lambdaV1
	case PointPreAuthentication:
		return pick(lc.PreAuthentication), lambdaV1
	case PointPostAuthentication:
		return pick(lc.PostAuthentication), lambdaV1
	case PointPreTokenGeneration:
		// PreTokenGenerationConfig supersedes the older PreTokenGeneration
		// member, which is V1_0 by definition (model: "Set this parameter
		// for legacy purposes").
		if c := lc.PreTokenGenerationConfig; c != nil && pick(c.LambdaArn) != "" {
			arn, v := versioned(c.LambdaArn, c.LambdaVersion)
			if v == "" {
				v = lambdaV1
			}
			return arn, v
		}
		return pick(lc.PreTokenGeneration), lambdaV1
	case PointCustomMessage:
		return pick(lc.CustomMessage), lambdaV1
	case PointUserMigration:
		return pick(lc.UserMigration), lambdaV1
	case PointDefineAuthChallenge:
		return pick(lc.DefineAuthChallenge), lambdaV1
	case PointCreateAuthChallenge:
		return pick(lc.CreateAuthChallenge), lambdaV1
	case PointVerifyAuthChallengeResponse:
		return pick(lc.VerifyAuthChallengeResponse), lambdaV1
	case PointCustomEmailSender:
		if c := lc.CustomEmailSender; c != nil {
			return versioned(c.LambdaArn, c.LambdaVersion)
		}
	case PointCustomSMSSender:
		if c := lc.CustomSMSSender; c != nil {
			return versioned(c.LambdaArn, c.LambdaVersion)
		}
	case PointInboundFederation:
		if c := lc.InboundFederation; c != nil {
			return versioned(c.LambdaArn, c.LambdaVersion)
		}
	}
	return "", ""
}

// Configured reports whether pool p attaches a function at point.
func Configured(p *cognitoidp.UserPoolType, point Point) bool {
	arn, _ := point.function(lambdaConfig(p))
	return arn != ""
}

func lambdaConfig(p *cognitoidp.UserPoolType) *cognitoidp.LambdaConfigType {
	if p == nil {
		return nil
	}
	return p.LambdaConfig
}
