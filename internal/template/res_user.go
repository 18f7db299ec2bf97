package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// userProps are AWS::Cognito::UserPoolUser's properties: every one of
// AdminCreateUser's members but the temporary password.
type userProps struct {
	ClientMetadata         map[string]string          `json:"ClientMetadata,omitempty"`
	DesiredDeliveryMediums []string                   `json:"DesiredDeliveryMediums,omitempty"`
	ForceAliasCreation     *bool                      `json:"ForceAliasCreation,omitempty"`
	MessageAction          *string                    `json:"MessageAction,omitempty"`
	UserAttributes         []cognitoidp.AttributeType `json:"UserAttributes,omitempty"`
	Username               *string                    `json:"Username,omitempty"`
	UserPoolId             *string                    `json:"UserPoolId,omitempty"`
	ValidationData         []cognitoidp.AttributeType `json:"ValidationData,omitempty"`
}

func init() {
	register("AWS::Cognito::UserPoolUser", &kind{
		props: func() any { return &userProps{} },
		// CloudFormation replaces a user for any change.
		replace: []string{"ClientMetadata", "DesiredDeliveryMediums", "ForceAliasCreation", "MessageAction",
			"UserAttributes", "Username", "UserPoolId", "ValidationData"},
		needs: []string{"cognito-idp:AdminCreateUser"},
		check: func(x *rc, props any, p *problems) {
			modelCheck(userRequest(x, props), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := userRequest(x, props)
			var out cognitoidp.AdminCreateUserResponse
			if err := x.idp(ctx, "AdminCreateUser", req, &out); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = str(out.User.Username), *req.UserPoolId
			return nil
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "AdminDeleteUser",
				&cognitoidp.AdminDeleteUserRequest{UserPoolId: poolOf(x), Username: &x.physical}, nil))
		},
		identity: func(props any) string {
			in := props.(*userProps)
			return str(in.UserPoolId) + "/" + str(in.Username)
		},
	})
}

// userRequest is AdminCreateUser's request. A user without a Username
// gets a UUID, drawn once and kept.
func userRequest(x *rc, props any) *cognitoidp.AdminCreateUserRequest {
	return request(props, func(r *cognitoidp.AdminCreateUserRequest) {
		if r.Username == nil {
			if x.attrs[attrGeneratedName] == "" && !x.placeholder {
				x.attrs[attrGeneratedName] = ids.Sub()
			}
			r.Username = ptr(x.attrs[attrGeneratedName])
			if x.placeholder {
				r.Username = ptr("00000000-0000-0000-0000-000000000000")
			}
		}
	})
}
