package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type userToGroupProps struct {
	GroupName  *string `json:"GroupName,omitempty"`
	Username   *string `json:"Username,omitempty"`
	UserPoolId *string `json:"UserPoolId,omitempty"`
}

// Attributes of a group membership, which has no id of its own.
const (
	attrGroup = "GroupName"
	attrUser  = "Username"
)

func init() {
	register("AWS::Cognito::UserPoolUserToGroupAttachment", &kind{
		props:   func() any { return &userToGroupProps{} },
		replace: []string{"GroupName", "Username", "UserPoolId"},
		needs:   []string{"cognito-idp:AdminAddUserToGroup"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.AdminAddUserToGroupRequest](props, nil), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.AdminAddUserToGroupRequest](props, nil)
			if err := x.idp(ctx, "AdminAddUserToGroup", req, nil); err != nil {
				return err
			}
			x.physical = *req.UserPoolId + "/" + *req.GroupName + "/" + *req.Username
			x.attrs[attrPoolID], x.attrs[attrGroup], x.attrs[attrUser] = *req.UserPoolId, *req.GroupName, *req.Username
			return nil
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			err := x.idp(ctx, "AdminRemoveUserFromGroup", &cognitoidp.AdminRemoveUserFromGroupRequest{
				UserPoolId: poolOf(x), GroupName: ptr(x.attrs[attrGroup]), Username: ptr(x.attrs[attrUser])}, nil)
			// Deleting the user or the group ends the membership too.
			if errs.Is(err, errs.UserNotFoundException) {
				return nil
			}
			return ignoreNotFound(err)
		},
		identity: func(props any) string { return canonical(props) },
	})
}
