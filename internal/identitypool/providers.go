package identitypool

import (
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/token"
)

// providerKind is what sort of login a logins key names.
type providerKind int

const (
	userPoolProvider providerKind = iota + 1
	oidcProvider
	socialProvider
	samlProvider
	developerProvider
	// cognitoProvider is cirro's own OpenID token, which the enhanced
	// flow of developer-authenticated identities presents to
	// GetCredentialsForIdentity under "cognito-identity.amazonaws.com".
	cognitoProvider
)

// cognitoLoginKey is the logins key SDKs use for Cognito Identity's own
// tokens.
const cognitoLoginKey = "cognito-identity.amazonaws.com"

// socialProviders are the SupportedLoginProviders keys Cognito accepts,
// with the OpenID Connect issuer of those whose tokens are ID tokens ("":
// access tokens that only the provider's own API can check).
var socialProviders = map[string]string{
	"accounts.google.com": "https://accounts.google.com",
	"appleid.apple.com":   "https://appleid.apple.com",
	"graph.facebook.com":  "",
	"www.amazon.com":      "",
	"api.twitter.com":     "",
	"www.digits.com":      "",
}

// provider is a login provider of one identity pool.
type provider struct {
	kind providerKind
	// name is the canonical provider name, which identities record:
	// for a user pool its cirro issuer without the scheme, whatever
	// spelling the logins key used.
	name string
	// userPool and clients: a user pool and the app clients the identity
	// pool accepts tokens of.
	userPool string
	clients  []cognitoidentity.CognitoIdentityProvider
	// issuer and audience: an OpenID Connect provider ("" audience:
	// any).
	issuer   string
	audience string
}

// userPoolOf returns the user pool a provider name names: cirro's own
// spelling (<public-url host>/<poolId>, the issuer without its scheme) or
// Cognito's (cognito-idp.<region>.amazonaws.com/<poolId>) for this
// server's region, which templates and SDK configuration carry over.
func (s *Service) userPoolOf(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, s.hostPrefix)
	if !ok {
		id, ok = strings.CutPrefix(name, "cognito-idp."+s.region+".amazonaws.com/")
	}
	if !ok || !token.ValidPoolID(id) {
		return "", false
	}
	return id, true
}

// userPoolProviderName is the canonical name of a user pool provider.
func (s *Service) userPoolProviderName(poolID string) string { return s.hostPrefix + poolID }

// openIDProviderName is cirro's own issuer without its scheme, accepted
// beside cognitoLoginKey.
func (s *Service) openIDProviderName() string {
	return strings.TrimSuffix(s.hostPrefix, "/") + "/identitypool"
}

// oidcName returns the provider name an IAM OIDC provider ARN stands for
// (arn:aws:iam::<account>:oidc-provider/<issuer host and path>).
func oidcName(arn string) (string, bool) {
	a, ok := parseARN(arn)
	if !ok || a.service != "iam" {
		return "", false
	}
	name, ok := strings.CutPrefix(a.resource, "oidc-provider/")
	return name, ok && name != ""
}

// findProvider finds the provider a logins key names in a pool.
func (s *Service) findProvider(p *poolDoc, key string) (*provider, bool) {
	if key == cognitoLoginKey || key == s.openIDProviderName() {
		return &provider{kind: cognitoProvider, name: cognitoLoginKey}, true
	}
	if up, ok := s.userPoolOf(key); ok {
		pr := &provider{kind: userPoolProvider, name: s.userPoolProviderName(up), userPool: up}
		for _, c := range p.Pool.CognitoIdentityProviders {
			if c.ProviderName != nil {
				if id, ok := s.userPoolOf(*c.ProviderName); ok && id == up {
					pr.clients = append(pr.clients, c)
				}
			}
		}
		return pr, len(pr.clients) > 0
	}
	for _, arn := range p.Pool.OpenIdConnectProviderARNs {
		if name, ok := oidcName(arn); ok && name == key {
			return &provider{kind: oidcProvider, name: key, issuer: "https://" + key}, true
		}
	}
	if appID, ok := p.Pool.SupportedLoginProviders[key]; ok {
		return &provider{kind: socialProvider, name: key, issuer: socialProviders[key], audience: appID}, true
	}
	if slices.Contains(p.Pool.SamlProviderARNs, key) {
		return &provider{kind: samlProvider, name: key}, true
	}
	if d := p.Pool.DeveloperProviderName; d != nil && *d == key {
		return &provider{kind: developerProvider, name: key}, true
	}
	return nil, false
}

// sameProvider reports whether two provider names name the same
// provider: user pools by pool id, whatever their spelling, anything
// else by name.
func (s *Service) sameProvider(a, b string) bool {
	if x, ok := s.userPoolOf(a); ok {
		y, ok := s.userPoolOf(b)
		return ok && x == y
	}
	return a == b
}

// arn is an Amazon Resource Name split into the parts rules look at.
type arn struct{ service, region, account, resource string }

func parseARN(s string) (arn, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[1] == "" || f[2] == "" || f[5] == "" {
		return arn{}, false
	}
	return arn{service: f[2], region: f[3], account: f[4], resource: f[5]}, true
}

// isRoleARN reports whether s is an IAM role ARN.
func isRoleARN(s string) bool {
	a, ok := parseARN(s)
	return ok && a.service == "iam" && a.region == "" && strings.HasPrefix(a.resource, "role/") && len(a.resource) > len("role/")
}
