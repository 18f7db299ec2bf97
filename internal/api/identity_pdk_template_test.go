package api_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/template"
)

// TestPDKUserIdentityTemplateIdentityPool applies the PDK UserIdentity
// stack `cdk synth` wrote (testdata of internal/template) to a server, as
// `cirro serve --template` does, and uses what it made end to end: a user
// of its user pool signs in through its web client (password, then the
// MFA setup the pool requires), GetId takes the ID token under the
// provider name the template configured (Cognito's
// cognito-idp.<region>.amazonaws.com/<poolId>), and
// GetCredentialsForIdentity assumes the template's authenticated role.
func TestPDKUserIdentityTemplateIdentityPool(t *testing.T) {
	f := newIDFixture(t)
	ctx := context.Background()
	const stack = "PdkUserIdentity"

	// Apply the fixture in-process.
	path := filepath.Join("..", "template", "testdata", "fixtures", stack+".template.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := template.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	srv := f.c.Internal()
	states := &template.StoreStates{Store: srv.Store, Clock: clock.Real{}, Keys: srv.Keys}
	e := &template.Engine{
		Cloud:  template.NewLocal(srv.API.IdentityProvider(), srv.API.Identity()),
		States: states,
		Env:    template.Env{Region: srv.Config.Region, AccountID: srv.Config.AccountID, PublicURL: srv.Config.PublicURL},
		Owner:  "test",
	}
	res, err := e.Apply(ctx, stack, tpl, nil, false)
	if err != nil {
		t.Fatalf("apply %s: %v", stack, err)
	}

	// The physical ids, from the stack's outputs and state.
	outputs := map[string]string{}
	for _, o := range res.Outputs {
		outputs[o.Key] = o.Value
	}
	poolID, clientID, identityPoolID := outputs["UserPoolId"], outputs["UserPoolClientId"], outputs["IdentityPoolId"]
	if poolID == "" || clientID == "" || identityPoolID == "" {
		t.Fatalf("outputs: %+v", res.Outputs)
	}
	st, err := states.Load(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	roleRes := st.Resources["UserIdentityIdentityPoolAuthenticatedRole61B18228"]
	if roleRes == nil || roleRes.PhysicalID == "" {
		t.Fatalf("authenticated role not recorded: %+v", roleRes)
	}

	// The identity pool is the template's: the web client under Cognito's
	// provider name, and the role attachment's authenticated role.
	ip, err := f.ci.DescribeIdentityPool(ctx, &ci.DescribeIdentityPoolInput{IdentityPoolId: &identityPoolID})
	if err != nil {
		t.Fatal(err)
	}
	wantProvider := "cognito-idp." + srv.Config.Region + ".amazonaws.com/" + poolID
	if len(ip.CognitoIdentityProviders) != 1 || aws.ToString(ip.CognitoIdentityProviders[0].ProviderName) != wantProvider ||
		aws.ToString(ip.CognitoIdentityProviders[0].ClientId) != clientID || ip.AllowUnauthenticatedIdentities {
		t.Fatalf("identity pool %+v", ip)
	}
	roles, err := f.ci.GetIdentityPoolRoles(ctx, &ci.GetIdentityPoolRolesInput{IdentityPoolId: &identityPoolID})
	if err != nil {
		t.Fatal(err)
	}
	authRoleARN := roles.Roles["authenticated"]
	if !strings.HasPrefix(authRoleARN, "arn:aws:iam::") || !strings.HasSuffix(authRoleARN, ":role/"+roleRes.PhysicalID) {
		t.Fatalf("roles %v; authenticated role recorded as %s", roles.Roles, roleRes.PhysicalID)
	}

	// A confirmed user of the template's pool.
	const name, password = "pdkuser", "Correct-Horse-9!"
	_, err = f.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(name),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("pdk@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
			{Name: aws.String("given_name"), Value: aws.String("Pat")},
			{Name: aws.String("family_name"), Value: aws.String("Kit")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(name), Password: aws.String(password), Permanent: true})
	if err != nil {
		t.Fatal(err)
	}

	// Sign in through the web client (ALLOW_USER_PASSWORD_AUTH); the pool
	// requires MFA, so the first sign-in sets up an authenticator.
	start, err := f.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup || start.Session == nil {
		t.Fatalf("sign-in: %+v", start)
	}
	if can := factorList(t, start.ChallengeParameters["MFAS_CAN_SETUP"]); !slices.Contains(can, "SOFTWARE_TOKEN_MFA") {
		t.Fatalf("MFAS_CAN_SETUP %v", can)
	}
	assoc, err := f.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session})
	if err != nil {
		t.Fatal(err)
	}
	verified, err := f.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: aws.String(totpCode(t, aws.ToString(assoc.SecretCode), time.Now())), FriendlyDeviceName: aws.String("phone")})
	if err != nil {
		t.Fatal(err)
	}
	if verified.Status != types.VerifySoftwareTokenResponseTypeSuccess || verified.Session == nil {
		t.Fatalf("VerifySoftwareToken: %+v", verified)
	}
	done, err := f.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: verified.Session,
		ChallengeResponses: map[string]string{"USERNAME": name}})
	if err != nil {
		t.Fatal(err)
	}
	if done.AuthenticationResult == nil || done.AuthenticationResult.IdToken == nil {
		t.Fatalf("MFA_SETUP: %+v", done)
	}
	idToken := *done.AuthenticationResult.IdToken

	// The identity pool takes the ID token under the template's provider
	// name and hands out the authenticated role's credentials.
	logins := map[string]string{wantProvider: idToken}
	id := f.getID(t, identityPoolID, logins)
	if !strings.HasPrefix(id, srv.Config.Region+":") {
		t.Fatalf("identity id %q", id)
	}
	call := f.mustCredentials(t, id, logins)
	if call.Role != authRoleARN {
		t.Fatalf("STS assumed %s, want the template's authenticated role %s", call.Role, authRoleARN)
	}
	// Identities record the canonical cirro spelling of the provider
	// (<public-url host>/<poolId>), so both spellings reach one identity.
	if call.Claims["aud"] != identityPoolID || !slices.Contains(amr(call.Claims), "authenticated") ||
		!slices.Contains(amr(call.Claims), f.providerName(poolID)) {
		t.Fatalf("identity token claims %v", call.Claims)
	}
	if again := f.getID(t, identityPoolID, map[string]string{f.providerName(poolID): idToken}); again != id {
		t.Fatalf("cirro's provider name gives identity %s, Cognito's %s", again, id)
	}
}
