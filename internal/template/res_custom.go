package template

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// customResourceKind runs the one kind of custom resource the CDK emits
// for Cognito that cirro can run without Lambda: an AwsCustomResource
// that reads from Cognito (UserPoolClient.userPoolClientSecret is a
// DescribeUserPoolClient call). Its attributes are the answer's members
// ("UserPoolClient.ClientSecret"), fetched when referenced and never
// recorded, since they may be secrets. Any other custom resource is
// skipped: its Lambda is not run.
var customResourceKind = &kind{
	props:    func() any { return &map[string]any{} },
	classify: func(props any) string { _, why := awsCall(*props.(*map[string]any)); return why },
	create: func(ctx context.Context, x *rc, props any) error {
		c, why := awsCall(*props.(*map[string]any))
		if why != "" { // known only now that its ids are: record, do nothing
			x.physical = x.id
			x.eng.logf("skip %s (%s): %s", x.id, x.typ, why)
			return nil
		}
		if _, err := c.run(ctx, x); err != nil {
			return err
		}
		x.physical = c.physicalID
		if x.physical == "" {
			x.physical = x.id
		}
		return nil
	},
	update:  func(context.Context, *rc, any) error { return nil },
	remove:  func(context.Context, *rc, bool) error { return nil },
	replace: []string{"ServiceToken"},
	anyAttr: true,
	attr: func(ctx context.Context, x *rc, name string) (string, error) {
		c, why := awsCall(x.old.Properties)
		if why != "" {
			return "", fmt.Errorf("%s", why)
		}
		out, err := c.run(ctx, x)
		if err != nil {
			return "", err
		}
		v, ok := lookupPath(out, name)
		if !ok {
			return "", fmt.Errorf("the %s answer has no %s", c.op, name)
		}
		return toString(v)
	},
}

// sdkCall is an AwsCustomResource's Create (or Update) call.
type sdkCall struct {
	service, op string
	params      map[string]any
	physicalID  string
}

// readOnly are the verbs of the calls cirro runs on a template's behalf.
var readOnly = []string{"Describe", "Get", "List", "AdminGet", "AdminList"}

// awsCall reads an AwsCustomResource's call, or says why cirro skips it.
func awsCall(props map[string]any) (*sdkCall, string) {
	raw, _ := props["Create"].(string)
	if raw == "" {
		raw, _ = props["Update"].(string)
	}
	if raw == "" {
		return nil, "custom resource: cirro does not run its Lambda"
	}
	var spec struct {
		Service    string         `json:"service"`
		Action     string         `json:"action"`
		Parameters map[string]any `json:"parameters"`
		Physical   struct {
			ID string `json:"id"`
		} `json:"physicalResourceId"`
	}
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		if strings.Contains(raw, unknownMark) {
			return &sdkCall{}, "" // decided at apply, once the ids are known
		}
		return nil, "custom resource: its call is not JSON"
	}
	c := &sdkCall{params: spec.Parameters, physicalID: spec.Physical.ID}
	switch strings.ToLower(strings.TrimPrefix(spec.Service, "@aws-sdk/client-")) {
	case "cognitoidentityserviceprovider", "cognito-identity-provider":
		c.service = IdentityProvider
	case "cognitoidentity", "cognito-identity":
		c.service = Identity
	default:
		return nil, "custom resource calling " + spec.Service + ": cirro only runs Cognito reads"
	}
	c.op = strings.TrimSuffix(upperFirst(spec.Action), "Command")
	for _, verb := range readOnly {
		if strings.HasPrefix(c.op, verb) && len(c.op) > len(verb) && unicode.IsUpper(rune(c.op[len(verb)])) {
			if _, del := props["Delete"]; del {
				return nil, "custom resource with a Delete call: cirro only runs Cognito reads"
			}
			return c, ""
		}
	}
	return nil, "custom resource calling " + spec.Action + ": cirro only runs Cognito reads"
}

func (c *sdkCall) run(ctx context.Context, x *rc) (map[string]any, error) {
	if c.op == "" {
		return nil, fmt.Errorf("custom resource: its call is not JSON")
	}
	var out map[string]any
	if err := x.eng.Cloud.Call(ctx, c.service, c.op, c.params, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// lookupPath finds "A.B.C" in a decoded JSON object.
func lookupPath(v any, path string) (any, bool) {
	for _, seg := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}
