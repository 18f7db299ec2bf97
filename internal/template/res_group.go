package template

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

type groupProps struct {
	Description *string `json:"Description,omitempty"`
	GroupName   *string `json:"GroupName,omitempty"`
	Precedence  *int32  `json:"Precedence,omitempty"`
	RoleArn     *string `json:"RoleArn,omitempty"`
	UserPoolId  *string `json:"UserPoolId,omitempty"`
}

func init() {
	register("AWS::Cognito::UserPoolGroup", &kind{
		props:   func() any { return &groupProps{} },
		replace: []string{"GroupName", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateGroup"},
		check: func(x *rc, props any, p *problems) {
			modelCheck(groupRequest(x, props), nil, p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := groupRequest(x, props)
			if err := x.idp(ctx, "CreateGroup", req, nil); err != nil {
				return err
			}
			x.physical, x.attrs[attrPoolID] = *req.GroupName, *req.UserPoolId
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			var req cognitoidp.UpdateGroupRequest
			if err := assign(&req, groupRequest(x, props)); err != nil {
				return err
			}
			return x.idp(ctx, "UpdateGroup", &req, nil)
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteGroup",
				&cognitoidp.DeleteGroupRequest{GroupName: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
	})
}

func groupRequest(x *rc, props any) *cognitoidp.CreateGroupRequest {
	return request(props, func(r *cognitoidp.CreateGroupRequest) {
		r.GroupName = ptr(x.name(r.GroupName, 128))
	})
}
