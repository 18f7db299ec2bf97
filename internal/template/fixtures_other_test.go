package template_test

import (
	"fmt"
	"maps"
	"slices"
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

// checkIdentityProvider compares DescribeIdentityProvider with the
// properties, exactly: ProviderDetails are the template's (as the strings
// Cognito keeps: SAML's flags "true"/"false") plus the keys Cognito adds
// for the type, minus Apple's private_key, which Describe never shows;
// AttributeMapping is the template's plus Cognito's username mapping;
// IdpIdentifiers are the template's.
func checkIdentityProvider(d *describer, r *template.ResourceState) {
	t := d.t
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().DescribeIdentityProvider(d.ctx(), &cip.DescribeIdentityProviderInput{UserPoolId: &pool, ProviderName: &r.PhysicalID})
	d.must(err)
	got := out.IdentityProvider
	typ := str(r, "ProviderType")
	if *got.ProviderName != str(r, "ProviderName") || string(got.ProviderType) != typ || *got.UserPoolId != pool {
		t.Errorf("%s: %s %s in %s", r.LogicalID, *got.ProviderName, got.ProviderType, *got.UserPoolId)
	}
	props := asJSON(r.Properties).(map[string]any)
	want := map[string]string{}
	details, _ := props["ProviderDetails"].(map[string]any)
	for k, v := range details {
		if k != "private_key" {
			want[k] = fmt.Sprint(v)
		}
	}
	for k, v := range derivedDetails(typ, want) {
		if _, given := want[k]; !given {
			want[k] = v
		}
	}
	if !maps.Equal(want, got.ProviderDetails) {
		t.Errorf("%s: ProviderDetails\n got %v\nwant %v", r.LogicalID, got.ProviderDetails, want)
	}
	mapping := map[string]string{}
	if m, ok := props["AttributeMapping"].(map[string]any); ok {
		for k, v := range m {
			mapping[k] = fmt.Sprint(v)
		}
	}
	if claim, ok := usernameClaim[typ]; ok && mapping["username"] == "" {
		mapping["username"] = claim
	}
	if !maps.Equal(mapping, got.AttributeMapping) {
		t.Errorf("%s: AttributeMapping\n got %v\nwant %v", r.LogicalID, got.AttributeMapping, mapping)
	}
	var ids []string
	if l, ok := props["IdpIdentifiers"].([]any); ok {
		for _, v := range l {
			ids = append(ids, fmt.Sprint(v))
		}
	}
	if !slices.Equal(ids, got.IdpIdentifiers) {
		t.Errorf("%s: IdpIdentifiers %v, want %v", r.LogicalID, got.IdpIdentifiers, ids)
	}
}

// derivedDetails are the keys Cognito adds to a provider's details, as
// the describe responses in the API reference show them. SAML's
// ActiveEncryptionCertificate, SSORedirectBindingURI and
// SLORedirectBindingURI come from the IdP's metadata, which cirro reads at
// sign-in rather than at create (the fixtures' metadata is a placeholder),
// so they are absent here.
func derivedDetails(typ string, given map[string]string) map[string]string {
	switch typ {
	case "OIDC":
		return map[string]string{"attributes_url_add_attributes": "false"}
	case "Google":
		return map[string]string{
			"attributes_url": "https://people.googleapis.com/v1/people/me?personFields=", "attributes_url_add_attributes": "true",
			"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "oidc_issuer": "https://accounts.google.com",
			"token_request_method": "POST", "token_url": "https://www.googleapis.com/oauth2/v4/token",
		}
	case "LoginWithAmazon":
		return map[string]string{
			"attributes_url": "https://api.amazon.com/user/profile", "attributes_url_add_attributes": "false",
			"authorize_url": "https://www.amazon.com/ap/oa", "token_request_method": "POST", "token_url": "https://api.amazon.com/auth/o2/token",
		}
	case "SignInWithApple":
		return map[string]string{
			"attributes_url_add_attributes": "false", "authorize_url": "https://appleid.apple.com/auth/authorize",
			"oidc_issuer": "https://appleid.apple.com", "token_request_method": "POST", "token_url": "https://appleid.apple.com/auth/token",
		}
	case "Facebook":
		v := given["api_version"]
		if v == "" {
			v = "v17.0"
		}
		return map[string]string{
			"api_version": v, "attributes_url": "https://graph.facebook.com/" + v + "/me?fields=", "attributes_url_add_attributes": "true",
			"authorize_url": "https://www.facebook.com/" + v + "/dialog/oauth", "token_request_method": "GET",
			"token_url": "https://graph.facebook.com/" + v + "/oauth/access_token",
		}
	}
	return nil
}

// usernameClaim is the claim Cognito maps to username unless the
// template maps it: the provider's subject.
var usernameClaim = map[string]string{
	"OIDC": "sub", "Google": "sub", "SignInWithApple": "sub", "Facebook": "id", "LoginWithAmazon": "user_id",
}
