package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// userPoolNotes lists user-pool operations that are only partly done.
var userPoolNotes = map[string]string{
	"CreateUserPool": "ARNs of SES identities, IAM roles, Lambda functions and KMS keys are checked for form, not existence; " +
		"KeyConfiguration and IssuerConfiguration (multi-Region replication) are stored, not acted on",
	"UpdateUserPool":              "as CreateUserPool",
	"SetLogDeliveryConfiguration": "stored and returned; cirro exports no logs",
	"SetUICustomization":          "stored; the logo is served at ImageUrl by the hosted UI",
	"SetRiskConfiguration":        "stored and returned (per pool and per client, ClientId ALL for the pool); cirro does not score sign-ins for risk, so the actions and IP lists have no effect yet",
}

func (a *API) registerUserPools(h *cognitoidp.Handlers) {
	p := a.Pools
	h.CreateUserPool = p.CreateUserPool
	h.DescribeUserPool = p.DescribeUserPool
	h.ListUserPools = p.ListUserPools
	h.UpdateUserPool = p.UpdateUserPool
	h.DeleteUserPool = p.DeleteUserPool
	h.AddCustomAttributes = p.AddCustomAttributes
	h.GetUserPoolMfaConfig = p.GetUserPoolMfaConfig
	h.SetUserPoolMfaConfig = p.SetUserPoolMfaConfig
	h.GetSigningCertificate = p.GetSigningCertificate
	h.GetUICustomization = p.GetUICustomization
	h.SetUICustomization = p.SetUICustomization
	h.GetLogDeliveryConfiguration = p.GetLogDeliveryConfiguration
	h.SetLogDeliveryConfiguration = p.SetLogDeliveryConfiguration
	h.SetRiskConfiguration = p.SetRiskConfiguration
	h.DescribeRiskConfiguration = p.DescribeRiskConfiguration
	h.TagResource = p.TagResource
	h.UntagResource = p.UntagResource
	h.ListTagsForResource = p.ListTagsForResource
}
