package api_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cit "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// Role ARNs the identity pool tests hand out.
const (
	authRole   = "arn:aws:iam::000000000000:role/Authenticated"
	unauthRole = "arn:aws:iam::000000000000:role/Guest"
	adminRole  = "arn:aws:iam::000000000000:role/Admin"
	readRole   = "arn:aws:iam::000000000000:role/Reader"
	goldRole   = "arn:aws:iam::000000000000:role/Gold"
)

// fakeSTS is an STS that does what AWS STS does with a web identity
// token, as far as cirro can tell: it finds the issuer's keys through its
// discovery document (go-oidc), verifies the token, and only then answers
// AssumeRoleWithWebIdentity. It records what it was asked.
type fakeSTS struct {
	srv *httptest.Server

	mu     sync.Mutex
	issuer string
	deny   map[string]bool // roles whose trust policy refuses every token
	calls  []stsCall
}

type stsCall struct {
	Role, Session string
	Duration      string
	Token         string
	Claims        map[string]any
}

func startFakeSTS(t *testing.T) *fakeSTS {
	f := &fakeSTS{deny: map[string]bool{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// trust makes the STS accept tokens of issuer (cirro's identity pool
// issuer, known once cirro runs).
func (f *fakeSTS) trust(issuer string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issuer = issuer
}

func (f *fakeSTS) denyRole(role string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deny[role] = true
}

// last returns the last call, failing the test if there was none.
func (f *fakeSTS) last(t *testing.T) stsCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("STS was not called")
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeSTS) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "AssumeRoleWithWebIdentity" {
		stsError(w, http.StatusBadRequest, "InvalidAction", "unsupported request")
		return
	}
	f.mu.Lock()
	issuer, denied := f.issuer, f.deny[r.Form.Get("RoleArn")]
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "" {
		stsError(w, http.StatusBadRequest, "InvalidRequest", "AssumeRoleWithWebIdentity is not signed")
		return
	}
	provider, err := oidc.NewProvider(r.Context(), issuer)
	if err != nil {
		stsError(w, http.StatusBadRequest, "IDPCommunicationError", err.Error())
		return
	}
	raw := r.Form.Get("WebIdentityToken")
	tok, err := provider.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(r.Context(), raw)
	if err != nil {
		stsError(w, http.StatusBadRequest, "InvalidIdentityToken", err.Error())
		return
	}
	if denied {
		stsError(w, http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		return
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		stsError(w, http.StatusBadRequest, "InvalidIdentityToken", err.Error())
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, stsCall{Role: r.Form.Get("RoleArn"), Session: r.Form.Get("RoleSessionName"),
		Duration: r.Form.Get("DurationSeconds"), Token: raw, Claims: claims})
	f.mu.Unlock()
	key := make([]byte, 8)
	_, _ = rand.Read(key)
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>
    <Audience>%s</Audience>
    <AssumedRoleUser><Arn>%s/%s</Arn><AssumedRoleId>AROA:%s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIA%s</AccessKeyId>
      <SecretAccessKey>secret-%s</SecretAccessKey>
      <SessionToken>session-%s</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
    <Provider>%s</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
		xmlEscape(tok.Subject), xmlEscape(strings.Join(tok.Audience, ",")), xmlEscape(r.Form.Get("RoleArn")), xmlEscape(r.Form.Get("RoleSessionName")),
		xmlEscape(r.Form.Get("RoleSessionName")), strings.ToUpper(hex.EncodeToString(key)), hex.EncodeToString(key), hex.EncodeToString(key),
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339), xmlEscape(issuer))
}

func stsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
		code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// identityBackends are the stores store-sensitive identity tests run on,
// as eachBackend's are: SQLite, and PostgreSQL when CIRRO_TEST_POSTGRES
// names a database. (eachBackend starts its own servers, and these need
// an STS in their configuration.)
func identityBackends(t *testing.T) []struct {
	name string
	opt  cirrotest.Option
} {
	out := []struct {
		name string
		opt  cirrotest.Option
	}{{"sqlite", cirrotest.WithDB("sqlite:" + filepath.Join(t.TempDir(), "cirro.db"))}}
	if dsn := os.Getenv("CIRRO_TEST_POSTGRES"); dsn != "" {
		out = append(out, struct {
			name string
			opt  cirrotest.Option
		}{"postgres", cirrotest.WithPostgres(dsn)})
	}
	return out
}

// idFixture is a cirro wired to a fake STS, with clients for both
// services.
type idFixture struct {
	c   *cirrotest.Server
	sts *fakeSTS
	idp *cip.Client
	ci  *ci.Client
}

func newIDFixture(t *testing.T, opts ...cirrotest.Option) *idFixture {
	t.Helper()
	sts := startFakeSTS(t)
	opts = append([]cirrotest.Option{cirrotest.WithConfig(func(c *config.Config) { c.STS = config.STSConfig{Endpoint: sts.srv.URL} })}, opts...)
	c := cirrotest.Start(t, opts...)
	sts.trust(c.URL + "/identitypool")
	return &idFixture{c: c, sts: sts, idp: c.IdentityProvider(), ci: c.Identity()}
}

// providerName is a cirro user pool's provider name: its issuer without
// the scheme.
func (f *idFixture) providerName(poolID string) string {
	return strings.TrimPrefix(f.c.URL, "http://") + "/" + poolID
}

// userPool creates a user pool (with custom:tenant and custom:tier) and
// an app client that allows admin password sign-in.
func (f *idFixture) userPool(t *testing.T) (poolID, clientID string) {
	t.Helper()
	ctx := context.Background()
	p, err := f.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("users"), Schema: []types.SchemaAttributeType{
		{Name: aws.String("tenant"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return *p.UserPool.Id, f.appClient(t, *p.UserPool.Id)
}

func (f *idFixture) appClient(t *testing.T, poolID string) string {
	t.Helper()
	c, err := f.idp.CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *c.UserPoolClient.ClientId
}

const idUserPassword = "Correct-Horse-9"

// signUp creates a confirmed user with a password and attributes.
func (f *idFixture) signUp(t *testing.T, poolID, name string, attrs ...string) {
	t.Helper()
	ctx := context.Background()
	var ua []types.AttributeType
	for i := 0; i+1 < len(attrs); i += 2 {
		ua = append(ua, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
	}
	_, err := f.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress, UserAttributes: ua})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String(idUserPassword), Permanent: true})
	if err != nil {
		t.Fatal(err)
	}
}

// signIn signs a user in with ADMIN_USER_PASSWORD_AUTH and returns the
// ID and access tokens.
func (f *idFixture) signIn(t *testing.T, poolID, clientID, name string) (idToken, accessToken string) {
	t.Helper()
	out, err := f.idp.AdminInitiateAuth(context.Background(), &cip.AdminInitiateAuthInput{
		UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": idUserPassword},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.AuthenticationResult.IdToken, *out.AuthenticationResult.AccessToken
}

// mintID issues an ID token for a user that need not exist, with the
// groups given (whose roles make cognito:roles and
// cognito:preferred_role) and attributes as claims.
func (f *idFixture) mintID(t *testing.T, poolID, clientID, sub string, groups []token.Group, attrs ...string) string {
	t.Helper()
	ctx := context.Background()
	srv := f.c.Internal()
	req := token.IssueRequest{PoolID: poolID, NoRefreshToken: true,
		User: token.Subject{Sub: sub, Username: "user-" + sub, Groups: groups, Attributes: map[string]string{}}}
	for i := 0; i+1 < len(attrs); i += 2 {
		req.User.Attributes[attrs[i]] = attrs[i+1]
	}
	err := srv.Store.Read(ctx, func(tx store.Tx) (err error) {
		req.Client, err = srv.API.Pools.Client(ctx, tx, clientID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	toks, err := srv.API.Tokens.IssueTokens(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return toks.IDToken
}

// identityPool creates an identity pool; edit adjusts the request, which
// starts as an authenticated-only pool with no providers.
func (f *idFixture) identityPool(t *testing.T, edit func(*ci.CreateIdentityPoolInput)) string {
	t.Helper()
	in := &ci.CreateIdentityPoolInput{IdentityPoolName: aws.String("identities")}
	if edit != nil {
		edit(in)
	}
	out, err := f.ci.CreateIdentityPool(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.IdentityPoolId
}

// setRoles sets the pool's default roles and mappings.
func (f *idFixture) setRoles(t *testing.T, poolID string, roles map[string]string, mappings map[string]cit.RoleMapping) {
	t.Helper()
	_, err := f.ci.SetIdentityPoolRoles(context.Background(), &ci.SetIdentityPoolRolesInput{IdentityPoolId: &poolID, Roles: roles, RoleMappings: mappings})
	if err != nil {
		t.Fatal(err)
	}
}

func userPoolProvider(name, clientID string, serverSideCheck bool) cit.CognitoIdentityProvider {
	return cit.CognitoIdentityProvider{ProviderName: &name, ClientId: &clientID, ServerSideTokenCheck: &serverSideCheck}
}

func (f *idFixture) getID(t *testing.T, poolID string, logins map[string]string) string {
	t.Helper()
	out, err := f.ci.GetId(context.Background(), &ci.GetIdInput{IdentityPoolId: &poolID, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	return *out.IdentityId
}

func (f *idFixture) credentials(id string, logins map[string]string) (*ci.GetCredentialsForIdentityOutput, error) {
	return f.ci.GetCredentialsForIdentity(context.Background(), &ci.GetCredentialsForIdentityInput{IdentityId: &id, Logins: logins})
}

// mustCredentials gets credentials and checks they are the fake STS's.
func (f *idFixture) mustCredentials(t *testing.T, id string, logins map[string]string) stsCall {
	t.Helper()
	out, err := f.credentials(id, logins)
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if aws.ToString(out.IdentityId) != id || c == nil || !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") ||
		!strings.HasPrefix(aws.ToString(c.SecretKey), "secret-") || !strings.HasPrefix(aws.ToString(c.SessionToken), "session-") ||
		c.Expiration == nil || c.Expiration.Before(time.Now()) {
		t.Fatalf("credentials for %s: %+v %+v", id, out, c)
	}
	call := f.sts.last(t)
	if call.Claims["sub"] != id || call.Session != "CognitoIdentityCredentials" || call.Duration != "3600" {
		t.Fatalf("STS call %+v for identity %s", call, id)
	}
	return call
}

// amr returns a token's amr claim.
func amr(claims map[string]any) []string {
	var out []string
	list, _ := claims["amr"].([]any)
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// principalTags returns the session tags an identity token carries.
func principalTags(claims map[string]any) map[string]string {
	out := map[string]string{}
	tags, _ := claims["https://aws.amazon.com/tags"].(map[string]any)
	pt, _ := tags["principal_tags"].(map[string]any)
	for k, v := range pt {
		if list, ok := v.([]any); ok && len(list) == 1 {
			out[k], _ = list[0].(string)
		}
	}
	return out
}
