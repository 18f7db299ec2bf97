package template

import (
	"context"
	"fmt"
	"strings"
)

func (x *exporter) identityPool(ctx context.Context, id string) error {
	p, err := x.call(ctx, Identity, "DescribeIdentityPool", map[string]any{"IdentityPoolId": id})
	if err != nil {
		return err
	}
	props := keep(p, &identityPoolProps{}, nil)
	if tags, ok := p["IdentityPoolTags"].(map[string]any); ok && len(tags) > 0 {
		var list []any
		for _, k := range sortedKeys(tags) {
			list = append(list, map[string]any{"Key": k, "Value": tags[k]})
		}
		props["IdentityPoolTags"] = list
	}
	if providers, ok := props["CognitoIdentityProviders"].([]any); ok {
		for _, pr := range providers {
			m, _ := pr.(map[string]any)
			m["ClientId"] = x.refOr(m["ClientId"])
			m["ProviderName"] = x.providerRef(m["ProviderName"])
		}
	}
	logical := x.add("IdentityPool", fmt.Sprint(p["IdentityPoolName"]), typeIdentityPool, props)
	x.outputs[logical+"Id"] = map[string]any{"Value": ref(logical)}
	roles, err := x.call(ctx, Identity, "GetIdentityPoolRoles", map[string]any{"IdentityPoolId": id})
	if err != nil {
		return err
	}
	r := map[string]any{"IdentityPoolId": ref(logical)}
	if v, ok := roles["Roles"].(map[string]any); ok && len(v) > 0 {
		r["Roles"] = v
	}
	if v, ok := roles["RoleMappings"].(map[string]any); ok && len(v) > 0 {
		// CloudFormation's keys are free names; these are numbered in the
		// order of the providers as the template names them, which does
		// not depend on the server's ids.
		byRef := map[string]map[string]any{}
		for provider, m := range v {
			mm, _ := m.(map[string]any)
			mm["IdentityProvider"] = x.providerRef(provider)
			byRef[canonical(mm["IdentityProvider"])] = mm
		}
		mappings := map[string]any{}
		for i, k := range sortedKeys(byRef) {
			mappings[fmt.Sprintf("Mapping%d", i+1)] = byRef[k]
		}
		r["RoleMappings"] = mappings
	}
	if len(r) > 1 {
		x.add(logical, "Roles", "AWS::Cognito::IdentityPoolRoleAttachment", r)
	}
	return nil
}

// providerRef refers to an exported pool's ProviderName
// ("cognito-idp.<region>.amazonaws.com/<pool id>"), or to the pool and
// client of a role mapping's "<provider>:<client id>".
func (x *exporter) providerRef(v any) any {
	s, _ := v.(string)
	host, rest, ok := strings.Cut(s, "/")
	if !ok || !strings.HasPrefix(host, "cognito-idp.") {
		return v
	}
	poolID, clientID, hasClient := strings.Cut(rest, ":")
	pool, ok := x.refs[poolID]
	if !ok {
		return v
	}
	name := map[string]any{"Fn::GetAtt": []any{pool, "ProviderName"}}
	if !hasClient {
		return name
	}
	return map[string]any{"Fn::Join": []any{":", []any{name, x.refOr(clientID)}}}
}
