package trigger

import (
	"context"
	"fmt"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// User migration (developer guide, "Migrate user Lambda trigger"): when a
// user unknown to the pool signs in with a password, or asks for a
// password reset, the function may bring the user over from another
// directory. The event's userName is the name the user typed.

// UserMigrationRequest is what user migration is told. Password is the
// password the user signed in with (UserMigration_Authentication only);
// ValidationData is the request's ClientMetadata, as for pre
// authentication.
type UserMigrationRequest struct {
	Password       string            `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
}

// UserMigrationResponse is the migrated user. UserAttributes must hold
// what the pool requires; FinalUserStatus is CONFIRMED (the password just
// used becomes the user's) or RESET_REQUIRED; MessageAction SUPPRESS
// sends no welcome message; DesiredDeliveryMediums picks EMAIL and/or SMS
// for it; ForceAliasCreation moves an alias already taken; EnableSMSMFA
// turns SMS MFA on.
type UserMigrationResponse struct {
	UserAttributes         map[string]string `json:"userAttributes"`
	FinalUserStatus        *string           `json:"finalUserStatus"`
	MessageAction          *string           `json:"messageAction"`
	DesiredDeliveryMediums []string          `json:"desiredDeliveryMediums"`
	ForceAliasCreation     *bool             `json:"forceAliasCreation"`
	EnableSMSMFA           *bool             `json:"enableSMSMFA"`
}

// UserMigrationEvent is the user migration event.
type UserMigrationEvent = Event[UserMigrationRequest, UserMigrationResponse]

// UserMigration invokes user migration (UserMigrationAuthentication or
// UserMigrationForgotPassword) and checks the answer's enumerations. A
// function that does not know the user (or the password) throws; its
// message reaches the caller as UserLambdaValidationException, as every
// function's does.
func (s *Service) UserMigration(ctx context.Context, p *cognitoidp.UserPoolType, source string, c Caller, req UserMigrationRequest) (*UserMigrationResponse, error) {
	arn, _ := attached(p, PointUserMigration)
	if arn == "" {
		return nil, nil
	}
	ev := &UserMigrationEvent{Header: s.header(ctx, p, source, versionV1, c), Request: req}
	resp, err := call[UserMigrationResponse](ctx, s, PointUserMigration, arn, source, ev)
	if err != nil {
		return nil, err
	}
	return resp, resp.check(source)
}

func (r *UserMigrationResponse) check(source string) error {
	bad := func(field, v string) error {
		return invalidResponse(fmt.Sprintf("Invalid lambda response: %s %q is not allowed", field, v), nil)
	}
	if v := deref(r.FinalUserStatus); v != "" {
		allowed := []string{"CONFIRMED", "RESET_REQUIRED"}
		// A password reset has no password to keep: the user can only
		// come over needing a new one.
		if source == UserMigrationForgotPassword {
			allowed = []string{"RESET_REQUIRED"}
		}
		if !slices.Contains(allowed, v) {
			return bad("finalUserStatus", v)
		}
	}
	if v := deref(r.MessageAction); v != "" && v != cognitoidp.MessageActionTypeSuppress && v != cognitoidp.MessageActionTypeResend {
		return bad("messageAction", v)
	}
	for _, m := range r.DesiredDeliveryMediums {
		if m != cognitoidp.DeliveryMediumTypeEmail && m != cognitoidp.DeliveryMediumTypeSms {
			return bad("desiredDeliveryMediums", m)
		}
	}
	if len(r.UserAttributes) == 0 {
		return invalidResponse("Invalid lambda response: userAttributes are required to migrate a user", nil)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
