package api

import (
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/device"
	"github.com/cirrohq/cirro/internal/identitypool"
	"github.com/cirrohq/cirro/internal/mfa"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/passkey"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
	"github.com/cirrohq/cirro/internal/userimport"
)

// API holds the domain services the handlers call.
type API struct {
	Pools  *pool.Service
	Users  *user.Service
	Tokens *token.Service
	Auth   *auth.Service
	// MFA and Devices are the second factors and device tracking.
	MFA     *mfa.Service
	Devices *device.Service
	// Passkeys are WebAuthn registration and sign-in.
	Passkeys *passkey.Service
	// IdentityPools serves cognito-identity.
	IdentityPools *identitypool.Service
	// Triggers invokes the pools' Lambda triggers.
	Triggers *trigger.Service
	// Imports serves CSV user import jobs.
	Imports *userimport.Service
	// Limits serves the provisioned API rate limits.
	Limits *pool.Limits
}

// IdentityProvider returns the cognito-idp operation table.
func (a *API) IdentityProvider() *cognitoidp.Handlers {
	h := &cognitoidp.Handlers{}
	a.registerUserPools(h)
	a.registerClients(h)
	a.registerGroups(h)
	a.registerResourceServers(h)
	a.registerIdentityProviders(h)
	a.registerDomains(h)
	a.registerUsers(h)
	a.registerAuth(h)
	a.registerSelfService(h)
	a.registerMFA(h)
	a.registerDevices(h)
	a.registerPasskeys(h)
	a.registerUserImport(h)
	a.registerLimits(h)
	return h
}

// Identity returns the cognito-identity operation table.
func (a *API) Identity() *cognitoidentity.Handlers {
	return a.identityHandlers()
}
