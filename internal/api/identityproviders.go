package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// identityProviderNotes lists federation operations that are only partly done.
var identityProviderNotes = map[string]string{
	"CreateIdentityProvider":      "OIDC endpoints are discovered from oidc_issuer at sign-in, so Describe shows only the endpoints given; a SAML MetadataURL is fetched at first use (then cached 6 h), not checked at creation",
	"AdminDisableProviderForUser": "ProviderName Cognito (disabling a native user's password sign-in) is refused",
}

func (a *API) registerIdentityProviders(h *cognitoidp.Handlers) {
	h.CreateIdentityProvider = a.Pools.CreateIdentityProvider
	h.DescribeIdentityProvider = a.Pools.DescribeIdentityProvider
	h.ListIdentityProviders = a.Pools.ListIdentityProviders
	h.UpdateIdentityProvider = a.Pools.UpdateIdentityProvider
	h.DeleteIdentityProvider = a.Pools.DeleteIdentityProvider
	h.GetIdentityProviderByIdentifier = a.Pools.GetIdentityProviderByIdentifier
	h.AdminLinkProviderForUser = a.Users.AdminLinkProviderForUser
	h.AdminDisableProviderForUser = a.Users.AdminDisableProviderForUser
}
