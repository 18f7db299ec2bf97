package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// domainNotes lists domain, managed-login branding and terms operations
// that are only partly done.
var domainNotes = map[string]string{
	"CreateUserPoolDomain": "custom domains: the certificate ARN is stored, not checked against ACM, and CloudFrontDistribution names cirro's public host; " +
		"the request validator applies the model's DomainType pattern, which refuses dotted host names, so only single-label custom domains get through the API for now",
	"UpdateUserPoolDomain":                 "see CreateUserPoolDomain",
	"DescribeManagedLoginBranding":         "ReturnMergedResources is ignored: only the stored (customized) values are returned, never Cognito's default style",
	"DescribeManagedLoginBrandingByClient": "ReturnMergedResources is ignored: only the stored (customized) values are returned, never Cognito's default style",
	"CreateManagedLoginBranding":           "stored and returned; managed login pages do not render it yet",
	"UpdateManagedLoginBranding":           "stored and returned; managed login pages do not render it yet",
	"CreateTerms":                          "stored and returned; the sign-up page does not link them yet",
	"UpdateTerms":                          "stored and returned; the sign-up page does not link them yet",
}

func (a *API) registerDomains(h *cognitoidp.Handlers) {
	h.CreateUserPoolDomain = a.Pools.CreateUserPoolDomain
	h.DescribeUserPoolDomain = a.Pools.DescribeUserPoolDomain
	h.UpdateUserPoolDomain = a.Pools.UpdateUserPoolDomain
	h.DeleteUserPoolDomain = a.Pools.DeleteUserPoolDomain

	h.CreateManagedLoginBranding = a.Pools.CreateManagedLoginBranding
	h.DescribeManagedLoginBranding = a.Pools.DescribeManagedLoginBranding
	h.DescribeManagedLoginBrandingByClient = a.Pools.DescribeManagedLoginBrandingByClient
	h.UpdateManagedLoginBranding = a.Pools.UpdateManagedLoginBranding
	h.DeleteManagedLoginBranding = a.Pools.DeleteManagedLoginBranding

	h.CreateTerms = a.Pools.CreateTerms
	h.DescribeTerms = a.Pools.DescribeTerms
	h.ListTerms = a.Pools.ListTerms
	h.UpdateTerms = a.Pools.UpdateTerms
	h.DeleteTerms = a.Pools.DeleteTerms
}
