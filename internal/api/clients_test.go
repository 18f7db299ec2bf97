package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// The pool's resource server comes from CreateResourceServer. Identity
// providers are a later family: their record, as that family will store
// it, is written directly.
const (
	apiIdentifier = "https://api.example.com"
	oidcProvider  = "CorpOIDC"
)

func seedPoolRefs(t *testing.T, c *cirrotest.Server, poolID string) {
	t.Helper()
	_, err := c.IdentityProvider().CreateResourceServer(context.Background(), &cip.CreateResourceServerInput{
		UserPoolId: aws.String(poolID), Identifier: aws.String(apiIdentifier), Name: aws.String("api"),
		Scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("write")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	putRecord(t, c, "identityprovider", poolID+"/"+oidcProvider, poolID, cognitoidp.IdentityProviderType{
		UserPoolId: aws.String(poolID), ProviderName: aws.String(oidcProvider), ProviderType: aws.String("OIDC"),
	})
}

func putRecord(t *testing.T, c *cirrotest.Server, kind, id, scope string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = c.Internal().Store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: kind, ID: id, Scope: scope, Data: b})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func newPool(t *testing.T, idp *cip.Client, in *cip.CreateUserPoolInput) string {
	t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	if in.PoolName == nil {
		in.PoolName = aws.String("clients")
	}
	out, err := idp.CreateUserPool(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPool.Id
}

// fullClient sets every member of CreateUserPoolClient to a value other
// than its default, except ClientSecret, which cannot go with
// GenerateSecret (TestCustomClientSecret covers it).
func fullClient(poolID string) *cip.CreateUserPoolClientInput {
	return &cip.CreateUserPoolClientInput{
		UserPoolId:                      aws.String(poolID),
		ClientName:                      aws.String("defaults"),
		GenerateSecret:                  true,
		AccessTokenValidity:             aws.Int32(30),
		IdTokenValidity:                 aws.Int32(45),
		RefreshTokenValidity:            7,
		TokenValidityUnits:              &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeDays},
		AuthSessionValidity:             aws.Int32(10),
		ReadAttributes:                  []string{"email", "email_verified", "name"},
		WriteAttributes:                 []string{"email", "name"},
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowUserAuth},
		SupportedIdentityProviders:      []string{"COGNITO", oidcProvider},
		CallbackURLs:                    []string{"https://app.example.com/cb", "http://localhost:3000/cb", "myapp://signin"},
		LogoutURLs:                      []string{"https://app.example.com/bye"},
		DefaultRedirectURI:              aws.String("https://app.example.com/cb"),
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode, types.OAuthFlowTypeImplicit},
		AllowedOAuthScopes:              []string{"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin", apiIdentifier + "/read"},
		AllowedOAuthFlowsUserPoolClient: true,
		AnalyticsConfiguration: &types.AnalyticsConfigurationType{
			ApplicationId: aws.String("0123456789abcdef"), RoleArn: aws.String("arn:aws:iam::123456789012:role/pinpoint"),
			ExternalId: aws.String("ext-1"), UserDataShared: true,
		},
		PreventUserExistenceErrors:               types.PreventUserExistenceErrorTypesEnabled,
		EnableTokenRevocation:                    aws.Bool(false),
		EnablePropagateAdditionalUserContextData: aws.Bool(true),
		RefreshTokenRotation:                     &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(30)},
	}
}

// TestUserPoolClientRoundTrip: every member set to a non-default value in
// CreateUserPoolClient comes back identically from Describe.
func TestUserPoolClientRoundTrip(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	seedPoolRefs(t, c, poolID)

	in := fullClient(poolID)
	iv := reflect.ValueOf(in).Elem()
	for f := range iv.Type().Fields() {
		if f.IsExported() && f.Name != "ClientSecret" && iv.FieldByName(f.Name).IsZero() {
			t.Errorf("fullClient leaves %s at its zero value", f.Name)
		}
	}
	created, err := idp.CreateUserPoolClient(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: created.UserPoolClient.ClientId})
	if err != nil {
		t.Fatal(err)
	}
	d := got.UserPoolClient
	if !sameClient(created.UserPoolClient, d) {
		t.Errorf("Create answered\n%+v\nDescribe answers\n%+v", created.UserPoolClient, d)
	}
	dv := reflect.ValueOf(d).Elem()
	for f := range iv.Type().Fields() {
		switch f.Name {
		case "UserPoolId", "GenerateSecret", "ClientSecret":
			continue
		}
		if !f.IsExported() {
			continue
		}
		want, have := reflect.Indirect(iv.FieldByName(f.Name)).Interface(), reflect.Indirect(dv.FieldByName(f.Name)).Interface()
		if !reflect.DeepEqual(want, have) {
			t.Errorf("%s: sent %v, described %v", f.Name, want, have)
		}
	}
	if *d.UserPoolId != poolID || len(*d.ClientId) != 26 || strings.ToLower(*d.ClientId) != *d.ClientId {
		t.Errorf("ids: pool %s client %s", *d.UserPoolId, *d.ClientId)
	}
	if d.ClientSecret == nil || len(*d.ClientSecret) != 51 {
		t.Errorf("generated secret %v", d.ClientSecret)
	}
}

// sameClient compares two answers about a client. Dates may differ by a
// millisecond: shape.Time decodes the stored epoch seconds through a
// float64 and truncates (1.824 s comes back as 1.823999…).
func sameClient(a, b *types.UserPoolClientType) bool {
	near := func(x, y *time.Time) bool { return x != nil && y != nil && x.Sub(*y).Abs() <= time.Millisecond }
	if !near(a.CreationDate, b.CreationDate) || !near(a.LastModifiedDate, b.LastModifiedDate) {
		return false
	}
	x, y := *a, *b
	x.CreationDate, x.LastModifiedDate, y.CreationDate, y.LastModifiedDate = nil, nil, nil, nil
	return reflect.DeepEqual(x, y)
}

// TestCustomClientSecret: a secret supplied in CreateUserPoolClient is the
// client's secret.
func TestCustomClientSecret(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	secret := "my_own_secret_0123456789abcdef"
	out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("own"), ClientSecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	got, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: out.UserPoolClient.ClientId})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.UserPoolClient.ClientSecret) != secret || aws.ToString(got.UserPoolClient.ClientSecret) != secret {
		t.Fatalf("secret: created %v, described %v", out.UserPoolClient.ClientSecret, got.UserPoolClient.ClientSecret)
	}
}

// recorder keeps the last response body, so that tests can compare the
// JSON on the wire with a golden file.
type recorder struct {
	mu   sync.Mutex
	last []byte
	next *http.Client
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.last = b
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// wireClient is the UserPoolClient member of the last response, with the
// ids and dates replaced by the golden file's placeholders; it returns the
// dates too.
func (r *recorder) wireClient(t *testing.T) (client map[string]any, created, modified float64) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var body map[string]map[string]any
	if err := json.Unmarshal(r.last, &body); err != nil {
		t.Fatalf("%v: %s", err, r.last)
	}
	client = body["UserPoolClient"]
	created, _ = client["CreationDate"].(float64)
	modified, _ = client["LastModifiedDate"].(float64)
	if created == 0 || modified == 0 {
		t.Fatalf("dates are not epoch seconds: %v %v", client["CreationDate"], client["LastModifiedDate"])
	}
	client["CreationDate"], client["LastModifiedDate"] = "<DATE>", "<DATE>"
	client["UserPoolId"], client["ClientId"] = "<POOL_ID>", "<CLIENT_ID>"
	return client, created, modified
}

func goldenClient(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "pool", "testdata", "default_user_pool_client.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func equalJSON(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// TestDefaultUserPoolClient: a client created with a name only, on the
// wire, is testdata/default_user_pool_client.json; with GenerateSecret it
// only adds ClientSecret.
func TestDefaultUserPoolClient(t *testing.T) {
	c := cirrotest.Start(t)
	rec := &recorder{next: &http.Client{Timeout: 30 * time.Second}}
	idp := c.IdentityProvider(func(o *cip.Options) { o.HTTPClient = rec })
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	golden := goldenClient(t)

	out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	created, c1, m1 := rec.wireClient(t)
	equalJSON(t, "CreateUserPoolClient", created, golden)
	if c1 != m1 {
		t.Errorf("CreationDate %v != LastModifiedDate %v at creation", c1, m1)
	}
	if _, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: out.UserPoolClient.ClientId}); err != nil {
		t.Fatal(err)
	}
	described, _, _ := rec.wireClient(t)
	equalJSON(t, "DescribeUserPoolClient", described, golden)

	if _, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("defaults"), GenerateSecret: true}); err != nil {
		t.Fatal(err)
	}
	withSecret, _, _ := rec.wireClient(t)
	if s, _ := withSecret["ClientSecret"].(string); len(s) != 51 {
		t.Errorf("ClientSecret %v", withSecret["ClientSecret"])
	}
	delete(withSecret, "ClientSecret")
	equalJSON(t, "CreateUserPoolClient with GenerateSecret", withSecret, golden)
}

// TestUpdateUserPoolClientReplaces: UpdateUserPoolClient replaces the
// whole configuration; what it leaves out returns to the defaults, except
// the name, and the secret stays.
func TestUpdateUserPoolClientReplaces(t *testing.T) {
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	rec := &recorder{next: &http.Client{Timeout: 30 * time.Second}}
	idp := c.IdentityProvider(func(o *cip.Options) { o.HTTPClient = rec })
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	seedPoolRefs(t, c, poolID)
	full, err := idp.CreateUserPoolClient(ctx, fullClient(poolID))
	if err != nil {
		t.Fatal(err)
	}
	id := full.UserPoolClient.ClientId

	// Less than SigV4's 15 minutes of allowed skew.
	clk.Advance(10 * time.Minute)
	if _, err := idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: id}); err != nil {
		t.Fatal(err)
	}
	got, created, modified := rec.wireClient(t)
	if got["ClientSecret"] != *full.UserPoolClient.ClientSecret {
		t.Errorf("the secret changed: %v", got["ClientSecret"])
	}
	delete(got, "ClientSecret")
	equalJSON(t, "after an empty update", got, goldenClient(t))
	if modified-created != 600 {
		t.Errorf("LastModifiedDate - CreationDate = %v s, want 600", modified-created)
	}

	upd, err := idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: &poolID, ClientId: id, ClientName: aws.String("renamed"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	u := upd.UserPoolClient
	if *u.ClientName != "renamed" || !reflect.DeepEqual(u.ExplicitAuthFlows, []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH"}) ||
		u.AccessTokenValidity != nil || u.RefreshTokenValidity != 30 || *u.EnableTokenRevocation != true || u.AnalyticsConfiguration != nil {
		t.Errorf("partial update: %+v", u)
	}
}

func apiError(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	if err != nil {
		return "not an API error", err.Error()
	}
	return "", ""
}

// TestUserPoolClientConstraints: each of Cognito's rules on app clients,
// one row each, with Cognito's error type and message; a refused request
// writes nothing.
func TestUserPoolClientConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	seedPoolRefs(t, c, poolID)
	otherPool := newPool(t, idp, nil)
	litePool := newPool(t, idp, &cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypeLite})
	public, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("public")})
	if err != nil {
		t.Fatal(err)
	}
	confidential, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("confidential"), GenerateSecret: true})
	if err != nil {
		t.Fatal(err)
	}
	publicID, confID := public.UserPoolClient.ClientId, confidential.UserPoolClient.ClientId
	before, _ := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: confID})

	// create sends a CreateUserPoolClient built by edit from a minimal one.
	create := func(edit func(in *cip.CreateUserPoolClientInput)) func() error {
		return func() error {
			in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("bad")}
			edit(in)
			_, err := idp.CreateUserPoolClient(ctx, in)
			return err
		}
	}
	minutes := func(access, id, refresh int32) func(in *cip.CreateUserPoolClientInput) {
		return func(in *cip.CreateUserPoolClientInput) {
			in.AccessTokenValidity, in.IdTokenValidity, in.RefreshTokenValidity = aws.Int32(access), aws.Int32(id), refresh
			in.TokenValidityUnits = &types.TokenValidityUnitsType{AccessToken: "minutes", IdToken: "minutes", RefreshToken: "minutes"}
		}
	}
	oauth := func(flows []types.OAuthFlowType, scopes ...string) func(in *cip.CreateUserPoolClientInput) {
		return func(in *cip.CreateUserPoolClientInput) {
			in.AllowedOAuthFlowsUserPoolClient, in.AllowedOAuthFlows, in.AllowedOAuthScopes = true, flows, scopes
			in.CallbackURLs = []string{"https://app.example.com/cb"}
		}
	}
	code := []types.OAuthFlowType{types.OAuthFlowTypeCode}
	cc := []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
	const (
		ipe      = "InvalidParameterException"
		rnf      = "ResourceNotFoundException"
		oauthErr = "InvalidOAuthFlowException"
		noScope  = "ScopeDoesNotExistException"
		limit    = "LimitExceededException"
	)
	rows := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"pool does not exist", func() error {
			_, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String("us-east-1_nope"), ClientName: aws.String("x")})
			return err
		}, rnf, "User pool us-east-1_nope does not exist."},
		{"client does not exist", func() error {
			_, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: aws.String("nosuchclient")})
			return err
		}, rnf, "User pool client nosuchclient does not exist."},
		{"client of another pool", func() error {
			_, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &otherPool, ClientId: publicID})
			return err
		}, rnf, "User pool client " + *publicID + " does not exist."},
		{"update a client of another pool", func() error {
			_, err := idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &otherPool, ClientId: publicID})
			return err
		}, rnf, "User pool client " + *publicID + " does not exist."},
		{"delete a client of another pool", func() error {
			_, err := idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &otherPool, ClientId: publicID})
			return err
		}, rnf, "User pool client " + *publicID + " does not exist."},
		{"GenerateSecret with ClientSecret", create(func(in *cip.CreateUserPoolClientInput) {
			in.GenerateSecret, in.ClientSecret = true, aws.String("my_own_secret_0123456789abcdef")
		}), ipe, "You cannot specify both GenerateSecret as true and provide a ClientSecret value."},
		{"access token under 5 minutes", create(minutes(4, 60, 60)), ipe, "Invalid range for token validity."},
		{"id token over a day", create(minutes(60, 1441, 3000)), ipe, "Invalid range for token validity."},
		{"refresh token under 60 minutes", create(minutes(5, 5, 59)), ipe, "Invalid range for token validity."},
		{"refresh token over 10 years", create(func(in *cip.CreateUserPoolClientInput) { in.RefreshTokenValidity = 3651 }), ipe, "Invalid range for token validity."},
		{"access token longer than refresh token", create(minutes(120, 60, 90)), ipe, "Access and Id Token expiration times must be less than or equal to refresh token expiration times."},
		{"id token longer than refresh token", create(minutes(60, 120, 90)), ipe, "Access and Id Token expiration times must be less than or equal to refresh token expiration times."},
		{"auth session over 15 minutes", create(func(in *cip.CreateUserPoolClientInput) { in.AuthSessionValidity = aws.Int32(16) }), ipe,
			"1 validation error detected: Value '16' at 'authSessionValidity' failed to satisfy constraint: Member must have value less than or equal to 15"},
		{"legacy auth flow with ALLOW_ flows", create(func(in *cip.CreateUserPoolClientInput) {
			in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{"ADMIN_NO_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		}), ipe, "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names."},
		{"ALLOW_USER_AUTH on the Lite plan", func() error {
			_, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &litePool, ClientName: aws.String("x"),
				ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth}})
			return err
		}, "FeatureUnavailableInTierException", "ALLOW_USER_AUTH requires the ESSENTIALS feature plan or higher; this user pool is on the LITE feature plan."},
		{"OAuth without scopes", create(oauth(code)), ipe, "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."},
		{"OAuth without flows", create(oauth(nil, "openid")), ipe, "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."},
		{"client_credentials with code", create(func(in *cip.CreateUserPoolClientInput) {
			oauth([]types.OAuthFlowType{"client_credentials", "code"}, apiIdentifier+"/read")(in)
			in.GenerateSecret = true
		}), oauthErr, "client_credentials flow can not be selected along with code flow or implicit flow."},
		{"client_credentials without a secret", create(oauth(cc, apiIdentifier+"/read")), oauthErr, "client_credentials flow can not be selected if client does not have a client secret."},
		{"client_credentials with openid", create(func(in *cip.CreateUserPoolClientInput) {
			oauth(cc, "openid")(in)
			in.GenerateSecret = true
		}), oauthErr, "openid is not supported with client_credentials flow"},
		{"code flow without callback URLs", create(func(in *cip.CreateUserPoolClientInput) {
			oauth(code, "openid")(in)
			in.CallbackURLs = nil
		}), ipe, "CallbackUrls can not be empty when code flow or implicit flow is selected"},
		{"http callback URL", create(func(in *cip.CreateUserPoolClientInput) { in.CallbackURLs = []string{"http://example.com/cb"} }), ipe,
			"http://example.com/cb cannot use the HTTP protocol."},
		{"http logout URL", create(func(in *cip.CreateUserPoolClientInput) { in.LogoutURLs = []string{"http://example.com/out"} }), ipe,
			"http://example.com/out cannot use the HTTP protocol."},
		{"callback URL with a fragment", create(func(in *cip.CreateUserPoolClientInput) { in.CallbackURLs = []string{"https://example.com/cb#frag"} }), ipe,
			"https://example.com/cb#frag cannot use fragment"},
		{"relative callback URL", create(func(in *cip.CreateUserPoolClientInput) { in.CallbackURLs = []string{"/cb"} }), ipe, "/cb is not an absolute URI."},
		{"more than 100 callback URLs", create(func(in *cip.CreateUserPoolClientInput) {
			for i := range 101 {
				in.CallbackURLs = append(in.CallbackURLs, "https://example.com/"+strings.Repeat("a", i))
			}
		}), ipe, "1 validation error detected: Value at 'callbackURLs' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"default redirect URI not a callback URL", create(func(in *cip.CreateUserPoolClientInput) {
			in.CallbackURLs, in.DefaultRedirectURI = []string{"https://example.com/cb"}, aws.String("https://other.example.com/cb")
		}), ipe, "The default redirect URI https://other.example.com/cb is not in the callback URIs list."},
		{"unknown standard-looking scope", create(oauth(code, "Cognito")), noScope, "Invalid scope requested: Cognito"},
		{"scope of an unknown resource server", create(oauth(code, "api/read")), noScope, "Invalid scope requested: api/read"},
		{"unknown scope of a resource server", create(oauth(code, apiIdentifier+"/delete")), noScope, "Invalid scope requested: " + apiIdentifier + "/delete"},
		{"resource server of another pool", func() error {
			_, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &otherPool, ClientName: aws.String("x"),
				AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: code, AllowedOAuthScopes: []string{apiIdentifier + "/read"},
				CallbackURLs: []string{"https://app.example.com/cb"}})
			return err
		}, noScope, "Invalid scope requested: " + apiIdentifier + "/read"},
		{"unknown identity provider", create(func(in *cip.CreateUserPoolClientInput) { in.SupportedIdentityProviders = []string{"COGNITO", "Google"} }), ipe,
			"The provider Google does not exist for User Pool " + poolID + "."},
		{"user context data without a secret", create(func(in *cip.CreateUserPoolClientInput) { in.EnablePropagateAdditionalUserContextData = aws.Bool(true) }), ipe,
			"Client Secret is required to set EnablePropagateAdditionalUserContextData as true"},
		{"analytics with an application ARN and a role", create(func(in *cip.CreateUserPoolClientInput) {
			in.AnalyticsConfiguration = &types.AnalyticsConfigurationType{
				ApplicationArn: aws.String("arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
			}
		}), ipe, "Invalid analytics configuration given, either <application arn> or <application id, role arn, external id> are valid"},
		{"unknown read attribute", create(func(in *cip.CreateUserPoolClientInput) { in.ReadAttributes = []string{"email", "custom:missing"} }), ipe,
			"Invalid read attributes specified while creating a client"},
		{"email_verified in write attributes", create(func(in *cip.CreateUserPoolClientInput) { in.WriteAttributes = []string{"email", "email_verified"} }), ipe,
			"Invalid write attributes specified while creating a client"},
		{"update: sub in write attributes", func() error {
			_, err := idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: confID, WriteAttributes: []string{"sub"}})
			return err
		}, ipe, "Invalid write attributes specified while updating a client"},
		{"update: client_credentials on a public client", func() error {
			_, err := idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: publicID,
				AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: cc, AllowedOAuthScopes: []string{apiIdentifier + "/read"}})
			return err
		}, oauthErr, "client_credentials flow can not be selected if client does not have a client secret."},
		{"MaxResults over 60", func() error {
			_, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, MaxResults: aws.Int32(61)})
			return err
		}, ipe, "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{"secret added to a public client", func() error {
			_, err := idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: publicID})
			return err
		}, ipe, "User pool client " + *publicID + " has no client secret; secrets can only be added to a confidential app client."},
		{"a third secret", func() error {
			in := &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: confID}
			if _, err := idp.AddUserPoolClientSecret(ctx, in); err != nil {
				return err
			}
			_, err := idp.AddUserPoolClientSecret(ctx, in)
			return err
		}, limit, "User pool client " + *confID + " already has the maximum of 2 client secrets."},
		{"unknown secret deleted", func() error {
			_, err := idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: confID, ClientSecretId: aws.String("nope")})
			return err
		}, rnf, "Client secret nope does not exist."},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			gotCode, gotMsg := apiError(r.call())
			if gotCode != r.code || !strings.HasPrefix(gotMsg, r.msg) {
				t.Errorf("got %s: %q\nwant %s: %q", gotCode, gotMsg, r.code, r.msg)
			}
		})
	}

	// Nothing refused was written.
	list, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.UserPoolClients) != 2 {
		t.Errorf("%d clients after the refused requests, want 2", len(list.UserPoolClients))
	}
	after, _ := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: confID})
	if !sameClient(before.UserPoolClient, after.UserPoolClient) {
		t.Errorf("a refused update changed the client:\n%+v\n%+v", before.UserPoolClient, after.UserPoolClient)
	}
}

// TestUserPoolClientQuota: the 1,001st client of a pool is refused.
func TestUserPoolClientQuota(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	err := c.Internal().Store.Write(ctx, func(tx store.Tx) error {
		for i := range 1000 {
			id := fmt.Sprintf("quota%021d", i)
			if err := tx.Insert(ctx, &store.Record{Kind: pool.KindClient, ID: id, Scope: poolID, Data: []byte(`{"Client":{}}`)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("one too many")})
	if code, msg := apiError(err); code != "LimitExceededException" {
		t.Fatalf("got %s: %s", code, msg)
	}
}

// TestListUserPoolClientsPagination: 250 clients list completely and
// without duplicates at every page size; a forged token is refused.
func TestListUserPoolClientsPagination(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newPool(t, idp, nil)
		otherPool := newPool(t, idp, nil)
		if _, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &otherPool, ClientName: aws.String("elsewhere")}); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for range 250 {
			out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("c")})
			if err != nil {
				t.Fatal(err)
			}
			want[*out.UserPoolClient.ClientId] = true
		}
		var token *string
		for _, size := range []int32{1, 7, 60} {
			seen := map[string]bool{}
			var next *string
			for {
				out, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, MaxResults: aws.Int32(size), NextToken: next})
				if err != nil {
					t.Fatal(err)
				}
				if len(out.UserPoolClients) > int(size) {
					t.Fatalf("page of %d at size %d", len(out.UserPoolClients), size)
				}
				for _, d := range out.UserPoolClients {
					if seen[*d.ClientId] || !want[*d.ClientId] || *d.UserPoolId != poolID || *d.ClientName != "c" {
						t.Fatalf("size %d: unexpected or repeated %+v", size, d)
					}
					seen[*d.ClientId] = true
				}
				if out.NextToken == nil {
					break
				}
				next, token = out.NextToken, out.NextToken
			}
			if len(seen) != len(want) {
				t.Errorf("size %d: listed %d of %d clients", size, len(seen), len(want))
			}
		}

		forged := []byte(*token)
		forged[len(forged)/2] ^= 1
		for name, tok := range map[string]string{"edited": string(forged), "made up": "eyJ0aGUiOiJlbmQifQ"} {
			_, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID, NextToken: aws.String(tok)})
			if code, msg := apiError(err); code != "InvalidParameterException" {
				t.Errorf("%s token: got %s %s", name, code, msg)
			}
		}
		_, err := idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &otherPool, NextToken: token})
		if code, _ := apiError(err); code != "InvalidParameterException" {
			t.Errorf("a token of another pool: got %s", code)
		}
	})
}

// rawClient is the stored document of a client record.
func rawClient(t *testing.T, c *cirrotest.Server, id string) []byte {
	t.Helper()
	var data []byte
	ctx := context.Background()
	err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, pool.KindClient, id)
		if err == nil {
			data = rec.Data
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestClientSecretsAtRest: no secret appears in plain text in the store.
func TestClientSecretsAtRest(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newPool(t, idp, nil)
		out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("s"), GenerateSecret: true})
		if err != nil {
			t.Fatal(err)
		}
		id := out.UserPoolClient.ClientId
		added, err := idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id})
		if err != nil {
			t.Fatal(err)
		}
		data := rawClient(t, c, *id)
		for _, secret := range []string{*out.UserPoolClient.ClientSecret, *added.ClientSecretDescriptor.ClientSecretValue} {
			if bytes.Contains(data, []byte(secret)) {
				t.Fatalf("the store holds the secret %s in plain text: %s", secret, data)
			}
		}

		custom := "custom_secret_0123456789abcdef"
		own, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("own"), ClientSecret: &custom})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(rawClient(t, c, *own.UserPoolClient.ClientId), []byte(custom)) {
			t.Fatal("the store holds a supplied secret in plain text")
		}
	})
}

// TestClientSecretRotation: secrets are added, listed and deleted; both
// active secrets verify; a deleted one no longer does.
func TestClientSecretRotation(t *testing.T) {
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newPool(t, idp, nil)
	out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("rotating"), GenerateSecret: true})
	if err != nil {
		t.Fatal(err)
	}
	id, first := out.UserPoolClient.ClientId, *out.UserPoolClient.ClientSecret
	verify := func(secret string) bool {
		t.Helper()
		var ok bool
		err := c.Internal().Store.Read(ctx, func(tx store.Tx) (err error) {
			ok, err = c.Internal().API.Pools.VerifyClientSecret(ctx, tx, *id, secret)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	list := func() []types.ClientSecretDescriptorType {
		t.Helper()
		l, err := idp.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: &poolID, ClientId: id})
		if err != nil {
			t.Fatal(err)
		}
		if l.NextToken != nil {
			t.Errorf("NextToken %v", *l.NextToken)
		}
		return l.ClientSecrets
	}

	secrets := list()
	if len(secrets) != 1 || *secrets[0].ClientSecretId != fmt.Sprintf("%s--%d", *id, clk.Now().UnixMilli()) || secrets[0].ClientSecretValue != nil ||
		!secrets[0].ClientSecretCreateDate.Equal(*out.UserPoolClient.CreationDate) {
		t.Fatalf("initial secrets %+v", secrets)
	}
	firstID := *secrets[0].ClientSecretId

	clk.Advance(time.Minute)
	added, err := idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id})
	if err != nil {
		t.Fatal(err)
	}
	d := added.ClientSecretDescriptor
	second := aws.ToString(d.ClientSecretValue)
	if len(second) != 51 || second == first || *d.ClientSecretId != fmt.Sprintf("%s--%d", *id, clk.Now().UnixMilli()) || !d.ClientSecretCreateDate.Equal(clk.Now()) {
		t.Fatalf("added %+v", d)
	}
	if !verify(first) || !verify(second) || verify("not_the_secret_0123456789") || verify("") {
		t.Fatal("verification during rotation")
	}
	if secrets := list(); len(secrets) != 2 || *secrets[1].ClientSecretId != *d.ClientSecretId || secrets[1].ClientSecretValue != nil {
		t.Fatalf("secrets %+v", secrets)
	}
	_, err = idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id, ClientSecret: aws.String("third_secret_0123456789abcdef")})
	if code, _ := apiError(err); code != "LimitExceededException" {
		t.Fatalf("a third secret: %v", err)
	}

	if _, err := idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id, ClientSecretId: &firstID}); err != nil {
		t.Fatal(err)
	}
	if verify(first) || !verify(second) {
		t.Fatal("verification after deleting the first secret")
	}
	desc, err := idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: id})
	if err != nil || aws.ToString(desc.UserPoolClient.ClientSecret) != second {
		t.Fatalf("described secret after rotation: %v %v", desc, err)
	}
	_, err = idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id, ClientSecretId: d.ClientSecretId})
	if code, msg := apiError(err); code != "InvalidParameterException" || msg != "You cannot delete the last remaining secret for an app client." {
		t.Fatalf("deleting the last secret: %s %s", code, msg)
	}

	// A supplied secret is not echoed back.
	if _, err := idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: id, ClientSecret: aws.String("supplied_secret_0123456789ab")}); err != nil {
		t.Fatal(err)
	}
	if !verify("supplied_secret_0123456789ab") {
		t.Fatal("a supplied secret does not verify")
	}
}

// TestClientByIDAndDelete: sign-in finds a client by its id alone;
// deleting it, or its pool, removes it.
func TestClientByIDAndDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newPool(t, idp, nil)
		var ids []string
		for range 2 {
			out, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("d"), GenerateSecret: true})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, *out.UserPoolClient.ClientId)
		}
		pools := c.Internal().API.Pools
		err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			cl, err := pools.Client(ctx, tx, ids[0])
			if err != nil {
				return err
			}
			if *cl.UserPoolId != poolID || cl.ClientSecret == nil {
				t.Errorf("Client(%s) = %+v", ids[0], cl)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &ids[0]}); err != nil {
			t.Fatal(err)
		}
		_, err = idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: &ids[0]})
		if code, _ := apiError(err); code != "ResourceNotFoundException" {
			t.Fatalf("describe a deleted client: %v", err)
		}
		_, err = idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &ids[0]})
		if code, _ := apiError(err); code != "ResourceNotFoundException" {
			t.Fatalf("delete twice: %v", err)
		}
		err = c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			if _, err := pools.Client(ctx, tx, ids[0]); !errs.Is(err, errs.ResourceNotFoundException) {
				t.Errorf("Client of a deleted client: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID}); err != nil {
			t.Fatal(err)
		}
		err = c.Internal().Store.Read(ctx, func(tx store.Tx) error {
			_, err := tx.Get(ctx, pool.KindClient, ids[1])
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a client of a deleted pool is still stored: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
