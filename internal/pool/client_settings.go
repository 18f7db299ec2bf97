package pool

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Cognito's defaults for an app client, as DescribeUserPoolClient shows
// them for a client created with a name only (testdata/README.md, client).
const (
	defaultRefreshTokenDays    = 30 // RefreshTokenValidity, in days
	defaultAuthSessionMinutes  = 3  // AuthSessionValidity
	defaultIDAccessTokenLength = time.Hour
)

// defaultAuthFlows are the flows of a client whose ExplicitAuthFlows is
// not set (model: "If you don't specify a value for ExplicitAuthFlows,
// your app client supports ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH,
// and ALLOW_CUSTOM_AUTH."). Describe does not list them.
var defaultAuthFlows = []string{
	cognitoidp.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
	cognitoidp.ExplicitAuthFlowsTypeAllowUserSrpAuth,
	cognitoidp.ExplicitAuthFlowsTypeAllowCustomAuth,
}

// clientSettings takes the configuration members of a Create or Update
// request into a client shape with Cognito's defaults filled in. The
// request shapes name those members exactly as UserPoolClientType does,
// so going through JSON carries every one of them across, members a later
// model adds included (client_settings_test.go holds us to that).
func clientSettings(req any) (*cognitoidp.UserPoolClientType, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("client settings: %w", err)
	}
	var c cognitoidp.UserPoolClientType
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("client settings: %w", err)
	}
	// Identity and secret are not configuration.
	c.ClientId, c.UserPoolId, c.ClientSecret = nil, nil, nil
	applyClientDefaults(&c)
	return &c, nil
}

// applyClientDefaults fills in what Cognito stores when a member is left
// out. Members whose default Describe does not show (token validities of
// ID and access tokens, explicit auth flows, read and write attributes,
// PreventUserExistenceErrors …) stay nil; the accessors below give their
// effective values.
func applyClientDefaults(c *cognitoidp.UserPoolClientType) {
	// Model: "You can't set RefreshTokenValidity to 0. If you do, Amazon
	// Cognito overrides the value with the default value of 30 days."
	if c.RefreshTokenValidity == nil || *c.RefreshTokenValidity == 0 {
		c.RefreshTokenValidity = ptr(int32(defaultRefreshTokenDays))
	}
	if c.TokenValidityUnits == nil {
		c.TokenValidityUnits = &cognitoidp.TokenValidityUnitsType{}
	}
	if c.AllowedOAuthFlowsUserPoolClient == nil {
		c.AllowedOAuthFlowsUserPoolClient = ptr(false)
	}
	if c.EnableTokenRevocation == nil {
		c.EnableTokenRevocation = ptr(true)
	}
	if c.EnablePropagateAdditionalUserContextData == nil {
		c.EnablePropagateAdditionalUserContextData = ptr(false)
	}
	if c.AuthSessionValidity == nil {
		c.AuthSessionValidity = ptr(int32(defaultAuthSessionMinutes))
	}
	// An empty list is the same as no list (an empty ExplicitAuthFlows
	// keeps the default flows), and Describe leaves both out.
	for _, l := range []*[]string{
		&c.AllowedOAuthFlows, &c.AllowedOAuthScopes, &c.CallbackURLs, &c.ExplicitAuthFlows,
		&c.LogoutURLs, &c.ReadAttributes, &c.SupportedIdentityProviders, &c.WriteAttributes,
	} {
		if len(*l) == 0 {
			*l = nil
		}
	}
}

// ClientAuthFlows returns the ExplicitAuthFlows a client allows, the
// default ones when none are set.
func ClientAuthFlows(c *cognitoidp.UserPoolClientType) []string {
	if len(c.ExplicitAuthFlows) == 0 {
		return append([]string(nil), defaultAuthFlows...)
	}
	return c.ExplicitAuthFlows
}

// PreventsUserExistenceErrors reports whether the client hides whether a
// user exists. Left out, the setting is LEGACY (model: "Defaults to
// LEGACY"; Describe then omits it).
func PreventsUserExistenceErrors(c *cognitoidp.UserPoolClientType) bool {
	return c.PreventUserExistenceErrors != nil && *c.PreventUserExistenceErrors == cognitoidp.PreventUserExistenceErrorTypesEnabled
}

// ClientTokenValidity returns how long the client's access, ID and
// refresh tokens live.
func ClientTokenValidity(c *cognitoidp.UserPoolClientType) (access, id, refresh time.Duration) {
	secs := tokenSeconds(c)
	return time.Duration(secs.access) * time.Second, time.Duration(secs.id) * time.Second, time.Duration(secs.refresh) * time.Second
}

// ClientAuthSession returns how long an authentication session (the
// Session of a challenge) lives.
func ClientAuthSession(c *cognitoidp.UserPoolClientType) time.Duration {
	if c.AuthSessionValidity == nil {
		return defaultAuthSessionMinutes * time.Minute
	}
	return time.Duration(*c.AuthSessionValidity) * time.Minute
}

// tokenLifetimes are token validities in seconds. Seconds in int64, not
// time.Duration, because the model lets a request ask for 315360000 days,
// which overflows a Duration; validation works on these.
type tokenLifetimes struct{ access, id, refresh int64 }

var unitSeconds = map[string]int64{
	cognitoidp.TimeUnitsTypeSeconds: 1,
	cognitoidp.TimeUnitsTypeMinutes: 60,
	cognitoidp.TimeUnitsTypeHours:   3600,
	cognitoidp.TimeUnitsTypeDays:    86400,
}

// tokenSeconds reads the validities in their units. The default units are
// hours for access and ID tokens and days for refresh tokens (model,
// TokenValidityUnitsType); an unset access or ID validity is one hour
// whatever its unit.
func tokenSeconds(c *cognitoidp.UserPoolClientType) tokenLifetimes {
	u := c.TokenValidityUnits
	if u == nil {
		u = &cognitoidp.TokenValidityUnitsType{}
	}
	lifetime := func(v *int32, unit *string, defUnit string, def int64) int64 {
		if v == nil || *v == 0 {
			return def
		}
		if unit == nil {
			unit = &defUnit
		}
		return int64(*v) * unitSeconds[*unit]
	}
	hour := int64(defaultIDAccessTokenLength / time.Second)
	return tokenLifetimes{
		access:  lifetime(c.AccessTokenValidity, u.AccessToken, cognitoidp.TimeUnitsTypeHours, hour),
		id:      lifetime(c.IdTokenValidity, u.IdToken, cognitoidp.TimeUnitsTypeHours, hour),
		refresh: lifetime(c.RefreshTokenValidity, u.RefreshToken, cognitoidp.TimeUnitsTypeDays, defaultRefreshTokenDays*86400),
	}
}
