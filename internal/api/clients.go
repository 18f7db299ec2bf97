package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// clientNotes lists app-client operations that are only partly done.
var clientNotes = map[string]string{
	"CreateUserPoolClient":    "the 1,000-client quota is fixed; where Cognito's wording is unknown (relative redirect URL, quota) the message is cirro's",
	"UpdateUserPoolClient":    "a request without ClientName keeps the current name",
	"DescribeUserPoolClient":  "while two secrets are active, ClientSecret is the older one",
	"AddUserPoolClientSecret": "only for clients that already have a secret; ClientSecretId's epoch time is in milliseconds",
}

func (a *API) registerClients(h *cognitoidp.Handlers) {
	h.CreateUserPoolClient = a.Pools.CreateUserPoolClient
	h.DescribeUserPoolClient = a.Pools.DescribeUserPoolClient
	h.ListUserPoolClients = a.Pools.ListUserPoolClients
	h.UpdateUserPoolClient = a.Pools.UpdateUserPoolClient
	h.DeleteUserPoolClient = a.Pools.DeleteUserPoolClient
	h.AddUserPoolClientSecret = a.Pools.AddUserPoolClientSecret
	h.ListUserPoolClientSecrets = a.Pools.ListUserPoolClientSecrets
	h.DeleteUserPoolClientSecret = a.Pools.DeleteUserPoolClientSecret
}
