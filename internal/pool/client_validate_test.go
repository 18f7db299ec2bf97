package pool

import (
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// TestClientRulesWithoutStore covers the rules that need no other record;
// internal/api/clients_test.go drives all of them, and those on scopes and
// identity providers, through the SDK.
func TestClientRulesWithoutStore(t *testing.T) {
	lite := &cognitoidp.UserPoolType{Id: ptr("us-east-1_abc"), UserPoolTier: ptr("LITE")}
	custom := &cognitoidp.UserPoolType{Id: ptr("us-east-1_abc"), SchemaAttributes: []cognitoidp.SchemaAttributeType{
		{Name: ptr("email")}, {Name: ptr("custom:team")},
	}}
	for _, tc := range []struct {
		name      string
		edit      func(c *cognitoidp.UserPoolClientType)
		pool      *cognitoidp.UserPoolType
		hasSecret bool
		code      errs.Code
		msg       string
	}{
		{"defaults are valid", func(c *cognitoidp.UserPoolClientType) {}, nil, false, "", ""},
		{"access token below 5 minutes", func(c *cognitoidp.UserPoolClientType) {
			c.AccessTokenValidity, c.TokenValidityUnits.AccessToken = ptr(int32(4)), ptr("minutes")
		}, nil, false, errs.InvalidParameterException, "Invalid range for token validity."},
		{"access token at 5 minutes", func(c *cognitoidp.UserPoolClientType) {
			c.AccessTokenValidity, c.TokenValidityUnits.AccessToken = ptr(int32(300)), ptr("seconds")
		}, nil, false, "", ""},
		{"id token over a day in the default unit", func(c *cognitoidp.UserPoolClientType) {
			c.IdTokenValidity = ptr(int32(25))
		}, nil, false, errs.InvalidParameterException, "Invalid range for token validity."},
		{"refresh token below an hour", func(c *cognitoidp.UserPoolClientType) {
			c.RefreshTokenValidity, c.TokenValidityUnits.RefreshToken = ptr(int32(59)), ptr("minutes")
		}, nil, false, errs.InvalidParameterException, "Invalid range for token validity."},
		{"refresh token over ten years", func(c *cognitoidp.UserPoolClientType) {
			c.RefreshTokenValidity = ptr(int32(3651))
		}, nil, false, errs.InvalidParameterException, "Invalid range for token validity."},
		{"refresh token of the model's largest value in days", func(c *cognitoidp.UserPoolClientType) {
			c.RefreshTokenValidity = ptr(int32(315360000))
		}, nil, false, errs.InvalidParameterException, "Invalid range for token validity."},
		{"access token outliving the refresh token", func(c *cognitoidp.UserPoolClientType) {
			c.AccessTokenValidity, c.RefreshTokenValidity = ptr(int32(12)), ptr(int32(2))
			c.TokenValidityUnits.RefreshToken = ptr("hours")
		}, nil, false, errs.InvalidParameterException, "Access and Id Token expiration times must be less than or equal to refresh token expiration times."},
		{"legacy and ALLOW_ auth flows mixed", func(c *cognitoidp.UserPoolClientType) {
			c.ExplicitAuthFlows = []string{"USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		}, nil, false, errs.InvalidParameterException, "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names."},
		{"legacy auth flows alone", func(c *cognitoidp.UserPoolClientType) {
			c.ExplicitAuthFlows = []string{"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY"}
		}, nil, false, "", ""},
		{"ALLOW_USER_AUTH on the Lite plan", func(c *cognitoidp.UserPoolClientType) {
			c.ExplicitAuthFlows = []string{"ALLOW_USER_AUTH"}
		}, lite, false, errs.FeatureUnavailableInTierException, "ALLOW_USER_AUTH requires the ESSENTIALS feature plan or higher; this user pool is on the LITE feature plan."},
		{"analytics ARN with a role", func(c *cognitoidp.UserPoolClientType) {
			c.AnalyticsConfiguration = &cognitoidp.AnalyticsConfigurationType{ApplicationArn: ptr("arn:a"), RoleArn: ptr("arn:r")}
		}, nil, false, errs.InvalidParameterException, "Invalid analytics configuration given, either <application arn> or <application id, role arn, external id> are valid"},
		{"analytics id without a role", func(c *cognitoidp.UserPoolClientType) {
			c.AnalyticsConfiguration = &cognitoidp.AnalyticsConfigurationType{ApplicationId: ptr("abc")}
		}, nil, false, errs.InvalidParameterException, "Invalid analytics configuration given, either <application arn> or <application id, role arn, external id> are valid"},
		{"analytics id with a role", func(c *cognitoidp.UserPoolClientType) {
			c.AnalyticsConfiguration = &cognitoidp.AnalyticsConfigurationType{ApplicationId: ptr("abc"), RoleArn: ptr("arn:r"), ExternalId: ptr("x")}
		}, nil, false, "", ""},
		{"OAuth on without flows", func(c *cognitoidp.UserPoolClientType) {
			c.AllowedOAuthFlowsUserPoolClient, c.AllowedOAuthScopes = ptr(true), []string{"openid"}
		}, nil, false, errs.InvalidParameterException, "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."},
		{"client_credentials with code", func(c *cognitoidp.UserPoolClientType) {
			c.AllowedOAuthFlows = []string{"client_credentials", "code"}
		}, nil, true, errs.InvalidOAuthFlowException, "client_credentials flow can not be selected along with code flow or implicit flow."},
		{"client_credentials without a secret", func(c *cognitoidp.UserPoolClientType) {
			c.AllowedOAuthFlows = []string{"client_credentials"}
		}, nil, false, errs.InvalidOAuthFlowException, "client_credentials flow can not be selected if client does not have a client secret."},
		{"client_credentials with openid", func(c *cognitoidp.UserPoolClientType) {
			c.AllowedOAuthFlows, c.AllowedOAuthScopes = []string{"client_credentials"}, []string{"openid"}
		}, nil, true, errs.InvalidOAuthFlowException, "openid is not supported with client_credentials flow"},
		{"code flow without callback URLs", func(c *cognitoidp.UserPoolClientType) {
			c.AllowedOAuthFlowsUserPoolClient = ptr(true)
			c.AllowedOAuthFlows, c.AllowedOAuthScopes = []string{"code"}, []string{"openid"}
		}, nil, false, errs.InvalidParameterException, "CallbackUrls can not be empty when code flow or implicit flow is selected"},
		{"http callback", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs = []string{"http://example.com/cb"}
		}, nil, false, errs.InvalidParameterException, "http://example.com/cb cannot use the HTTP protocol."},
		{"http logout URL", func(c *cognitoidp.UserPoolClientType) {
			c.LogoutURLs = []string{"http://example.com/out"}
		}, nil, false, errs.InvalidParameterException, "http://example.com/out cannot use the HTTP protocol."},
		{"http loopback callbacks", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs = []string{"http://localhost", "http://LOCALHOST:3000/cb", "http://127.0.0.1:8080/", "http://[::1]/cb"}
		}, nil, false, "", ""},
		{"http host that only starts with localhost", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs = []string{"http://localhost.example.com/cb"}
		}, nil, false, errs.InvalidParameterException, "http://localhost.example.com/cb cannot use the HTTP protocol."},
		{"app scheme callback", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs = []string{"myapp://example"}
		}, nil, false, "", ""},
		{"callback with a fragment", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs = []string{"https://example.com/cb#frag"}
		}, nil, false, errs.InvalidParameterException, "https://example.com/cb#frag cannot use fragment"},
		{"relative callback", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs = []string{"/cb"}
		}, nil, false, errs.InvalidParameterException, "/cb is not an absolute URI."},
		{"default redirect URI not a callback", func(c *cognitoidp.UserPoolClientType) {
			c.CallbackURLs, c.DefaultRedirectURI = []string{"https://example.com/cb"}, ptr("https://other.example.com/cb")
		}, nil, false, errs.InvalidParameterException, "The default redirect URI https://other.example.com/cb is not in the callback URIs list."},
		{"user context data without a secret", func(c *cognitoidp.UserPoolClientType) {
			c.EnablePropagateAdditionalUserContextData = ptr(true)
		}, nil, false, errs.InvalidParameterException, "Client Secret is required to set EnablePropagateAdditionalUserContextData as true"},
		{"user context data with a secret", func(c *cognitoidp.UserPoolClientType) {
			c.EnablePropagateAdditionalUserContextData = ptr(true)
		}, nil, true, "", ""},
		{"unknown read attribute", func(c *cognitoidp.UserPoolClientType) {
			c.ReadAttributes = []string{"email", "custom:nope"}
		}, nil, false, errs.InvalidParameterException, "Invalid read attributes specified while creating a client"},
		{"custom read attribute of the schema", func(c *cognitoidp.UserPoolClientType) {
			c.ReadAttributes = []string{"custom:team"}
		}, custom, false, "", ""},
		{"standard attribute missing from the schema", func(c *cognitoidp.UserPoolClientType) {
			c.WriteAttributes = []string{"name"}
		}, custom, false, errs.InvalidParameterException, "Invalid write attributes specified while creating a client"},
		{"verified flag writable", func(c *cognitoidp.UserPoolClientType) {
			c.WriteAttributes = []string{"email_verified"}
		}, nil, false, errs.InvalidParameterException, "Invalid write attributes specified while creating a client"},
		{"sub writable", func(c *cognitoidp.UserPoolClientType) {
			c.WriteAttributes = []string{"sub"}
		}, nil, false, errs.InvalidParameterException, "Invalid write attributes specified while creating a client"},
		{"verified flag readable", func(c *cognitoidp.UserPoolClientType) {
			c.ReadAttributes = []string{"email_verified", "phone_number_verified", "sub"}
		}, nil, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := clientSettings(&cognitoidp.CreateUserPoolClientRequest{ClientName: ptr("c")})
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(c)
			p := tc.pool
			if p == nil {
				p = &cognitoidp.UserPoolType{Id: ptr("us-east-1_abc")}
			}
			err = checkClientRules(c, p, tc.hasSecret, "creating")
			if tc.code == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Code != tc.code || e.Message != tc.msg {
				t.Fatalf("got %v, want %s: %s", err, tc.code, tc.msg)
			}
		})
	}
}
