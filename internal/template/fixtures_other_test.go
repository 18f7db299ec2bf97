package template_test

import (
	"strings"

	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/internal/template"
)

func checkDomain(d *describer, r *template.ResourceState) {
	out, err := d.c.IdentityProvider().DescribeUserPoolDomain(d.ctx(), &cip.DescribeUserPoolDomainInput{Domain: &r.PhysicalID})
	d.must(err)
	got := asJSON(out.DomainDescription).(map[string]any)
	want := asJSON(r.Properties).(map[string]any)
	if want["ManagedLoginVersion"] == nil {
		want["ManagedLoginVersion"] = 1 // Cognito's default: the classic hosted UI
	}
	expectContains(d.t, r.LogicalID, want, got)
}

func checkGroup(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().GetGroup(d.ctx(), &cip.GetGroupInput{UserPoolId: &pool, GroupName: &r.PhysicalID})
	d.must(err)
	want := asJSON(r.Properties).(map[string]any)
	if want["GroupName"] == nil {
		want["GroupName"] = r.Attributes["GeneratedName"]
	}
	expectContains(d.t, r.LogicalID, want, out.Group)
}

func checkResourceServer(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().DescribeResourceServer(d.ctx(), &cip.DescribeResourceServerInput{UserPoolId: &pool, Identifier: &r.PhysicalID})
	d.must(err)
	expectContains(d.t, r.LogicalID, r.Properties, out.ResourceServer)
}

// checkUser compares what AdminGetUser shows of a user: its username and
// attributes, and the status MessageAction leads to. ClientMetadata,
// ValidationData, DesiredDeliveryMediums and ForceAliasCreation shape the
// creation itself (triggers, the invitation) and leave no trace to read.
func checkUser(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().AdminGetUser(d.ctx(), &cip.AdminGetUserInput{UserPoolId: &pool, Username: &r.PhysicalID})
	d.must(err)
	if u := str(r, "Username"); u != "" && *out.Username != u {
		d.t.Errorf("%s: Username %s, want %s", r.LogicalID, *out.Username, u)
	}
	got := map[string]string{}
	for _, a := range out.UserAttributes {
		got[*a.Name] = *a.Value
	}
	for _, a := range asJSON(r.Properties["UserAttributes"]).([]any) {
		m := a.(map[string]any)
		if got[m["Name"].(string)] != m["Value"] {
			d.t.Errorf("%s: attribute %s is %q, want %q", r.LogicalID, m["Name"], got[m["Name"].(string)], m["Value"])
		}
	}
	if string(out.UserStatus) != "FORCE_CHANGE_PASSWORD" || !out.Enabled {
		d.t.Errorf("%s: status %s enabled %v, want FORCE_CHANGE_PASSWORD and enabled", r.LogicalID, out.UserStatus, out.Enabled)
	}
}

func checkMembership(d *describer, r *template.ResourceState) {
	pool, user, group := str(r, "UserPoolId"), str(r, "Username"), str(r, "GroupName")
	out, err := d.c.IdentityProvider().AdminListGroupsForUser(d.ctx(), &cip.AdminListGroupsForUserInput{UserPoolId: &pool, Username: &user})
	d.must(err)
	for _, g := range out.Groups {
		if *g.GroupName == group {
			return
		}
	}
	d.t.Errorf("%s: %s is not in %s", r.LogicalID, user, group)
}

func checkUICustomization(d *describer, r *template.ResourceState) {
	pool, client := str(r, "UserPoolId"), str(r, "ClientId")
	out, err := d.c.IdentityProvider().GetUICustomization(d.ctx(), &cip.GetUICustomizationInput{UserPoolId: &pool, ClientId: &client})
	d.must(err)
	expectContains(d.t, r.LogicalID, r.Properties, out.UICustomization)
}

func checkLogDelivery(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().GetLogDeliveryConfiguration(d.ctx(), &cip.GetLogDeliveryConfigurationInput{UserPoolId: &pool})
	d.must(err)
	expectContains(d.t, r.LogicalID, r.Properties, out.LogDeliveryConfiguration)
}

// checkRiskConfiguration: ClientId "ALL" is the pool's own configuration,
// which DescribeRiskConfiguration answers for a pool without a ClientId.
func checkRiskConfiguration(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	in := &cip.DescribeRiskConfigurationInput{UserPoolId: &pool}
	if c := str(r, "ClientId"); c != "ALL" {
		in.ClientId = &c
	}
	out, err := d.c.IdentityProvider().DescribeRiskConfiguration(d.ctx(), in)
	d.must(err)
	expectContains(d.t, r.LogicalID, r.Properties, out.RiskConfiguration)
}

func checkBranding(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().DescribeManagedLoginBranding(d.ctx(), &cip.DescribeManagedLoginBrandingInput{UserPoolId: &pool, ManagedLoginBrandingId: &r.PhysicalID})
	d.must(err)
	// The SDK decodes Settings as a document, which does not marshal back
	// to JSON: compare it apart.
	want := without(asJSON(r.Properties).(map[string]any), "ClientId", "ReturnMergedResources", "Settings")
	expectContains(d.t, r.LogicalID, want, without(asJSON(out.ManagedLoginBranding).(map[string]any), "Settings"))
	if s := r.Properties["Settings"]; s != nil {
		var got any
		d.must(out.ManagedLoginBranding.Settings.UnmarshalSmithyDocument(&got))
		expectContains(d.t, r.LogicalID+" Settings", s, got)
	}
}

// checkIdentityPool: CloudFormation's tags are a Key/Value list, the
// API's a map.
func checkIdentityPool(d *describer, r *template.ResourceState) {
	out, err := d.c.Identity().DescribeIdentityPool(d.ctx(), &ci.DescribeIdentityPoolInput{IdentityPoolId: &r.PhysicalID})
	d.must(err)
	want := without(asJSON(r.Properties).(map[string]any), "IdentityPoolTags", "CognitoEvents", "CognitoStreams", "PushSync")
	if want["IdentityPoolName"] == nil {
		want["IdentityPoolName"] = strings.ReplaceAll(r.Attributes["GeneratedName"], "-", "_")
	}
	expectContains(d.t, r.LogicalID, want, out)
	if tags, ok := r.Properties["IdentityPoolTags"].([]any); ok {
		for _, tg := range tags {
			m := tg.(map[string]any)
			if out.IdentityPoolTags[m["Key"].(string)] != m["Value"] {
				d.t.Errorf("%s: tag %s is %q, want %q", r.LogicalID, m["Key"], out.IdentityPoolTags[m["Key"].(string)], m["Value"])
			}
		}
	}
}

// checkIdentityRoles: CloudFormation keys role mappings by any name, with
// the provider inside; the API keys them by provider.
func checkIdentityRoles(d *describer, r *template.ResourceState) {
	id := str(r, "IdentityPoolId")
	out, err := d.c.Identity().GetIdentityPoolRoles(d.ctx(), &ci.GetIdentityPoolRolesInput{IdentityPoolId: &id})
	d.must(err)
	expectContains(d.t, r.LogicalID+" Roles", r.Properties["Roles"], out.Roles)
	mappings, _ := asJSON(r.Properties["RoleMappings"]).(map[string]any)
	got, _ := asJSON(out.RoleMappings).(map[string]any)
	for key, m := range mappings {
		mm := m.(map[string]any)
		provider := mm["IdentityProvider"].(string)
		expectContains(d.t, r.LogicalID+" RoleMappings."+key, without(mm, "IdentityProvider"), got[provider])
	}
}

func checkPrincipalTags(d *describer, r *template.ResourceState) {
	id, provider := str(r, "IdentityPoolId"), str(r, "IdentityProviderName")
	out, err := d.c.Identity().GetPrincipalTagAttributeMap(d.ctx(), &ci.GetPrincipalTagAttributeMapInput{IdentityPoolId: &id, IdentityProviderName: &provider})
	d.must(err)
	expectContains(d.t, r.LogicalID, r.Properties, out)
}

func checkTerms(d *describer, r *template.ResourceState) {
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().DescribeTerms(d.ctx(), &cip.DescribeTermsInput{UserPoolId: &pool, TermsId: &r.PhysicalID})
	d.must(err)
	expectContains(d.t, r.LogicalID, without(asJSON(r.Properties).(map[string]any), "UserPoolId"), out.Terms)
}
