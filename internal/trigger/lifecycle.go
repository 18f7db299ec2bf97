package trigger

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Sign-up, confirmation and sign-in triggers. Field names and sources are
// from the developer guide's pages "Pre sign-up Lambda trigger", "Post
// confirmation Lambda trigger", "Pre authentication Lambda trigger" and
// "Post authentication Lambda trigger".

// PreSignUpRequest is what pre sign-up is told. UserAttributes are the
// attributes the request gives (the user does not exist yet);
// ValidationData is SignUp's ValidationData (null when none was given) and
// ClientMetadata its ClientMetadata.
type PreSignUpRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// PreSignUpResponse is what pre sign-up may decide: confirm the user
// without a code, and mark the email address or phone number verified.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// PreSignUpEvent is the pre sign-up event.
type PreSignUpEvent = Event[PreSignUpRequest, PreSignUpResponse]

// PreSignUp invokes pre sign-up (source PreSignUpSignUp,
// PreSignUpAdminCreateUser or PreSignUpExternalProvider). A throw refuses
// the sign-up. Cognito refuses autoVerifyEmail without an email attribute
// and autoVerifyPhone without a phone number; the caller, which knows the
// attributes, applies that rule (CheckPreSignUp).
func (s *Service) PreSignUp(ctx context.Context, p *cognitoidp.UserPoolType, source string, c Caller, req PreSignUpRequest) (*PreSignUpResponse, error) {
	arn, _ := attached(p, PointPreSignUp)
	if arn == "" {
		return nil, nil
	}
	ev := &PreSignUpEvent{Header: s.header(ctx, p, source, versionV1, c), Request: req}
	return call[PreSignUpResponse](ctx, s, PointPreSignUp, arn, source, ev)
}

// CheckPreSignUp applies what Cognito checks of a pre sign-up answer:
// auto-verification needs the attribute it verifies.
func CheckPreSignUp(r *PreSignUpResponse, attrs map[string]string) error {
	if r == nil {
		return nil
	}
	if r.AutoVerifyEmail && attrs["email"] == "" {
		return invalidResponse("Invalid lambda response: autoVerifyEmail is true but the user has no email attribute", nil)
	}
	if r.AutoVerifyPhone && attrs["phone_number"] == "" {
		return invalidResponse("Invalid lambda response: autoVerifyPhone is true but the user has no phone_number attribute", nil)
	}
	return nil
}

// PostConfirmationRequest is what post confirmation is told: the confirmed
// user's attributes (UserAttributes) and the request's ClientMetadata.
type PostConfirmationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// Empty is the response of triggers that change nothing.
type Empty struct{}

// PostConfirmationEvent is the post confirmation event.
type PostConfirmationEvent = Event[PostConfirmationRequest, Empty]

// PostConfirmation invokes post confirmation (PostConfirmationConfirmSignUp
// or PostConfirmationConfirmForgotPassword). Cognito runs it after the
// confirmation and answers the operation with the function's error if it
// throws; a caller that wants "no partial state" invokes it before it
// commits the confirmation.
func (s *Service) PostConfirmation(ctx context.Context, p *cognitoidp.UserPoolType, source string, c Caller, req PostConfirmationRequest) error {
	arn, _ := attached(p, PointPostConfirmation)
	if arn == "" {
		return nil
	}
	_, err := call[Empty](ctx, s, PointPostConfirmation, arn, source, &PostConfirmationEvent{Header: s.header(ctx, p, source, versionV1, c), Request: req})
	return err
}

// PreAuthenticationRequest is what pre authentication is told.
// ValidationData is the ClientMetadata of InitiateAuth/AdminInitiateAuth
// (the developer guide: "To pass this data to your Lambda function, use
// the ClientMetadata parameter"). UserNotFound is set only when the app
// client prevents user existence errors.
type PreAuthenticationRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	UserNotFound   *bool             `json:"userNotFound,omitempty"`
	ValidationData map[string]string `json:"validationData"`
}

// PreAuthenticationEvent is the pre authentication event.
type PreAuthenticationEvent = Event[PreAuthenticationRequest, Empty]

// PreAuthentication invokes pre authentication. A throw refuses the
// sign-in before the password (or anything else) is checked.
func (s *Service) PreAuthentication(ctx context.Context, p *cognitoidp.UserPoolType, c Caller, req PreAuthenticationRequest) error {
	arn, _ := attached(p, PointPreAuthentication)
	if arn == "" {
		return nil
	}
	ev := &PreAuthenticationEvent{Header: s.header(ctx, p, PreAuthenticationAuthentication, versionV1, c), Request: req}
	_, err := call[Empty](ctx, s, PointPreAuthentication, arn, PreAuthenticationAuthentication, ev)
	return err
}

// PostAuthenticationRequest is what post authentication is told.
type PostAuthenticationRequest struct {
	NewDeviceUsed  bool              `json:"newDeviceUsed"`
	UserAttributes map[string]string `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// PostAuthenticationEvent is the post authentication event.
type PostAuthenticationEvent = Event[PostAuthenticationRequest, Empty]

// PostAuthentication invokes post authentication, once the user has
// passed every challenge and before tokens are issued; a throw fails the
// sign-in with the function's message and no tokens.
func (s *Service) PostAuthentication(ctx context.Context, p *cognitoidp.UserPoolType, c Caller, req PostAuthenticationRequest) error {
	arn, _ := attached(p, PointPostAuthentication)
	if arn == "" {
		return nil
	}
	ev := &PostAuthenticationEvent{Header: s.header(ctx, p, PostAuthenticationAuthentication, versionV1, c), Request: req}
	_, err := call[Empty](ctx, s, PointPostAuthentication, arn, PostAuthenticationAuthentication, ev)
	return err
}
