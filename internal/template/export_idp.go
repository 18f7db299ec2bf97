package template

import (
	"context"
	"fmt"
	"maps"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Secrets of identity providers in an export.
//
// DescribeIdentityProvider returns a provider's client_secret, and a
// CloudFormation template holds it either in plain text (the CDK's
// clientSecret string) or as a dynamic reference to Secrets Manager, which
// cirro cannot resolve. By default the export writes it in plain text, as
// Describe showed it: whoever may export may describe, the file then
// applies without further input, and the copy signs in through the same
// providers. With ExportOptions.SecretParameters each client_secret
// becomes a NoEcho parameter without a default instead, to be given with
// --parameter when the export is applied. Apple's private_key is never
// returned by Cognito (nor by cirro), so it is always a NoEcho parameter,
// and Warn says so: an export that dropped it would apply and then fail
// at the first sign-in.

// detailDefaults are the details Cognito adds to a provider of each type
// (the describe responses in the API reference): the export leaves a key
// out when it holds its default, so the template reads as one written by
// hand and applies to Cognito, where these keys are read-only.
func detailDefaults(typ string, d map[string]any) map[string]string {
	switch typ {
	case cognitoidp.IdentityProviderTypeTypeOidc:
		return map[string]string{"attributes_url_add_attributes": "false"}
	case cognitoidp.IdentityProviderTypeTypeGoogle:
		return map[string]string{
			"attributes_url": "https://people.googleapis.com/v1/people/me?personFields=", "attributes_url_add_attributes": "true",
			"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "oidc_issuer": "https://accounts.google.com",
			"token_request_method": "POST", "token_url": "https://www.googleapis.com/oauth2/v4/token",
		}
	case cognitoidp.IdentityProviderTypeTypeLoginwithamazon:
		return map[string]string{
			"attributes_url": "https://api.amazon.com/user/profile", "attributes_url_add_attributes": "false",
			"authorize_url": "https://www.amazon.com/ap/oa", "token_request_method": "POST", "token_url": "https://api.amazon.com/auth/o2/token",
		}
	case cognitoidp.IdentityProviderTypeTypeSigninwithapple:
		return map[string]string{
			"attributes_url_add_attributes": "false", "authorize_url": "https://appleid.apple.com/auth/authorize",
			"oidc_issuer": "https://appleid.apple.com", "token_request_method": "POST", "token_url": "https://appleid.apple.com/auth/token",
		}
	case cognitoidp.IdentityProviderTypeTypeFacebook:
		v, _ := d["api_version"].(string)
		out := map[string]string{
			"attributes_url": "https://graph.facebook.com/" + v + "/me?fields=", "attributes_url_add_attributes": "true",
			"authorize_url": "https://www.facebook.com/" + v + "/dialog/oauth", "token_request_method": "GET",
			"token_url": "https://graph.facebook.com/" + v + "/oauth/access_token",
		}
		if v == "v17.0" { // the version Cognito picks when none is given
			out["api_version"] = v
		}
		return out
	case cognitoidp.IdentityProviderTypeTypeSaml:
		// Read from the IdP's metadata, never given.
		return map[string]string{"ActiveEncryptionCertificate": "*", "SLORedirectBindingURI": "*", "SSORedirectBindingURI": "*"}
	}
	return nil
}

// usernameClaims is the claim Cognito maps to username when a provider's
// AttributeMapping does not.
var usernameClaims = map[string]string{
	cognitoidp.IdentityProviderTypeTypeOidc: "sub", cognitoidp.IdentityProviderTypeTypeGoogle: "sub",
	cognitoidp.IdentityProviderTypeTypeSigninwithapple: "sub", cognitoidp.IdentityProviderTypeTypeFacebook: "id",
	cognitoidp.IdentityProviderTypeTypeLoginwithamazon: "user_id",
}

// identityProviders exports a pool's identity providers and returns the
// logical id of each by provider name, for the clients that list them.
func (x *exporter) identityProviders(ctx context.Context, poolLogical, poolID string) (map[string]string, error) {
	if ok, _ := x.cloud.Supports(ctx, IdentityProvider, "CreateIdentityProvider"); !ok {
		return nil, nil
	}
	list, err := x.list(ctx, IdentityProvider, "ListIdentityProviders", map[string]any{"UserPoolId": poolID}, "Providers", "MaxResults")
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for _, item := range list {
		out, err := x.call(ctx, IdentityProvider, "DescribeIdentityProvider", map[string]any{"UserPoolId": poolID, "ProviderName": item["ProviderName"]})
		if err != nil {
			return nil, err
		}
		p, _ := out["IdentityProvider"].(map[string]any)
		name, typ := fmt.Sprint(p["ProviderName"]), fmt.Sprint(p["ProviderType"])
		props := map[string]any{"UserPoolId": ref(poolLogical), "ProviderName": name, "ProviderType": typ}
		details, _ := p["ProviderDetails"].(map[string]any)
		details = maps.Clone(details)
		for k, v := range detailDefaults(typ, details) {
			if details[k] == v || (v == "*" && details[k] != nil) {
				delete(details, k)
			}
		}
		if mapping, ok := p["AttributeMapping"].(map[string]any); ok {
			mapping = maps.Clone(mapping)
			if claim := usernameClaims[typ]; claim != "" && mapping["username"] == claim {
				delete(mapping, "username")
			}
			if len(mapping) > 0 {
				props["AttributeMapping"] = mapping
			}
		}
		if ids, ok := p["IdpIdentifiers"].([]any); ok && len(ids) > 0 {
			props["IdpIdentifiers"] = ids
		}
		logical := x.add(poolLogical+"IdP", name, typeIdentityProvider, props)
		if typ == cognitoidp.IdentityProviderTypeTypeSigninwithapple {
			details["private_key"] = x.secretParameter(logical+"PrivateKey",
				fmt.Sprintf("Sign in with Apple private key (.p8) of provider %s of %s", name, poolLogical), nil)
			x.warn("%s: Cognito never returns Sign in with Apple's private key, so the export cannot hold it: give it when applying, "+
				"--parameter %sPrivateKey=\"$(cat AuthKey.p8)\"", logical, logical)
		}
		if secret, ok := details["client_secret"]; ok && x.opts.SecretParameters {
			details["client_secret"] = x.secretParameter(logical+"ClientSecret",
				fmt.Sprintf("client_secret of identity provider %s of %s", name, poolLogical), secret)
		} else if ok {
			x.plainSecrets++
		}
		if len(details) > 0 {
			props["ProviderDetails"] = details
		}
		byName[name] = logical
	}
	return byName, nil
}

// secretParameter declares a NoEcho parameter without a default and
// returns a Ref to it. had is the value the export leaves out (nil when
// it was never known).
func (x *exporter) secretParameter(name, description string, had any) any {
	x.params[name] = map[string]any{"Type": "String", "NoEcho": true, "Description": description}
	if had != nil {
		x.warn("%s: a NoEcho parameter without a default holds this secret; give it when applying, --parameter %s=…", name, name)
	}
	return ref(name)
}

// riskConfiguration exports the threat-protection settings of a pool
// (clientID "") or of one of its clients, when it has its own.
func (x *exporter) riskConfiguration(ctx context.Context, poolLogical, poolID, clientLogical, clientID string) error {
	if ok, _ := x.cloud.Supports(ctx, IdentityProvider, "SetRiskConfiguration"); !ok {
		return nil
	}
	in := map[string]any{"UserPoolId": poolID}
	if clientID != "" {
		in["ClientId"] = clientID
	}
	out, err := x.call(ctx, IdentityProvider, "DescribeRiskConfiguration", in)
	if err != nil {
		return err
	}
	rc, _ := out["RiskConfiguration"].(map[string]any)
	if rc == nil || (clientID != "" && rc["ClientId"] != clientID) {
		return nil // nothing set, or the client inherits the pool's
	}
	props := keep(rc, &riskConfigurationProps{}, nil)
	delete(props, "ClientId")
	delete(props, "UserPoolId")
	if len(props) == 0 {
		return nil
	}
	props["UserPoolId"] = ref(poolLogical)
	if clientID == "" {
		props["ClientId"] = "ALL"
		x.add(poolLogical, "RiskConfiguration", typeRiskConfiguration, props)
		return nil
	}
	props["ClientId"] = ref(clientLogical)
	x.add(clientLogical, "RiskConfiguration", typeRiskConfiguration, props)
	return nil
}

func (x *exporter) warn(format string, args ...any) {
	if x.opts.Warn != nil {
		x.opts.Warn(fmt.Sprintf(format, args...))
	}
}
