package identitypool

import (
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// maxTags is Cognito's limit: "An identity pool can have as many as 50
// tags."
const maxTags = 50

// checkPoolConfig refuses a configuration whose providers cirro could
// not tell apart or does not recognise. The model has already checked
// lengths and patterns.
func (s *Service) checkPoolConfig(p *cognitoidentity.IdentityPool) error {
	names := map[string]bool{cognitoLoginKey: true, s.openIDProviderName(): true}
	type client struct{ pool, id string }
	clients := map[client]bool{}
	for _, c := range p.CognitoIdentityProviders {
		if c.ProviderName == nil || c.ClientId == nil {
			return invalidParameter("A Cognito identity provider needs both ProviderName and ClientId.")
		}
		up, ok := s.userPoolOf(*c.ProviderName)
		if !ok {
			return invalidParameter("Invalid Cognito identity provider %s: it must be %s<userPoolId> or cognito-idp.%s.amazonaws.com/<userPoolId>.", *c.ProviderName, s.hostPrefix, s.region)
		}
		k := client{up, *c.ClientId}
		if clients[k] {
			return invalidParameter("Cognito identity provider %s with client %s is listed twice.", *c.ProviderName, *c.ClientId)
		}
		clients[k] = true
	}
	for _, a := range p.OpenIdConnectProviderARNs {
		name, ok := oidcName(a)
		if !ok {
			return invalidParameter("Invalid OpenIdConnectProviderARN %s: it must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>).", a)
		}
		if names[name] {
			return invalidParameter("The OpenID Connect provider %s is listed twice.", name)
		}
		names[name] = true
	}
	for _, a := range p.SamlProviderARNs {
		if parsed, ok := parseARN(a); !ok || parsed.service != "iam" || !strings.HasPrefix(parsed.resource, "saml-provider/") {
			return invalidParameter("Invalid SamlProviderARN %s: it must be an IAM SAML provider ARN.", a)
		}
		if names[a] {
			return invalidParameter("The SAML provider %s is listed twice.", a)
		}
		names[a] = true
	}
	for name := range p.SupportedLoginProviders {
		if _, ok := socialProviders[name]; !ok {
			return invalidParameter("%s is not a supported login provider.", name)
		}
		if names[name] {
			return invalidParameter("%s is configured both as a login provider and as an OpenID Connect provider.", name)
		}
		names[name] = true
	}
	if d := p.DeveloperProviderName; d != nil {
		if _, isPool := s.userPoolOf(*d); names[*d] || isPool {
			return invalidParameter("DeveloperProviderName %s is the name of another provider.", *d)
		}
	}
	return nil
}

// checkTags enforces the tag limits the model does not state.
func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return invalidParameter("An identity pool can have at most %d tags.", maxTags)
	}
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParameter("Tag keys starting with aws: are reserved: %s", k)
		}
	}
	return nil
}
