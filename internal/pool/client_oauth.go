package pool

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// identityProviderKind is the record kind of a pool's identity providers
// (federation, a later family), each an IdentityProviderType document.
const identityProviderKind = "identityprovider"

// standardScopes are the scopes every pool has; any other scope must be
// "identifier/name" of one of the pool's resource servers.
var standardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

// cognitoProvider is the user pool itself as an identity provider.
const cognitoProvider = "COGNITO"

// checkOAuth enforces the rules between OAuth flows, scopes, the secret
// and the redirect URLs.
func checkOAuth(c *cognitoidp.UserPoolClientType, hasSecret bool) error {
	enabled := *c.AllowedOAuthFlowsUserPoolClient
	if enabled && (len(c.AllowedOAuthFlows) == 0 || len(c.AllowedOAuthScopes) == 0) {
		return errs.New(errs.InvalidParameterException, "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.")
	}
	redirecting := slices.Contains(c.AllowedOAuthFlows, cognitoidp.OAuthFlowTypeCode) ||
		slices.Contains(c.AllowedOAuthFlows, cognitoidp.OAuthFlowTypeImplicit)
	if slices.Contains(c.AllowedOAuthFlows, cognitoidp.OAuthFlowTypeClientCredentials) {
		switch {
		case redirecting:
			return errs.New(errs.InvalidOAuthFlowException, "client_credentials flow can not be selected along with code flow or implicit flow.")
		case !hasSecret:
			return errs.New(errs.InvalidOAuthFlowException, "client_credentials flow can not be selected if client does not have a client secret.")
		case slices.Contains(c.AllowedOAuthScopes, "openid"):
			return errs.New(errs.InvalidOAuthFlowException, "openid is not supported with client_credentials flow")
		}
	}
	if enabled && redirecting && len(c.CallbackURLs) == 0 {
		return errs.New(errs.InvalidParameterException, "CallbackUrls can not be empty when code flow or implicit flow is selected")
	}
	for _, u := range slices.Concat(c.CallbackURLs, c.LogoutURLs) {
		if err := checkRedirectURL(u); err != nil {
			return err
		}
	}
	if d := c.DefaultRedirectURI; d != nil && !slices.Contains(c.CallbackURLs, *d) {
		return errs.Newf(errs.InvalidParameterException, "The default redirect URI %s is not in the callback URIs list.", *d)
	}
	return nil
}

// checkRedirectURL applies the model's rules for callback and logout URLs:
// "Be an absolute URI", "Not include a fragment component", and HTTPS
// "except for callback URLs to http://localhost, http://127.0.0.1 and
// http://[::1]". App schemes such as myapp://example are allowed.
func checkRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		// cirro's wording: Cognito's message for this case is not known.
		return errs.Newf(errs.InvalidParameterException, "%s is not an absolute URI.", raw)
	}
	if strings.Contains(raw, "#") {
		return errs.Newf(errs.InvalidParameterException, "%s cannot use fragment", raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return errs.Newf(errs.InvalidParameterException, "%s cannot use the HTTP protocol.", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	return strings.EqualFold(host, "localhost") || host == "127.0.0.1" || host == "::1"
}

// checkScopes requires every scope to be a standard one or a scope of one
// of the pool's resource servers.
func (s *Service) checkScopes(ctx context.Context, tx store.Tx, poolID string, scopes []string) error {
	var custom map[string]bool
	for _, scope := range scopes {
		if slices.Contains(standardScopes, scope) {
			continue
		}
		if custom == nil {
			var err error
			if custom, err = s.ResourceServerScopes(ctx, tx, poolID); err != nil {
				return err
			}
		}
		if !custom[scope] {
			return errs.New(errs.ScopeDoesNotExistException, "Invalid scope requested: "+scope)
		}
	}
	return nil
}

// checkIdentityProviders requires every supported provider to be COGNITO
// or one of the pool's identity providers.
func (s *Service) checkIdentityProviders(ctx context.Context, tx store.Tx, poolID string, names []string) error {
	var wanted []string
	for _, n := range names {
		if n != cognitoProvider {
			wanted = append(wanted, n)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	recs, err := tx.List(ctx, store.Query{Kind: identityProviderKind, Scope: poolID})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, rec := range recs {
		var idp cognitoidp.IdentityProviderType
		if err := decode(rec, &idp); err != nil {
			return err
		}
		if idp.ProviderName != nil {
			have[*idp.ProviderName] = true
		}
	}
	for _, n := range wanted {
		if !have[n] {
			return errs.Newf(errs.InvalidParameterException, "The provider %s does not exist for User Pool %s.", n, poolID)
		}
	}
	return nil
}
