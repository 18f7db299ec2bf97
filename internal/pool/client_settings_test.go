package pool

import (
	"reflect"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// TestClientSettingsMembersMatch holds clientSettings to its premise: every
// configuration member of the Create and Update requests is a member of
// UserPoolClientType with the same name and type.
func TestClientSettingsMembersMatch(t *testing.T) {
	client := reflect.TypeFor[cognitoidp.UserPoolClientType]()
	for _, tc := range []struct {
		req  reflect.Type
		skip map[string]bool
	}{
		{reflect.TypeFor[cognitoidp.CreateUserPoolClientRequest](), map[string]bool{"UserPoolId": true, "GenerateSecret": true, "ClientSecret": true}},
		{reflect.TypeFor[cognitoidp.UpdateUserPoolClientRequest](), map[string]bool{"UserPoolId": true, "ClientId": true}},
	} {
		for f := range tc.req.Fields() {
			if tc.skip[f.Name] {
				continue
			}
			g, ok := client.FieldByName(f.Name)
			if !ok || g.Type != f.Type || g.Tag != f.Tag {
				t.Errorf("%s.%s has no twin in UserPoolClientType", tc.req.Name(), f.Name)
			}
		}
	}
}

func TestClientSettingsCopiesEveryMember(t *testing.T) {
	in := &cognitoidp.UpdateUserPoolClientRequest{
		UserPoolId: ptr("us-east-1_abc"), ClientId: ptr("client"), ClientName: ptr("n"),
		AccessTokenValidity: ptr(int32(10)), IdTokenValidity: ptr(int32(11)), RefreshTokenValidity: ptr(int32(12)),
		TokenValidityUnits:         &cognitoidp.TokenValidityUnitsType{AccessToken: ptr("minutes")},
		AllowedOAuthFlows:          []string{"code"},
		AllowedOAuthScopes:         []string{"openid"},
		CallbackURLs:               []string{"https://a"},
		LogoutURLs:                 []string{"https://b"},
		DefaultRedirectURI:         ptr("https://a"),
		ExplicitAuthFlows:          []string{"ALLOW_USER_SRP_AUTH"},
		ReadAttributes:             []string{"email"},
		WriteAttributes:            []string{"name"},
		SupportedIdentityProviders: []string{"COGNITO"},
		AnalyticsConfiguration:     &cognitoidp.AnalyticsConfigurationType{ApplicationArn: ptr("arn:aws:mobiletargeting:us-east-1:1:apps/x")},
		PreventUserExistenceErrors: ptr("ENABLED"), AuthSessionValidity: ptr(int32(7)),
		EnableTokenRevocation: ptr(false), EnablePropagateAdditionalUserContextData: ptr(true),
		AllowedOAuthFlowsUserPoolClient: ptr(true),
		RefreshTokenRotation:            &cognitoidp.RefreshTokenRotationType{Feature: ptr("ENABLED")},
	}
	c, err := clientSettings(in)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientId != nil || c.UserPoolId != nil {
		t.Errorf("identity copied into the settings: %v %v", c.ClientId, c.UserPoolId)
	}
	iv, cv := reflect.ValueOf(in).Elem(), reflect.ValueOf(c).Elem()
	for f := range iv.Type().Fields() {
		if f.Name == "UserPoolId" || f.Name == "ClientId" {
			continue
		}
		if !reflect.DeepEqual(iv.FieldByName(f.Name).Interface(), cv.FieldByName(f.Name).Interface()) {
			t.Errorf("%s: got %v, want %v", f.Name, cv.FieldByName(f.Name), iv.FieldByName(f.Name))
		}
	}
}

func TestClientSettingsDefaults(t *testing.T) {
	c, err := clientSettings(&cognitoidp.CreateUserPoolClientRequest{
		UserPoolId: ptr("us-east-1_abc"), ClientName: ptr("n"), ClientSecret: ptr("secretsecretsecretsecret"),
		RefreshTokenValidity: ptr(int32(0)), ExplicitAuthFlows: []string{}, CallbackURLs: []string{},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := cognitoidp.UserPoolClientType{
		ClientName:                               ptr("n"),
		RefreshTokenValidity:                     ptr(int32(30)),
		TokenValidityUnits:                       &cognitoidp.TokenValidityUnitsType{},
		AllowedOAuthFlowsUserPoolClient:          ptr(false),
		EnableTokenRevocation:                    ptr(true),
		EnablePropagateAdditionalUserContextData: ptr(false),
		AuthSessionValidity:                      ptr(int32(3)),
	}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", *c, want)
	}
	if got := ClientAuthFlows(c); !reflect.DeepEqual(got, []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}) {
		t.Errorf("default auth flows %v", got)
	}
	if PreventsUserExistenceErrors(c) {
		t.Error("PreventUserExistenceErrors left out must behave as LEGACY")
	}
	if got := ClientAuthSession(c); got != 3*time.Minute {
		t.Errorf("auth session %v", got)
	}
}

func TestClientTokenValidity(t *testing.T) {
	for _, tc := range []struct {
		name                string
		c                   cognitoidp.UserPoolClientType
		access, id, refresh time.Duration
	}{
		{"defaults", cognitoidp.UserPoolClientType{RefreshTokenValidity: ptr(int32(30))}, time.Hour, time.Hour, 30 * 24 * time.Hour},
		{"default units hours and days", cognitoidp.UserPoolClientType{
			AccessTokenValidity: ptr(int32(2)), IdTokenValidity: ptr(int32(3)), RefreshTokenValidity: ptr(int32(4)),
		}, 2 * time.Hour, 3 * time.Hour, 4 * 24 * time.Hour},
		{"explicit units", cognitoidp.UserPoolClientType{
			AccessTokenValidity: ptr(int32(300)), IdTokenValidity: ptr(int32(15)), RefreshTokenValidity: ptr(int32(90)),
			TokenValidityUnits: &cognitoidp.TokenValidityUnitsType{AccessToken: ptr("seconds"), IdToken: ptr("minutes"), RefreshToken: ptr("minutes")},
		}, 5 * time.Minute, 15 * time.Minute, 90 * time.Minute},
		{"unit without value keeps the default", cognitoidp.UserPoolClientType{
			RefreshTokenValidity: ptr(int32(1)),
			TokenValidityUnits:   &cognitoidp.TokenValidityUnitsType{AccessToken: ptr("days")},
		}, time.Hour, time.Hour, 24 * time.Hour},
	} {
		a, i, r := ClientTokenValidity(&tc.c)
		if a != tc.access || i != tc.id || r != tc.refresh {
			t.Errorf("%s: got %v %v %v, want %v %v %v", tc.name, a, i, r, tc.access, tc.id, tc.refresh)
		}
	}
}
