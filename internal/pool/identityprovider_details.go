package pool

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// The ProviderDetails keys of each provider type, as the model's
// documentation of CreateIdentityProvider lists them. Keys Cognito fills
// in itself (the social providers' endpoints) may also be given: cirro
// lets every endpoint be overridden, so that tests and private
// deployments can point a preset at another server.
var (
	oauthEndpointKeys = []string{"authorize_url", "token_url", "attributes_url", "jwks_uri", "oidc_issuer",
		"attributes_url_add_attributes", "token_request_method"}
	detailKeys = map[string]struct{ required, optional []string }{
		cognitoidp.IdentityProviderTypeTypeOidc: {
			required: []string{"client_id", "client_secret", "authorize_scopes", "attributes_request_method", "oidc_issuer"},
			optional: oauthEndpointKeys,
		},
		cognitoidp.IdentityProviderTypeTypeGoogle: {
			required: []string{"client_id", "client_secret", "authorize_scopes"},
			optional: oauthEndpointKeys,
		},
		cognitoidp.IdentityProviderTypeTypeFacebook: {
			required: []string{"client_id", "client_secret", "authorize_scopes"},
			optional: append([]string{"api_version"}, oauthEndpointKeys...),
		},
		cognitoidp.IdentityProviderTypeTypeLoginwithamazon: {
			required: []string{"client_id", "client_secret", "authorize_scopes"},
			optional: oauthEndpointKeys,
		},
		cognitoidp.IdentityProviderTypeTypeSigninwithapple: {
			required: []string{"client_id", "team_id", "key_id", "private_key", "authorize_scopes"},
			optional: oauthEndpointKeys,
		},
		cognitoidp.IdentityProviderTypeTypeSaml: {
			optional: []string{"MetadataURL", "MetadataFile", "IDPSignout", "IDPInit", "EncryptedResponses",
				"RequestSigningAlgorithm", "ActiveEncryptionCertificate", "SLORedirectBindingURI", "SSORedirectBindingURI"},
		},
	}
	// sealedDetails are the keys kept sealed at rest.
	sealedDetails = []string{"client_secret", "private_key"}
	// hiddenDetails are sealed keys Describe never shows: Cognito's
	// describe response of SignInWithApple has no private_key, while it
	// does show the client_secret of the others.
	hiddenDetails = []string{"private_key"}
)

// socialDefaults are the endpoints Cognito adds to a social provider's
// details (the describe responses in the model's documentation).
var socialDefaults = map[string]map[string]string{
	cognitoidp.IdentityProviderTypeTypeGoogle: {
		"attributes_url": "https://people.googleapis.com/v1/people/me?personFields=", "attributes_url_add_attributes": "true",
		"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "oidc_issuer": "https://accounts.google.com",
		"token_request_method": "POST", "token_url": "https://www.googleapis.com/oauth2/v4/token",
	},
	cognitoidp.IdentityProviderTypeTypeLoginwithamazon: {
		"attributes_url": "https://api.amazon.com/user/profile", "attributes_url_add_attributes": "false",
		"authorize_url": "https://www.amazon.com/ap/oa", "token_request_method": "POST", "token_url": "https://api.amazon.com/auth/o2/token",
	},
	cognitoidp.IdentityProviderTypeTypeSigninwithapple: {
		"attributes_url_add_attributes": "false", "authorize_url": "https://appleid.apple.com/auth/authorize",
		"oidc_issuer": "https://appleid.apple.com", "token_request_method": "POST", "token_url": "https://appleid.apple.com/auth/token",
	},
	cognitoidp.IdentityProviderTypeTypeFacebook: {
		"attributes_url_add_attributes": "true", "token_request_method": "GET",
	},
}

// facebookAPIVersion is used when a Facebook provider names none.
const facebookAPIVersion = "v17.0"

// defaultUsernameClaim is the claim Cognito maps to username (the
// provider's subject) unless the request maps it: "sub" for OIDC, Google
// and Apple, Facebook's "id", Login with Amazon's "user_id".
var defaultUsernameClaim = map[string]string{
	cognitoidp.IdentityProviderTypeTypeOidc:            "sub",
	cognitoidp.IdentityProviderTypeTypeGoogle:          "sub",
	cognitoidp.IdentityProviderTypeTypeSigninwithapple: "sub",
	cognitoidp.IdentityProviderTypeTypeFacebook:        "id",
	cognitoidp.IdentityProviderTypeTypeLoginwithamazon: "user_id",
}

// checkProviderName applies the naming rules beyond the model's pattern:
// a social provider is named after its type, and no provider may take
// the name of the user pool itself.
func checkProviderName(name, typ string) error {
	if strings.EqualFold(name, cognitoProvider) {
		return errs.Newf(errs.InvalidParameterException, "%s is a reserved provider name.", name)
	}
	if typ != cognitoidp.IdentityProviderTypeTypeOidc && typ != cognitoidp.IdentityProviderTypeTypeSaml && name != typ {
		return errs.Newf(errs.InvalidParameterException, "The provider name of a %s identity provider must be %s.", typ, typ)
	}
	return nil
}

// normalizeDetails checks a provider's details against its type and
// returns them with Cognito's defaults added.
func normalizeDetails(typ string, in map[string]string) (map[string]string, error) {
	spec, ok := detailKeys[typ]
	if !ok {
		return nil, errs.Newf(errs.InvalidParameterException, "Unsupported provider type %s.", typ)
	}
	d := maps.Clone(in)
	if d == nil {
		d = map[string]string{}
	}
	for k, v := range d {
		if !slices.Contains(spec.required, k) && !slices.Contains(spec.optional, k) {
			return nil, errs.Newf(errs.InvalidParameterException, "%s is not a valid ProviderDetails key for a %s identity provider.", k, typ)
		}
		if strings.TrimSpace(v) == "" {
			return nil, errs.Newf(errs.InvalidParameterException, "ProviderDetails %s cannot be empty.", k)
		}
	}
	for _, k := range spec.required {
		if d[k] == "" {
			return nil, errs.Newf(errs.InvalidParameterException, "%s is required for a %s identity provider.", k, typ)
		}
	}
	switch typ {
	case cognitoidp.IdentityProviderTypeTypeSaml:
		return samlDetails(d)
	case cognitoidp.IdentityProviderTypeTypeOidc:
		if m := d["attributes_request_method"]; m != "GET" && m != "POST" {
			return nil, errs.New(errs.InvalidParameterException, "attributes_request_method must be GET or POST.")
		}
		if !strings.Contains(" "+d["authorize_scopes"]+" ", " openid ") {
			return nil, errs.New(errs.InvalidParameterException, "authorize_scopes of an OIDC identity provider must include openid.")
		}
		if _, ok := d["attributes_url_add_attributes"]; !ok {
			d["attributes_url_add_attributes"] = "false"
		}
	case cognitoidp.IdentityProviderTypeTypeFacebook:
		if d["api_version"] == "" {
			d["api_version"] = facebookAPIVersion
		}
		v := d["api_version"]
		for k, u := range map[string]string{
			"attributes_url": "https://graph.facebook.com/" + v + "/me?fields=",
			"authorize_url":  "https://www.facebook.com/" + v + "/dialog/oauth",
			"token_url":      "https://graph.facebook.com/" + v + "/oauth/access_token",
		} {
			if d[k] == "" {
				d[k] = u
			}
		}
	}
	for k, v := range socialDefaults[typ] {
		if d[k] == "" {
			d[k] = v
		}
	}
	for _, k := range []string{"authorize_url", "token_url", "attributes_url", "jwks_uri", "oidc_issuer"} {
		if v, ok := d[k]; ok && !httpURL(v) {
			return nil, errs.Newf(errs.InvalidParameterException, "%s must be an http or https URL.", k)
		}
	}
	return d, nil
}

// samlDetails: "exactly one of MetadataURL and MetadataFile", and the
// flags as the strings "true" or "false". The metadata itself is read
// when a user signs in, so that a provider can be registered before its
// IdP is reachable.
func samlDetails(d map[string]string) (map[string]string, error) {
	url, file := d["MetadataURL"], d["MetadataFile"]
	switch {
	case url == "" && file == "":
		return nil, errs.New(errs.InvalidParameterException, "Either MetadataURL or MetadataFile is required for a SAML identity provider.")
	case url != "" && file != "":
		return nil, errs.New(errs.InvalidParameterException, "Only one of MetadataURL and MetadataFile may be given.")
	case url != "" && !httpURL(url):
		return nil, errs.New(errs.InvalidParameterException, "MetadataURL must be an http or https URL.")
	}
	for _, k := range []string{"IDPSignout", "IDPInit", "EncryptedResponses"} {
		v, ok := d[k]
		if !ok {
			continue
		}
		switch strings.ToLower(v) {
		case "true", "false":
			d[k] = strings.ToLower(v)
		default:
			return nil, errs.Newf(errs.InvalidParameterException, "%s must be true or false.", k)
		}
	}
	if a, ok := d["RequestSigningAlgorithm"]; ok && a != "rsa-sha256" {
		return nil, errs.New(errs.InvalidParameterException, "RequestSigningAlgorithm must be rsa-sha256.")
	}
	// Cognito fills these from the metadata; cirro does not read it here.
	delete(d, "ActiveEncryptionCertificate")
	delete(d, "SLORedirectBindingURI")
	delete(d, "SSORedirectBindingURI")
	return d, nil
}

func httpURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkIdentifiers refuses an identifier given twice in one request.
func checkIdentifiers(ids []string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return errs.Newf(errs.InvalidParameterException, "Duplicate IdpIdentifier %s.", id)
		}
		seen[id] = true
	}
	return nil
}

// withDefaultMapping adds Cognito's username mapping to a provider's
// attribute mapping.
func withDefaultMapping(typ string, m map[string]string) map[string]string {
	out := maps.Clone(m)
	if claim, ok := defaultUsernameClaim[typ]; ok {
		if out == nil {
			out = map[string]string{}
		}
		if _, set := out["username"]; !set {
			out["username"] = claim
		}
	}
	return out
}

// ParseApplePrivateKey decodes a Sign in with Apple private key: the EC
// P-256 key Apple issues (a .p8 file, PKCS #8 in PEM, or its base64
// body). It is read when a user signs in, not when the provider is
// created, so that templates with placeholder keys apply.
func ParseApplePrivateKey(s string) (*ecdsa.PrivateKey, error) {
	der := []byte(nil)
	if b, _ := pem.Decode([]byte(strings.TrimSpace(s))); b != nil {
		der = b.Bytes
	} else {
		var err error
		if der, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err != nil {
			return nil, err
		}
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("pool: not an EC P-256 key")
	}
	return ec, nil
}
