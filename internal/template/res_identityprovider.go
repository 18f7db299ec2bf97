package template

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const typeIdentityProvider = "AWS::Cognito::UserPoolIdentityProvider"

// identityProviderProps are AWS::Cognito::UserPoolIdentityProvider's
// properties, CreateIdentityProvider's members by the same names.
// CloudFormation types ProviderDetails as a JSON object whose values the
// CDK writes as strings or, for SAML's flags, booleans: bind turns a
// scalar into its text ("true"), which is what Cognito keeps.
type identityProviderProps struct {
	AttributeMapping map[string]string `json:"AttributeMapping,omitempty"`
	IdpIdentifiers   []string          `json:"IdpIdentifiers,omitempty"`
	ProviderDetails  map[string]string `json:"ProviderDetails,omitempty"`
	ProviderName     *string           `json:"ProviderName,omitempty"`
	ProviderType     *string           `json:"ProviderType,omitempty"`
	UserPoolId       *string           `json:"UserPoolId,omitempty"`
}

// Ref is the provider's name, which is also its physical id (what the
// CDK's providerName reads); CloudFormation documents no Fn::GetAtt
// attribute for the type and the CDK emits none.
//
// A change of ProviderType or ProviderName replaces the provider. Under
// the same name (an OIDC provider made SAML) the old one must go first:
// deleting it takes it out of the app clients that list it, as in
// Cognito, and the clients that refer to it (Ref or DependsOn, as the CDK
// writes them) are updated after it and list it again.
//
// Against a remote server older than federation (no
// CreateIdentityProvider) the resources are reported "not yet" and the
// app clients leave their names out (see findUnmanagedProviders), so
// that the rest of a stack still applies.
func init() {
	register(typeIdentityProvider, &kind{
		props:   func() any { return &identityProviderProps{} },
		replace: []string{"ProviderName", "ProviderType", "UserPoolId"},
		needs:   []string{"cognito-idp:CreateIdentityProvider"},
		check: func(_ *rc, props any, p *problems) {
			modelCheck(request[cognitoidp.CreateIdentityProviderRequest](props, nil), nil, p)
			checkDetails(props.(*identityProviderProps), p)
		},
		create: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.CreateIdentityProviderRequest](props, nil)
			warnDynamicReferences(x, req.ProviderDetails)
			if err := x.idp(ctx, "CreateIdentityProvider", req, nil); err != nil {
				return providerError(err)
			}
			x.physical, x.attrs[attrPoolID] = *req.ProviderName, *req.UserPoolId
			return nil
		},
		update: func(ctx context.Context, x *rc, props any) error {
			req := request[cognitoidp.UpdateIdentityProviderRequest](props, nil)
			warnDynamicReferences(x, req.ProviderDetails)
			// Absent members keep their value in UpdateIdentityProvider;
			// CloudFormation's update sets the resource to the template,
			// so a dropped mapping or identifier list is sent empty.
			if req.AttributeMapping == nil {
				req.AttributeMapping = map[string]string{}
			}
			if req.IdpIdentifiers == nil {
				req.IdpIdentifiers = []string{}
			}
			return providerError(x.idp(ctx, "UpdateIdentityProvider", req, nil))
		},
		remove: func(ctx context.Context, x *rc, _ bool) error {
			return ignoreNotFound(x.idp(ctx, "DeleteIdentityProvider",
				&cognitoidp.DeleteIdentityProviderRequest{ProviderName: &x.physical, UserPoolId: poolOf(x)}, nil))
		},
		identity: func(props any) string {
			in := props.(*identityProviderProps)
			return str(in.UserPoolId) + "/" + str(in.ProviderName)
		},
	})
}

// requiredDetails are the ProviderDetails keys each provider type must
// have (CloudFormation's and CreateIdentityProvider's documentation), so
// that a plan refuses a template that lacks one before anything is made.
// The server checks the rest (unknown keys, URLs, values) when the
// provider is created, and an apply that fails there is rolled back.
var requiredDetails = map[string][]string{
	cognitoidp.IdentityProviderTypeTypeOidc:            {"client_id", "client_secret", "authorize_scopes", "attributes_request_method", "oidc_issuer"},
	cognitoidp.IdentityProviderTypeTypeGoogle:          {"client_id", "client_secret", "authorize_scopes"},
	cognitoidp.IdentityProviderTypeTypeFacebook:        {"client_id", "client_secret", "authorize_scopes"},
	cognitoidp.IdentityProviderTypeTypeLoginwithamazon: {"client_id", "client_secret", "authorize_scopes"},
	cognitoidp.IdentityProviderTypeTypeSigninwithapple: {"client_id", "team_id", "key_id", "private_key", "authorize_scopes"},
}

func checkDetails(in *identityProviderProps, p *problems) {
	typ := str(in.ProviderType)
	d := in.ProviderDetails
	for _, k := range requiredDetails[typ] {
		if v, ok := d[k]; !ok || strings.TrimSpace(v) == "" {
			p.addf("ProviderDetails."+k, "required for a %s identity provider", typ)
		}
	}
	switch typ {
	case cognitoidp.IdentityProviderTypeTypeOidc:
		if m, ok := d["attributes_request_method"]; ok && m != "GET" && m != "POST" && !strings.Contains(m, unknownMark) {
			p.addf("ProviderDetails.attributes_request_method", "value %q is not GET or POST", clip(m))
		}
	case cognitoidp.IdentityProviderTypeTypeSaml:
		_, url := d["MetadataURL"]
		_, file := d["MetadataFile"]
		if url == file {
			p.addf("ProviderDetails", "a SAML identity provider needs exactly one of MetadataURL and MetadataFile")
		}
	}
}

// providerError names the property a server's InvalidParameterException
// about a provider comes from: it checks the details against the type
// (which keys, which values) and the name against the type, which the
// model cannot.
func providerError(err error) error {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.InvalidParameterException {
		return err
	}
	switch m := e.Message; {
	case strings.Contains(m, "IdpIdentifier"):
		return fmt.Errorf("IdpIdentifiers: %w", err)
	case strings.Contains(m, "provider name"):
		return fmt.Errorf("ProviderName: %w", err)
	case strings.Contains(m, "ProviderDetails") || strings.Contains(m, "Metadata") || strings.Contains(m, "_") ||
		strings.Contains(m, "IDP") || strings.Contains(m, "EncryptedResponses") || strings.Contains(m, "RequestSigningAlgorithm"):
		return fmt.Errorf("ProviderDetails: %w", err)
	}
	return err
}

// warnDynamicReferences says so when a detail is a CloudFormation dynamic
// reference ("{{resolve:secretsmanager:…}}", what the CDK writes for a
// SecretValue): cirro has no Secrets Manager or SSM to resolve it from, so
// the text is kept as given and sign-in through the provider fails until
// the detail holds the real value (a NoEcho parameter, say).
func warnDynamicReferences(x *rc, details map[string]string) {
	for _, k := range sortedKeys(details) {
		if v := details[k]; strings.HasPrefix(v, "{{resolve:") {
			kind, _, _ := strings.Cut(strings.TrimPrefix(v, "{{resolve:"), ":")
			x.eng.logf("%s (%s): ProviderDetails.%s is a dynamic reference to %s, which cirro cannot resolve; "+
				"kept as written, so sign-in through this provider fails until it holds the real value (pass it as a parameter)",
				x.id, typeIdentityProvider, k, kind)
		}
	}
}

// findUnmanagedProviders collects the names of the template's identity
// providers when the server cannot create them (a remote server older
// than federation): app clients leave those names out rather than fail.
func (e *Engine) findUnmanagedProviders(ctx context.Context, pl *Plan) error {
	pl.unmanagedProviders = map[string]bool{}
	providers := pl.templateProviders()
	if len(providers) == 0 {
		return nil
	}
	ok, err := e.Cloud.Supports(ctx, IdentityProvider, "CreateIdentityProvider")
	if err != nil || ok {
		return err
	}
	for _, p := range providers {
		pl.unmanagedProviders[p.name] = true
	}
	return nil
}

// templateProvider is an identity provider the template makes.
type templateProvider struct {
	id, name, pool string
}

// templateProviders lists the active identity providers whose names can
// be told before apply (a literal, a parameter, a Sub or Join of those).
func (pl *Plan) templateProviders() []templateProvider {
	var out []templateProvider
	for _, id := range pl.order {
		r := pl.tpl.Resources[id]
		if r.Type != typeIdentityProvider {
			continue
		}
		ev := &evaluator{params: pl.params, conditions: pl.conditions, mappings: pl.tpl.Mappings, res: noResources{"ProviderName"}}
		if v, err := ev.eval(r.Properties["ProviderName"], "ProviderName"); err == nil {
			if s, ok := v.(string); ok {
				out = append(out, templateProvider{id: id, name: s, pool: poolExpr(r.Properties["UserPoolId"])})
			}
		}
	}
	return out
}

// poolExpr is how a resource names its pool, so that two resources can
// be seen to share one: Ref X and Fn::GetAtt X.UserPoolId are both "X".
func poolExpr(v any) string {
	if m, ok := v.(map[string]any); ok {
		if s, ok := m["Ref"].(string); ok {
			return s
		}
		if id, attr, err := getAttArgs(m["Fn::GetAtt"]); err == nil && attr == "UserPoolId" {
			return id
		}
	}
	return canonical(v)
}

// unorderedProviders are the providers of the client's pool that the
// template makes, that the client lists, and that it does not depend on
// (by reference or DependsOn, directly or not). CloudFormation does not
// infer that order from a name in SupportedIdentityProviders, and neither
// does cirro: such a client may be created before the provider exists.
func unorderedProviders(x *rc, listed []string) []templateProvider {
	if x.pl == nil || x.pl.tpl.Resources[x.id] == nil {
		return nil
	}
	pool := poolExpr(x.pl.tpl.Resources[x.id].Properties["UserPoolId"])
	var out []templateProvider
	for _, p := range x.pl.templateProviders() {
		if p.pool == pool && slices.Contains(listed, p.name) && !x.pl.dependsOn(x.id, p.id) {
			out = append(out, p)
		}
	}
	return out
}

// dependsOn reports whether resource id depends on target, transitively.
func (pl *Plan) dependsOn(id, target string) bool {
	seen := map[string]bool{}
	var walk func(string) bool
	walk = func(n string) bool {
		for _, d := range pl.deps[n] {
			if d == target {
				return true
			}
			if !seen[d] {
				seen[d] = true
				if walk(d) {
					return true
				}
			}
		}
		return false
	}
	return walk(id)
}

// clientProviderError explains a client's failure to list a provider the
// template makes but the client does not wait for.
func clientProviderError(x *rc, listed []string, err error) error {
	if err == nil || !errs.Is(err, errs.InvalidParameterException) {
		return err
	}
	for _, p := range unorderedProviders(x, listed) {
		if strings.Contains(err.Error(), "provider "+p.name+" does not exist") {
			return fmt.Errorf("SupportedIdentityProviders: %w: it is made by %s, which %s neither refers to nor names in DependsOn, "+
				"so nothing orders it first (CloudFormation does not infer that either): add DependsOn: [%s] or refer to it with Ref",
				err, p.id, x.id, p.id)
		}
	}
	return err
}
