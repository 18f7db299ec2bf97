package template

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/cirrohq/cirro/internal/ids"
)

// An IAM role has no counterpart in cirro, but its ARN is configuration:
// a group's RoleArn, a pool's SMS caller, an identity pool's roles. So a
// role is recorded, with the name CloudFormation would give it, and its
// ARN stays the same across applies.
func init() {
	register("AWS::IAM::Role", &kind{
		props:   func() any { return &map[string]any{} },
		replace: []string{"RoleName", "Path"},
		create: func(_ context.Context, x *rc, props any) error {
			m := *props.(*map[string]any)
			name, _ := m["RoleName"].(string)
			if name == "" {
				name = stableName(x.stack, x.id, 64)
			}
			x.physical = name
			x.attrs["RoleId"] = "AROA" + ids.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)
			if path, _ := m["Path"].(string); path != "" {
				x.attrs["Path"] = path
			}
			return nil
		},
		update: func(context.Context, *rc, any) error { return nil },
		remove: func(context.Context, *rc, bool) error { return nil },
		attrs:  []string{"Arn", "RoleId"},
		attr: func(_ context.Context, x *rc, name string) (string, error) {
			switch name {
			case "Arn":
				path := x.attrs["Path"]
				if path == "" {
					path = "/"
				}
				return x.env().arn("iam", "", "role"+path+x.physical), nil
			case "RoleId":
				return x.attrs["RoleId"], nil
			}
			return "", fmt.Errorf("no attribute %s", name)
		},
	})
}

// stableName is the name cirro gives a role or function the template
// does not name: "<stack>-<LogicalId>", or, when longer than max, its
// start and a hash of the whole, so that it stays unique. CloudFormation
// adds a random suffix; cirro's names must be known before an apply (see
// FunctionARNs) and need no protection against other accounts.
func stableName(stack, id string, max int) string {
	n := stack + "-" + id
	if len(n) <= max {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	h := hex.EncodeToString(sum[:])[:8]
	return n[:max-9] + "-" + h
}
