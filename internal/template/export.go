package template

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// ExportOptions tune Export.
type ExportOptions struct {
	// Description is the template's Description.
	Description string
	// SecretParameters makes each identity provider's client_secret a
	// NoEcho parameter instead of plain text (see export_idp.go).
	SecretParameters bool
	// Warn receives one line for each thing the reader must act on: a
	// parameter to give when applying, secrets the file holds.
	Warn func(line string)
}

// Export reads a server's configuration through cloud and writes it as a
// template that creates the same configuration: every user pool with its
// MFA settings, identity providers, app clients, domains, groups,
// resource servers, risk configurations, UI customizations, log delivery
// and managed login branding, and every identity pool with its roles.
// Resources refer to each other with Ref and Fn::GetAtt (a client names
// its identity providers by Ref, as the CDK writes it), so the template
// applies cleanly to another server. Users and group memberships are
// data, not configuration, and are left out; so are a client's logo
// (CloudFormation has no property for it) and app client secrets (a
// client that has one gets GenerateSecret, and a new secret). Identity
// provider secrets: see export_idp.go.
func Export(ctx context.Context, cloud Cloud, opts ExportOptions) (map[string]any, error) {
	x := &exporter{cloud: cloud, opts: opts, resources: map[string]any{}, outputs: map[string]any{}, params: map[string]any{},
		refs: map[string]string{}, names: map[string]bool{}}
	pools, err := x.list(ctx, IdentityProvider, "ListUserPools", map[string]any{}, "UserPools", "MaxResults")
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		if err := x.pool(ctx, fmt.Sprint(p["Id"])); err != nil {
			return nil, err
		}
	}
	if ok, _ := cloud.Supports(ctx, Identity, "CreateIdentityPool"); ok {
		ips, err := x.list(ctx, Identity, "ListIdentityPools", map[string]any{}, "IdentityPools", "MaxResults")
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			if err := x.identityPool(ctx, fmt.Sprint(ip["IdentityPoolId"])); err != nil {
				return nil, err
			}
		}
	}
	doc := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              opts.Description,
		"Resources":                x.resources,
	}
	if len(x.params) > 0 {
		doc["Parameters"] = x.params
	}
	if x.plainSecrets > 0 {
		x.warn("the export holds the client_secret of %d identity provider(s) in plain text, as DescribeIdentityProvider returns it: "+
			"keep the file as you keep those secrets (--secret-parameters makes them NoEcho parameters instead)", x.plainSecrets)
	}
	if len(x.outputs) > 0 {
		doc["Outputs"] = x.outputs
	}
	return doc, nil
}

type exporter struct {
	cloud     Cloud
	opts      ExportOptions
	resources map[string]any
	outputs   map[string]any
	params    map[string]any
	// plainSecrets counts the client secrets written in plain text.
	plainSecrets int
	// refs maps physical ids (pool ids, client ids) to logical ids, so that
	// later resources refer to earlier ones.
	refs  map[string]string
	names map[string]bool
}

func (x *exporter) call(ctx context.Context, svc, op string, in map[string]any) (map[string]any, error) {
	var out map[string]any
	if err := x.cloud.Call(ctx, svc, op, in, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// list pages through a List operation.
func (x *exporter) list(ctx context.Context, svc, op string, in map[string]any, items, limitName string) ([]map[string]any, error) {
	var all []map[string]any
	in[limitName] = 50 // within every List operation's maximum
	for {
		out, err := x.call(ctx, svc, op, in)
		if err != nil {
			return nil, err
		}
		l, _ := out[items].([]any)
		for _, it := range l {
			if m, ok := it.(map[string]any); ok {
				all = append(all, m)
			}
		}
		next, _ := out["NextToken"].(string)
		if next == "" {
			return all, nil
		}
		in["NextToken"] = next
	}
}

// add records a resource under a logical id made of prefix and name.
func (x *exporter) add(prefix, name, typ string, props map[string]any) string {
	id := x.logicalID(prefix + " " + name)
	x.resources[id] = map[string]any{"Type": typ, "Properties": props}
	return id
}

// logicalID turns a name into a unique alphanumeric logical id.
func (x *exporter) logicalID(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		} else {
			up = true
		}
	}
	id := b.String()
	if id == "" || !unicode.IsLetter(rune(id[0])) {
		id = "R" + id
	}
	if len(id) > 200 {
		id = id[:200]
	}
	base := id
	for n := 2; x.names[id]; n++ {
		id = fmt.Sprintf("%s%d", base, n)
	}
	x.names[id] = true
	return id
}

// dependOn adds DependsOn to a resource.
func (x *exporter) dependOn(id string, on []any) {
	if len(on) > 0 {
		x.resources[id].(map[string]any)["DependsOn"] = on
	}
}

func ref(id string) map[string]any { return map[string]any{"Ref": id} }

// refOr refers to the exported resource with physical id v, else keeps v.
func (x *exporter) refOr(v any) any {
	if s, ok := v.(string); ok {
		if id, ok := x.refs[s]; ok {
			return ref(id)
		}
	}
	return v
}

// keep returns the members of m that are properties of props (a
// properties struct), renaming by renames and dropping empty values.
func keep(m map[string]any, props any, renames map[string]string) map[string]any {
	names := map[string]bool{}
	for _, n := range fieldNames(reflect.TypeOf(props).Elem()) {
		names[n] = true
	}
	out := map[string]any{}
	for k, v := range m {
		if r, ok := renames[k]; ok {
			k = r
		}
		if names[k] && !emptyValue(v) {
			out[k] = v
		}
	}
	return out
}

func emptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
