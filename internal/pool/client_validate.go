package pool

import (
	"cmp"
	"context"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// The exact messages below were seen from real Cognito unless marked
// "cirro's wording"; sources are in testdata/README.md, section client.

// checkClient enforces Cognito's rules on a client's configuration, with
// its defaults already applied, beyond the model constraints the edge has
// checked.
func (s *Service) checkClient(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, doc *clientDoc, verb string) error {
	c := &doc.Client
	if err := checkClientRules(c, p, len(doc.Secrets) > 0, verb); err != nil {
		return err
	}
	if err := s.checkScopes(ctx, tx, *p.Id, c.AllowedOAuthScopes); err != nil {
		return err
	}
	return s.checkIdentityProviders(ctx, tx, *p.Id, c.SupportedIdentityProviders)
}

// checkClientRules holds the rules that need no other record. verb
// ("creating", "updating") completes the attribute messages.
func checkClientRules(c *cognitoidp.UserPoolClientType, p *cognitoidp.UserPoolType, hasSecret bool, verb string) error {
	return cmp.Or(
		checkTokenValidity(c),
		checkAuthFlows(c, p),
		checkAnalytics(c.AnalyticsConfiguration),
		checkOAuth(c, hasSecret),
		checkUserContextData(c, hasSecret),
		checkClientAttributes(c, p, verb),
	)
}

// Cognito's ranges (model, TokenValidityUnitsType): access and ID tokens
// five minutes to one day, refresh tokens 60 minutes to ten years.
const (
	minIDAccessSeconds = 5 * 60
	maxIDAccessSeconds = 24 * 3600
	minRefreshSeconds  = 3600
	maxRefreshSeconds  = 3650 * 86400
)

func checkTokenValidity(c *cognitoidp.UserPoolClientType) error {
	t := tokenSeconds(c)
	outside := func(v, lo, hi int64) bool { return v < lo || v > hi }
	if outside(t.access, minIDAccessSeconds, maxIDAccessSeconds) ||
		outside(t.id, minIDAccessSeconds, maxIDAccessSeconds) ||
		outside(t.refresh, minRefreshSeconds, maxRefreshSeconds) {
		return errs.New(errs.InvalidParameterException, "Invalid range for token validity.")
	}
	if t.access > t.refresh || t.id > t.refresh {
		return errs.New(errs.InvalidParameterException, "Access and Id Token expiration times must be less than or equal to refresh token expiration times.")
	}
	return nil
}

// legacyAuthFlows are the ExplicitAuthFlows names from before the ALLOW_
// ones; a client has either kind, never both.
var legacyAuthFlows = []string{
	cognitoidp.ExplicitAuthFlowsTypeAdminNoSrpAuth,
	cognitoidp.ExplicitAuthFlowsTypeCustomAuthFlowOnly,
	cognitoidp.ExplicitAuthFlowsTypeUserPasswordAuth,
}

func checkAuthFlows(c *cognitoidp.UserPoolClientType, p *cognitoidp.UserPoolType) error {
	legacy, current := 0, 0
	for _, f := range c.ExplicitAuthFlows {
		if slices.Contains(legacyAuthFlows, f) {
			legacy++
		} else {
			current++
		}
	}
	if legacy > 0 && current > 0 {
		return errs.New(errs.InvalidParameterException, "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names.")
	}
	// Model: ALLOW_USER_AUTH needs "the Essentials tier or higher". A pool
	// without a tier is a new pool, which is Essentials.
	if slices.Contains(c.ExplicitAuthFlows, cognitoidp.ExplicitAuthFlowsTypeAllowUserAuth) && p.UserPoolTier != nil {
		return requireTier(p, cognitoidp.UserPoolTierTypeEssentials, cognitoidp.ExplicitAuthFlowsTypeAllowUserAuth)
	}
	return nil
}

// checkAnalytics accepts either form Cognito accepts: an application ARN
// alone, or an application id with the role that publishes to it.
func checkAnalytics(a *cognitoidp.AnalyticsConfigurationType) error {
	if a == nil {
		return nil
	}
	byARN := a.ApplicationArn != nil && a.ApplicationId == nil && a.RoleArn == nil && a.ExternalId == nil
	byID := a.ApplicationArn == nil && a.ApplicationId != nil && a.RoleArn != nil
	if !byARN && !byID {
		return errs.New(errs.InvalidParameterException, "Invalid analytics configuration given, either <application arn> or <application id, role arn, external id> are valid")
	}
	return nil
}

func checkUserContextData(c *cognitoidp.UserPoolClientType, hasSecret bool) error {
	if *c.EnablePropagateAdditionalUserContextData && !hasSecret {
		return errs.New(errs.InvalidParameterException, "Client Secret is required to set EnablePropagateAdditionalUserContextData as true")
	}
	return nil
}

// unwritableAttributes are attributes no app client may write: the
// subject, and the verified flags, which only verification sets.
var unwritableAttributes = []string{"sub", "email_verified", "phone_number_verified"}

// checkClientAttributes holds ReadAttributes and WriteAttributes to the
// attributes of the pool's schema.
func checkClientAttributes(c *cognitoidp.UserPoolClientType, p *cognitoidp.UserPoolType, verb string) error {
	known := poolAttributeNames(p)
	for _, a := range c.ReadAttributes {
		if !known[a] {
			return errs.New(errs.InvalidParameterException, "Invalid read attributes specified while "+verb+" a client")
		}
	}
	for _, a := range c.WriteAttributes {
		if !known[a] || slices.Contains(unwritableAttributes, a) {
			return errs.New(errs.InvalidParameterException, "Invalid write attributes specified while "+verb+" a client")
		}
	}
	return nil
}

// poolAttributeNames are the names of the pool's attributes; a pool record
// without a schema has the standard one.
func poolAttributeNames(p *cognitoidp.UserPoolType) map[string]bool {
	schema := p.SchemaAttributes
	if len(schema) == 0 {
		schema = standardSchema()
	}
	known := make(map[string]bool, len(schema))
	for _, a := range schema {
		if a.Name != nil {
			known[*a.Name] = true
		}
	}
	return known
}
