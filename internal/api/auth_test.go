package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/srp/srptest"
	"github.com/cirrohq/cirro/internal/user"
)

// allFlows enables every password flow, refresh and SRP on a client.
func allFlows(in *cip.CreateUserPoolClientInput) {
	in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{
		types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
	}
}

// authFixture is a pool with a client that allows every flow, and a
// confirmed user "amy" with userPassword.
type authFixture struct {
	c        *cirrotest.Server
	idp      *cip.Client
	poolID   string
	clientID string
}

func newAuthFixture(t *testing.T, opts ...cirrotest.Option) *authFixture {
	t.Helper()
	return newAuthFixtureOn(t, nil, opts...)
}

// newAuthFixtureOn is newAuthFixture with more pool settings.
func newAuthFixtureOn(t *testing.T, pool func(*cip.CreateUserPoolInput), opts ...cirrotest.Option) *authFixture {
	t.Helper()
	c := cirrotest.Start(t, opts...)
	idp := c.IdentityProvider()
	var poolOpts []func(*cip.CreateUserPoolInput)
	if pool != nil {
		poolOpts = append(poolOpts, pool)
	}
	poolID := newFamilyPool(t, idp, poolOpts...)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	createConfirmed(t, idp, poolID, "amy", "amy@example.com")
	return &authFixture{c: c, idp: idp, poolID: poolID, clientID: clientID}
}

// passwordSignIn is USER_PASSWORD_AUTH.
func passwordSignIn(idp *cip.Client, clientID, name, pw string, extra ...string) (*cip.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": name, "PASSWORD": pw}
	for i := 0; i+1 < len(extra); i += 2 {
		params[extra[i]] = extra[i+1]
	}
	return idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &clientID, AuthParameters: params,
	})
}

// srpSignIn runs USER_SRP_AUTH and PASSWORD_VERIFIER as the client
// library does, with the TIMESTAMP of now, and returns the answer.
func srpSignIn(idp *cip.Client, poolID, clientID, name, pw string, now time.Time) (*cip.RespondToAuthChallengeOutput, error) {
	ctx := context.Background()
	cl := srptest.NewClient(poolID, pw)
	start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.SRPA()},
	})
	if err != nil {
		return nil, err
	}
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, now)
	if err != nil {
		return nil, err
	}
	return idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &clientID,
		ChallengeResponses: answer, Session: start.Session,
	})
}

// checkTokens verifies the shape of a sign-in's tokens: Cognito's claims
// for API sign-in, and a refresh token unless it is a refresh.
func checkTokens(t *testing.T, res *types.AuthenticationResultType, username string, wantRefresh bool) (id, access map[string]any) {
	t.Helper()
	if res == nil {
		t.Fatal("no AuthenticationResult")
	}
	if aws.ToString(res.TokenType) != "Bearer" || res.ExpiresIn != 3600 || (res.RefreshToken != nil) != wantRefresh {
		t.Fatalf("result %+v (refresh token wanted: %v)", res, wantRefresh)
	}
	id, access = cirrotest.Claims(t, aws.ToString(res.IdToken)), cirrotest.Claims(t, aws.ToString(res.AccessToken))
	if id["token_use"] != "id" || id["cognito:username"] != username || access["token_use"] != "access" ||
		access["username"] != username || access["scope"] != "aws.cognito.signin.user.admin" ||
		id["event_id"] == nil || id["event_id"] != access["event_id"] || id["sub"] != access["sub"] {
		t.Fatalf("claims: id %v, access %v", id, access)
	}
	return id, access
}

// Every flow signs in through the SDK, public and admin; the refresh
// flows renew the session (same origin_jti and auth_time) without a new
// refresh token.
func TestSignInFlows(t *testing.T) {
	clk := familyClock()
	f := newAuthFixture(t, cirrotest.WithClock(clk))
	ctx := context.Background()
	admin := func(flow types.AuthFlowType, params map[string]string) (*types.AuthenticationResultType, error) {
		out, err := f.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: &f.poolID, ClientId: &f.clientID, AuthFlow: flow, AuthParameters: params,
		})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}
	signIns := []struct {
		name string
		run  func() (*types.AuthenticationResultType, error)
	}{
		{"USER_PASSWORD_AUTH", func() (*types.AuthenticationResultType, error) {
			out, err := passwordSignIn(f.idp, f.clientID, "amy", userPassword)
			if err != nil {
				return nil, err
			}
			return out.AuthenticationResult, nil
		}},
		{"ADMIN_USER_PASSWORD_AUTH", func() (*types.AuthenticationResultType, error) {
			return admin(types.AuthFlowTypeAdminUserPasswordAuth, map[string]string{"USERNAME": "amy", "PASSWORD": userPassword})
		}},
		{"ADMIN_NO_SRP_AUTH", func() (*types.AuthenticationResultType, error) {
			return admin(types.AuthFlowTypeAdminNoSrpAuth, map[string]string{"USERNAME": "amy", "PASSWORD": userPassword})
		}},
		{"USER_SRP_AUTH", func() (*types.AuthenticationResultType, error) {
			out, err := srpSignIn(f.idp, f.poolID, f.clientID, "amy", userPassword, clk.Now())
			if err != nil {
				return nil, err
			}
			if out.Session != nil || out.ChallengeName != "" {
				t.Errorf("tokens with a challenge: %+v", out)
			}
			return out.AuthenticationResult, nil
		}},
		{"USER_SRP_AUTH through the admin operations", func() (*types.AuthenticationResultType, error) {
			cl := srptest.NewClient(f.poolID, userPassword)
			start, err := f.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
				UserPoolId: &f.poolID, ClientId: &f.clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
				AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()},
			})
			if err != nil {
				return nil, err
			}
			answer, err := cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
			if err != nil {
				return nil, err
			}
			out, err := f.idp.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
				UserPoolId: &f.poolID, ClientId: &f.clientID, ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: answer,
			})
			if err != nil {
				return nil, err
			}
			return out.AuthenticationResult, nil
		}},
	}
	for _, s := range signIns {
		t.Run(s.name, func(t *testing.T) {
			res, err := s.run()
			if err != nil {
				t.Fatal(err)
			}
			id, _ := checkTokens(t, res, "amy", true)
			if id["email"] != "amy@example.com" || id["email_verified"] != true || id["aud"] != f.clientID {
				t.Fatalf("ID token %v", id)
			}
			// Both refresh flows, on both operations, keep the session.
			clk.Advance(time.Minute)
			rt := aws.ToString(res.RefreshToken)
			for _, flow := range []types.AuthFlowType{types.AuthFlowTypeRefreshTokenAuth, types.AuthFlowTypeRefreshToken} {
				pub, err := f.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: flow, ClientId: &f.clientID, AuthParameters: map[string]string{"REFRESH_TOKEN": rt}})
				if err != nil {
					t.Fatalf("%s: %v", flow, err)
				}
				adm, err := admin(flow, map[string]string{"REFRESH_TOKEN": rt})
				if err != nil {
					t.Fatalf("admin %s: %v", flow, err)
				}
				for _, r := range []*types.AuthenticationResultType{pub.AuthenticationResult, adm} {
					rid, _ := checkTokens(t, r, "amy", false)
					if rid["origin_jti"] != id["origin_jti"] || rid["auth_time"] != id["auth_time"] || rid["iat"] == id["iat"] {
						t.Fatalf("%s: refreshed %v, signed in %v", flow, rid, id)
					}
				}
			}
		})
	}
}

// With an email alias, the user signs in by email with either flow; SRP
// tells the client the username to hash the password with.
func TestSignInByAlias(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	poolID := newFamilyPool(t, idp, emailAlias)
	clientID, _ := appClient(t, idp, poolID, allFlows)
	createConfirmed(t, idp, poolID, "bea", "bea@example.com")
	out, err := passwordSignIn(idp, clientID, "bea@example.com", userPassword)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, out.AuthenticationResult, "bea", true)
	cl := srptest.NewClient(poolID, userPassword)
	start, err := idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": "bea@example.com", "SRP_A": cl.SRPA()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := start.ChallengeParameters; p["USER_ID_FOR_SRP"] != "bea" || p["USERNAME"] != "bea" || p["SALT"] == "" || p["SRP_B"] == "" || p["SECRET_BLOCK"] == "" {
		t.Fatalf("challenge parameters %v", p)
	}
	res, err := srpSignIn(idp, poolID, clientID, "bea@example.com", userPassword, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, res.AuthenticationResult, "bea", true)
}

// A client with a secret needs SECRET_HASH on every flow and every
// challenge answer, computed over the USERNAME of the same request (for
// refresh, the token's username).
func TestSignInSecretHash(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, secret := appClient(t, idp, poolID, allFlows, withSecret)
	createConfirmed(t, idp, poolID, "cy", "cy@example.com")
	hash := func(name string) string { return user.SecretHash(secret, name, clientID) }

	_, err := passwordSignIn(idp, clientID, "cy", userPassword)
	wantCognitoErr(t, err, "NotAuthorizedException", "Client "+clientID+" is configured with secret but SECRET_HASH was not received")
	_, err = passwordSignIn(idp, clientID, "cy", userPassword, "SECRET_HASH", hash("someone"))
	wantCognitoErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+clientID)
	out, err := passwordSignIn(idp, clientID, "cy", userPassword, "SECRET_HASH", hash("cy"))
	if err != nil {
		t.Fatal(err)
	}
	rt := aws.ToString(out.AuthenticationResult.RefreshToken)
	refreshWith := func(params map[string]string) error {
		_, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &clientID, AuthParameters: params})
		return err
	}
	wantCognitoErr(t, refreshWith(map[string]string{"REFRESH_TOKEN": rt}), "NotAuthorizedException", "SECRET_HASH was not received")
	if err := refreshWith(map[string]string{"REFRESH_TOKEN": rt, "SECRET_HASH": hash("cy")}); err != nil {
		t.Fatal(err)
	}

	// SRP: the start hashes the name typed, the answer USER_ID_FOR_SRP.
	cl := srptest.NewClient(poolID, userPassword)
	start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": "cy", "SRP_A": cl.SRPA(), "SECRET_HASH": hash("cy")}})
	if err != nil {
		t.Fatal(err)
	}
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	respond := func() error {
		_, err := idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &clientID, ChallengeResponses: answer})
		return err
	}
	wantCognitoErr(t, respond(), "NotAuthorizedException", "SECRET_HASH was not received")
	answer["SECRET_HASH"] = hash("cy")
	if err := respond(); err != nil {
		t.Fatal(err)
	}
}

// In a pool whose usernames are email addresses, the username is the sub:
// SRP names it as USER_ID_FOR_SRP, and the tokens carry it as username.
func TestSignInEmailUsernamePool(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	})
	clientID, _ := appClient(t, idp, poolID, allFlows, hidingUsers)
	out, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("eve@example.com"),
		MessageAction: types.MessageActionTypeSuppress})
	if err != nil {
		t.Fatal(err)
	}
	sub := aws.ToString(out.User.Username)
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &sub, Password: aws.String(userPassword), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	res, err := srpSignIn(idp, poolID, clientID, "eve@example.com", userPassword, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := checkTokens(t, res.AuthenticationResult, sub, true)
	if id["sub"] != sub || id["email"] != "eve@example.com" {
		t.Fatalf("ID token %v", id)
	}
	// An unknown address gets a decoy that looks the same: a sub-shaped id.
	cl := srptest.NewClient(poolID, userPassword)
	start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": "nobody@example.com", "SRP_A": cl.SRPA()}})
	if err != nil {
		t.Fatal(err)
	}
	if id := start.ChallengeParameters["USER_ID_FOR_SRP"]; len(id) != len(sub) || id[14] != '4' {
		t.Fatalf("decoy USER_ID_FOR_SRP %q for a pool of subs like %q", id, sub)
	}
}
