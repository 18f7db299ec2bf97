package template_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cirrohq/cirro/internal/template"
)

// golden reads one of the pool package's golden files: what Cognito
// answers for a pool or client created with nothing but a name.
func golden(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../pool/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return asJSON(m).(map[string]any)
}

// poolDerived names, for a member of the described pool, the properties
// that decide it besides its namesake: Cognito reports some settings in
// two places.
var poolDerived = map[string][]string{
	"Name":                        {"UserPoolName"},
	"SchemaAttributes":            {"Schema"},
	"AdminCreateUserConfig":       {"Policies"},
	"VerificationMessageTemplate": {"EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage"},
	"EmailVerificationMessage":    {"VerificationMessageTemplate"},
	"EmailVerificationSubject":    {"VerificationMessageTemplate"},
	"SmsVerificationMessage":      {"VerificationMessageTemplate"},
	"MfaConfiguration":            {"EnabledMfas"},
	"SmsAuthenticationMessage":    {"EnabledMfas"},
}

func templateSets(props map[string]any, member string) bool {
	if _, ok := props[member]; ok {
		return true
	}
	for _, p := range poolDerived[member] {
		if _, ok := props[p]; ok {
			return true
		}
	}
	return false
}

func checkPool(d *describer, r *template.ResourceState) {
	t := d.t
	out, err := d.c.IdentityProvider().DescribeUserPool(d.ctx(), &cip.DescribeUserPoolInput{UserPoolId: &r.PhysicalID})
	d.must(err)
	pool := asJSON(out.UserPool).(map[string]any)
	mfaOut, err := d.c.IdentityProvider().GetUserPoolMfaConfig(d.ctx(), &cip.GetUserPoolMfaConfigInput{UserPoolId: &r.PhysicalID})
	d.must(err)
	mfa := asJSON(mfaOut).(map[string]any)
	where := r.LogicalID + " " + r.PhysicalID
	props := asJSON(r.Properties).(map[string]any)

	want := without(props, "UserPoolName", "Schema", "EnabledMfas", "EmailAuthenticationMessage", "EmailAuthenticationSubject",
		"WebAuthnRelyingPartyID", "WebAuthnUserVerification", "WebAuthnFactorConfiguration")
	want["Name"] = props["UserPoolName"]
	if want["Name"] == nil {
		want["Name"] = r.Attributes["GeneratedName"]
	}
	expectContains(t, where, want, pool)
	checkSchema(t, where, props["Schema"], pool["SchemaAttributes"])
	checkMfa(t, where, props, mfa)

	// What the template leaves out has Cognito's default.
	def := golden(t, "default_user_pool.json")
	for member, v := range def {
		// EstimatedNumberOfUsers counts the template's users.
		if slices.Contains([]string{"Id", "Name", "CreationDate", "LastModifiedDate", "Arn", "SchemaAttributes", "EstimatedNumberOfUsers"}, member) ||
			templateSets(props, member) {
			continue
		}
		expectContains(t, where+" (default) "+member, v, pool[member])
	}
	if props["Schema"] == nil {
		expectContains(t, where+" (default)", def["SchemaAttributes"], pool["SchemaAttributes"])
	}
	for _, member := range []string{"AccountRecoverySetting", "UsernameConfiguration", "UserAttributeUpdateSettings", "DeviceConfiguration",
		"UserPoolAddOns", "EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage", "SmsAuthenticationMessage",
		"SmsConfiguration", "AliasAttributes", "UsernameAttributes", "AutoVerifiedAttributes"} {
		if !templateSets(props, member) && pool[member] != nil {
			t.Errorf("%s: %s is %v, want none (the template leaves it out)", where, member, pool[member])
		}
	}
}

// checkSchema finds each attribute of the template's Schema in the pool's
// SchemaAttributes: a custom one under "custom:<name>", with every member
// the template gives; a standard one under its own name.
func checkSchema(t *testing.T, where string, schema, attrs any) {
	t.Helper()
	got := map[string]any{}
	for _, a := range attrs.([]any) {
		m := a.(map[string]any)
		got[m["Name"].(string)] = m
	}
	def := map[string]any{}
	for _, a := range golden(t, "default_user_pool.json")["SchemaAttributes"].([]any) {
		def[a.(map[string]any)["Name"].(string)] = a
	}
	named := map[string]bool{}
	list, _ := schema.([]any)
	for _, a := range list {
		m := a.(map[string]any)
		name := m["Name"].(string)
		named[name] = true
		key := name
		if _, standard := def[name]; !standard {
			key = "custom:" + name
			if m["DeveloperOnlyAttribute"] == true {
				key = "dev:" + key
			}
		}
		if got[key] == nil {
			t.Errorf("%s: SchemaAttributes: no %s", where, key)
			continue
		}
		expectContains(t, where+" SchemaAttributes "+key, without(m, "Name"), got[key])
	}
	for name, a := range def {
		if !named[name] {
			expectContains(t, where+" SchemaAttributes "+name+" (default)", a, got[name])
		}
	}
}

// checkMfa compares EnabledMfas and the email and passkey properties
// with GetUserPoolMfaConfig.
func checkMfa(t *testing.T, where string, props, mfa map[string]any) {
	t.Helper()
	factors, _ := props["EnabledMfas"].([]any)
	on := map[string]bool{
		"SMS_MFA":            mfa["SmsMfaConfiguration"] != nil,
		"SOFTWARE_TOKEN_MFA": mfa["SoftwareTokenMfaConfiguration"] != nil,
		"EMAIL_OTP":          mfa["EmailMfaConfiguration"] != nil,
	}
	legacySMS := len(factors) == 0 && props["MfaConfiguration"] != nil && props["MfaConfiguration"] != "OFF" && props["SmsConfiguration"] != nil
	for f, enabled := range on {
		want := slices.Contains(factors, any(f)) || (f == "SMS_MFA" && legacySMS)
		if want != enabled {
			t.Errorf("%s: MFA factor %s is on=%v, want %v (EnabledMfas %v)", where, f, enabled, want, factors)
		}
	}
	if m, ok := props["EmailAuthenticationMessage"]; ok {
		expectContains(t, where+" EmailAuthenticationMessage", m, path(mfa, "EmailMfaConfiguration", "Message"))
	}
	if m, ok := props["EmailAuthenticationSubject"]; ok {
		expectContains(t, where+" EmailAuthenticationSubject", m, path(mfa, "EmailMfaConfiguration", "Subject"))
	}
	if m, ok := props["WebAuthnRelyingPartyID"]; ok {
		expectContains(t, where+" WebAuthnRelyingPartyID", m, path(mfa, "WebAuthnConfiguration", "RelyingPartyId"))
	}
	if m, ok := props["WebAuthnFactorConfiguration"]; ok {
		expectContains(t, where+" WebAuthnFactorConfiguration", m, path(mfa, "WebAuthnConfiguration", "FactorConfiguration"))
	}
	if m, ok := props["WebAuthnUserVerification"]; ok {
		expectContains(t, where+" WebAuthnUserVerification", m, path(mfa, "WebAuthnConfiguration", "UserVerification"))
	}
	if mc, ok := props["MfaConfiguration"]; ok {
		expectContains(t, where+" MfaConfiguration", mc, mfa["MfaConfiguration"])
	}
}

func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	return v
}

func checkClient(d *describer, r *template.ResourceState) {
	t := d.t
	pool := str(r, "UserPoolId")
	out, err := d.c.IdentityProvider().DescribeUserPoolClient(d.ctx(), &cip.DescribeUserPoolClientInput{UserPoolId: &pool, ClientId: &r.PhysicalID})
	d.must(err)
	client := asJSON(out.UserPoolClient).(map[string]any)
	where := r.LogicalID + " " + r.PhysicalID
	props := asJSON(r.Properties).(map[string]any)
	want := without(props, "GenerateSecret", "SupportedIdentityProviders")
	if want["ClientName"] == nil {
		want["ClientName"] = r.Attributes["GeneratedName"]
	}
	expectContains(t, where, want, client)
	if (props["GenerateSecret"] == true) != (client["ClientSecret"] != nil) {
		t.Errorf("%s: GenerateSecret %v, but ClientSecret is %v", where, props["GenerateSecret"], client["ClientSecret"])
	}
	if sip, ok := props["SupportedIdentityProviders"].([]any); ok {
		expectContains(t, where+" SupportedIdentityProviders", sip, client["SupportedIdentityProviders"])
	}
	for member, v := range golden(t, "default_user_pool_client.json") {
		if slices.Contains([]string{"UserPoolId", "ClientName", "ClientId", "CreationDate", "LastModifiedDate"}, member) {
			continue
		}
		if _, set := props[member]; !set {
			expectContains(t, where+" (default) "+member, v, client[member])
		}
	}
}
