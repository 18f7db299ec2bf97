package template

import (
	"context"
	"fmt"
	"strings"
)

// standardAttributes are the attributes every pool has; the schema
// exports those whose settings differ from Cognito's defaults (required,
// or immutable) and every custom one.
var standardAttributes = map[string]bool{
	"sub": true, "name": true, "given_name": true, "family_name": true, "middle_name": true, "nickname": true,
	"preferred_username": true, "profile": true, "picture": true, "website": true, "email": true,
	"email_verified": true, "gender": true, "birthdate": true, "zoneinfo": true, "locale": true,
	"phone_number": true, "phone_number_verified": true, "address": true, "updated_at": true,
}

func (x *exporter) pool(ctx context.Context, poolID string) error {
	out, err := x.call(ctx, IdentityProvider, "DescribeUserPool", map[string]any{"UserPoolId": poolID})
	if err != nil {
		return err
	}
	p, _ := out["UserPool"].(map[string]any)
	props := keep(p, &userPoolProps{}, map[string]string{"Name": "UserPoolName"})
	if schema := exportSchema(p["SchemaAttributes"]); len(schema) > 0 {
		props["Schema"] = schema
	}
	mfa, err := x.call(ctx, IdentityProvider, "GetUserPoolMfaConfig", map[string]any{"UserPoolId": poolID})
	if err != nil {
		return err
	}
	exportMfa(mfa, props)
	name := fmt.Sprint(p["Name"])
	id := x.add("UserPool", name, typeUserPool, props)
	x.refs[poolID] = id
	x.outputs[id+"Id"] = map[string]any{"Value": ref(id)}
	pool := ref(id)

	clients, err := x.list(ctx, IdentityProvider, "ListUserPoolClients", map[string]any{"UserPoolId": poolID}, "UserPoolClients", "MaxResults")
	if err != nil {
		return err
	}
	// Resource servers first: clients name their scopes.
	servers, err := x.list(ctx, IdentityProvider, "ListResourceServers", map[string]any{"UserPoolId": poolID}, "ResourceServers", "MaxResults")
	if err != nil {
		return err
	}
	var serverIDs []any
	for _, s := range servers {
		props := keep(s, &resourceServerProps{}, nil)
		props["UserPoolId"] = pool
		serverIDs = append(serverIDs, x.add(id+"ResourceServer", fmt.Sprint(s["Identifier"]), "AWS::Cognito::UserPoolResourceServer", props))
	}
	// Domains before clients: a UI customization needs one.
	var domainIDs []any
	for _, key := range []string{"Domain", "CustomDomain"} {
		if d, ok := p[key].(string); ok && d != "" {
			did, err := x.domain(ctx, id, d)
			if err != nil {
				return err
			}
			domainIDs = append(domainIDs, did)
		}
	}
	providers, err := x.identityProviders(ctx, id, poolID)
	if err != nil {
		return err
	}
	for _, c := range clients {
		if err := x.client(ctx, id, poolID, fmt.Sprint(c["ClientId"]), serverIDs, domainIDs, providers); err != nil {
			return err
		}
	}
	if err := x.riskConfiguration(ctx, id, poolID, "", ""); err != nil {
		return err
	}
	groups, err := x.list(ctx, IdentityProvider, "ListGroups", map[string]any{"UserPoolId": poolID}, "Groups", "Limit")
	if err != nil {
		return err
	}
	for _, g := range groups {
		props := keep(g, &groupProps{}, nil)
		props["UserPoolId"] = pool
		x.add(id+"Group", fmt.Sprint(g["GroupName"]), "AWS::Cognito::UserPoolGroup", props)
	}
	logs, err := x.call(ctx, IdentityProvider, "GetLogDeliveryConfiguration", map[string]any{"UserPoolId": poolID})
	if err != nil {
		return err
	}
	if ldc, _ := logs["LogDeliveryConfiguration"].(map[string]any); ldc != nil && !emptyValue(ldc["LogConfigurations"]) {
		x.add(id, "LogDelivery", "AWS::Cognito::LogDeliveryConfiguration",
			map[string]any{"UserPoolId": pool, "LogConfigurations": ldc["LogConfigurations"]})
	}
	return nil
}

// exportSchema keeps the custom attributes (without "custom:") and the
// standard ones whose settings are not the defaults.
func exportSchema(v any) []any {
	attrs, _ := v.([]any)
	var out []any
	for _, a := range attrs {
		m, _ := a.(map[string]any)
		name, _ := m["Name"].(string)
		if standardAttributes[name] {
			if name == "sub" || (m["Required"] != true && m["Mutable"] != false) {
				continue
			}
			out = append(out, map[string]any{"Name": name, "Required": m["Required"], "Mutable": m["Mutable"]})
			continue
		}
		custom := map[string]any{}
		for k, v := range m {
			custom[k] = v
		}
		if strings.HasPrefix(name, "dev:") {
			custom["DeveloperOnlyAttribute"] = true
			name = strings.TrimPrefix(name, "dev:")
		}
		custom["Name"] = strings.TrimPrefix(name, "custom:")
		delete(custom, "Required") // custom attributes cannot be required
		out = append(out, custom)
	}
	return out
}

// exportMfa turns GetUserPoolMfaConfig's answer into the pool's MFA
// properties.
func exportMfa(mfa map[string]any, props map[string]any) {
	var factors []any
	if sms, ok := mfa["SmsMfaConfiguration"].(map[string]any); ok {
		factors = append(factors, "SMS_MFA")
		if m := sms["SmsAuthenticationMessage"]; m != nil {
			props["SmsAuthenticationMessage"] = m
		}
	}
	if t, ok := mfa["SoftwareTokenMfaConfiguration"].(map[string]any); ok && t["Enabled"] == true {
		factors = append(factors, "SOFTWARE_TOKEN_MFA")
	}
	if e, ok := mfa["EmailMfaConfiguration"].(map[string]any); ok {
		factors = append(factors, "EMAIL_OTP")
		if m := e["Message"]; m != nil {
			props["EmailAuthenticationMessage"] = m
		}
		if s := e["Subject"]; s != nil {
			props["EmailAuthenticationSubject"] = s
		}
	}
	if len(factors) > 0 {
		props["EnabledMfas"] = factors
	}
	if w, ok := mfa["WebAuthnConfiguration"].(map[string]any); ok {
		if v := w["RelyingPartyId"]; v != nil {
			props["WebAuthnRelyingPartyID"] = v
		}
		if v := w["UserVerification"]; v != nil {
			props["WebAuthnUserVerification"] = v
		}
		if v := w["FactorConfiguration"]; v != nil {
			props["WebAuthnFactorConfiguration"] = v
		}
	}
}

func (x *exporter) client(ctx context.Context, poolLogical, poolID, clientID string, servers, domains []any, providers map[string]string) error {
	out, err := x.call(ctx, IdentityProvider, "DescribeUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientId": clientID})
	if err != nil {
		return err
	}
	c, _ := out["UserPoolClient"].(map[string]any)
	props := keep(c, &clientProps{}, nil)
	props["UserPoolId"] = ref(poolLogical)
	if c["ClientSecret"] != nil {
		props["GenerateSecret"] = true
	}
	if sip, ok := props["SupportedIdentityProviders"].([]any); ok {
		for i, name := range sip {
			if p, ok := providers[fmt.Sprint(name)]; ok {
				sip[i] = ref(p) // a provider's Ref is its name, and orders it first
			}
		}
	}
	id := x.add(poolLogical+"Client", fmt.Sprint(c["ClientName"]), typeClient, props)
	x.dependOn(id, servers)
	x.refs[clientID] = id
	x.outputs[id+"Id"] = map[string]any{"Value": ref(id)}
	if err := x.riskConfiguration(ctx, poolLogical, poolID, id, clientID); err != nil {
		return err
	}

	ui, err := x.call(ctx, IdentityProvider, "GetUICustomization", map[string]any{"UserPoolId": poolID, "ClientId": clientID})
	if err != nil {
		return err
	}
	if u, _ := ui["UICustomization"].(map[string]any); u != nil && u["ClientId"] == clientID && u["CSS"] != nil {
		ui := x.add(id, "UI", "AWS::Cognito::UserPoolUICustomizationAttachment",
			map[string]any{"UserPoolId": ref(poolLogical), "ClientId": ref(id), "CSS": u["CSS"]})
		x.dependOn(ui, domains)
	}
	if ok, _ := x.cloud.Supports(ctx, IdentityProvider, "DescribeManagedLoginBrandingByClient"); !ok {
		return nil
	}
	var brand map[string]any
	err = x.cloud.Call(ctx, IdentityProvider, "DescribeManagedLoginBrandingByClient", map[string]any{"UserPoolId": poolID, "ClientId": clientID}, &brand)
	if ignoreNotFound(err) != nil {
		return err
	}
	if err := x.terms(ctx, poolLogical, poolID, id, clientID); err != nil {
		return err
	}
	if b, _ := brand["ManagedLoginBranding"].(map[string]any); b != nil {
		props := keep(b, &brandingProps{}, nil)
		props["UserPoolId"], props["ClientId"] = ref(poolLogical), ref(id)
		x.dependOn(x.add(id, "Branding", "AWS::Cognito::ManagedLoginBranding", props), domains)
	}
	return nil
}

func (x *exporter) domain(ctx context.Context, poolLogical, domain string) (string, error) {
	out, err := x.call(ctx, IdentityProvider, "DescribeUserPoolDomain", map[string]any{"Domain": domain})
	if err != nil {
		return "", err
	}
	d, _ := out["DomainDescription"].(map[string]any)
	props := map[string]any{"Domain": domain, "UserPoolId": ref(poolLogical)}
	if v := d["ManagedLoginVersion"]; v != nil {
		props["ManagedLoginVersion"] = v
	}
	if v := d["Routing"]; v != nil {
		props["Routing"] = v
	}
	if cd, ok := d["CustomDomainConfig"].(map[string]any); ok && cd["CertificateArn"] != nil {
		props["CustomDomainConfig"] = map[string]any{"CertificateArn": cd["CertificateArn"]}
	}
	return x.add(poolLogical+"Domain", domain, "AWS::Cognito::UserPoolDomain", props), nil
}

func (x *exporter) terms(ctx context.Context, poolLogical, poolID, clientLogical, clientID string) error {
	if ok, _ := x.cloud.Supports(ctx, IdentityProvider, "CreateTerms"); !ok {
		return nil
	}
	list, err := x.list(ctx, IdentityProvider, "ListTerms", map[string]any{"UserPoolId": poolID}, "Terms", "MaxResults")
	if err != nil {
		return err
	}
	for _, item := range list {
		out, err := x.call(ctx, IdentityProvider, "DescribeTerms", map[string]any{"UserPoolId": poolID, "TermsId": item["TermsId"]})
		if err != nil {
			return err
		}
		t, _ := out["Terms"].(map[string]any)
		if t["ClientId"] != clientID {
			continue
		}
		props := keep(t, &termsProps{}, nil)
		props["UserPoolId"], props["ClientId"] = ref(poolLogical), ref(clientLogical)
		x.add(clientLogical, fmt.Sprint(t["TermsName"]), "AWS::Cognito::Terms", props)
	}
	return nil
}
