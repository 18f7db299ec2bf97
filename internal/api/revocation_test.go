package api_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

func refresh(ctx context.Context, idp *cip.Client, clientID, secret, rt string) (*types.AuthenticationResultType, error) {
	in := &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: &rt}
	if secret != "" {
		in.ClientSecret = &secret
	}
	out, err := idp.GetTokensFromRefreshToken(ctx, in)
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func getUser(ctx context.Context, idp *cip.Client, at string) error {
	_, err := idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &at})
	return err
}

// GetTokensFromRefreshToken issues new ID and access tokens of the same
// session (origin_jti, auth_time) that describe the user as it is now;
// without rotation no new refresh token.
func TestGetTokensFromRefreshToken(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID)
	secretClient, secret := appClient(t, idp, poolID, withSecret)
	createConfirmed(t, idp, poolID, "ria", "ria@example.com", "given_name", "Ria")
	toks := signIn(t, c, poolID, clientID, "ria")
	first := cirrotest.Claims(t, toks.IDToken)

	clk.Advance(time.Minute)
	at := toks.AccessToken
	if _, err := idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at, UserAttributes: uattrs("given_name", "Maria")}); err != nil {
		t.Fatal(err)
	}
	got, err := refresh(ctx, idp, clientID, "", toks.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if got.RefreshToken != nil || aws.ToString(got.TokenType) != "Bearer" || got.ExpiresIn != 3600 {
		t.Fatalf("refresh without rotation: %+v", got)
	}
	id, access := cirrotest.Claims(t, aws.ToString(got.IdToken)), cirrotest.Claims(t, aws.ToString(got.AccessToken))
	if id["given_name"] != "Maria" || id["origin_jti"] != first["origin_jti"] || id["auth_time"] != first["auth_time"] ||
		access["origin_jti"] != first["origin_jti"] || id["iat"] == first["iat"] {
		t.Fatalf("refreshed ID token %v, access token %v; first ID token %v", id, access, first)
	}
	if err := getUser(ctx, idp, aws.ToString(got.AccessToken)); err != nil {
		t.Fatal(err)
	}

	secretToks := signIn(t, c, poolID, secretClient, "ria")
	for _, r := range []struct {
		name, client, secret, token, code, msg string
	}{
		{"unknown token", clientID, "", "bm90LWEtcmVmcmVzaC10b2tlbg", "NotAuthorizedException", "Invalid Refresh Token."},
		{"another client's token", secretClient, secret, toks.RefreshToken, "NotAuthorizedException", "Invalid Refresh Token."},
		{"unknown client", "1example23456789example12", "", toks.RefreshToken, "ResourceNotFoundException", ""},
		{"secret missing", secretClient, "", secretToks.RefreshToken, "NotAuthorizedException", "is configured for secret but secret was not received."},
		{"secret wrong", secretClient, "wrongSecretOfTheRightLength123", secretToks.RefreshToken, "NotAuthorizedException", "Unable to verify secret hash for client"},
	} {
		_, err := refresh(ctx, idp, r.client, r.secret, r.token)
		wantCognitoErr(t, err, r.code, r.msg)
	}
	if _, err := refresh(ctx, idp, secretClient, secret, secretToks.RefreshToken); err != nil {
		t.Fatal(err)
	}

	clk.Advance(31 * 24 * time.Hour)
	_, err = refresh(ctx, idp, clientID, "", toks.RefreshToken)
	wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

// With rotation, each refresh returns a new refresh token; the used one
// works for the client's grace period, and using it after that is reuse:
// RefreshTokenReuseException, and the whole session is revoked.
func TestGetTokensFromRefreshTokenRotation(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.RefreshTokenRotation = &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(10)}
	})
	createConfirmed(t, idp, poolID, "rot", "rot@example.com")
	toks := signIn(t, c, poolID, clientID, "rot")

	next, err := refresh(ctx, idp, clientID, "", toks.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == nil || *next.RefreshToken == toks.RefreshToken {
		t.Fatalf("rotation returned no new refresh token: %+v", next)
	}
	// Within the grace period the old token still works (a retry).
	if _, err := refresh(ctx, idp, clientID, "", toks.RefreshToken); err != nil {
		t.Fatalf("retry within the grace period: %v", err)
	}
	clk.Advance(11 * time.Second)
	_, err = refresh(ctx, idp, clientID, "", toks.RefreshToken)
	wantCognitoErr(t, err, "RefreshTokenReuseException", "")
	// Reuse revoked the session: the rotated token and the access tokens too.
	_, err = refresh(ctx, idp, clientID, "", aws.ToString(next.RefreshToken))
	wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	wantCognitoErr(t, getUser(ctx, idp, aws.ToString(next.AccessToken)), "NotAuthorizedException", "Access Token has been revoked")
}

// RevokeToken revokes a refresh token and every token of its session,
// and no other session.
func TestRevokeToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newFamilyPool(t, idp)
		clientID, _ := appClient(t, idp, poolID)
		secretClient, secret := appClient(t, idp, poolID, withSecret)
		noRevocation, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) { in.EnableTokenRevocation = aws.Bool(false) })
		createConfirmed(t, idp, poolID, "rey", "rey@example.com")
		session, other := signIn(t, c, poolID, clientID, "rey"), signIn(t, c, poolID, clientID, "rey")
		refreshed, err := refresh(ctx, idp, clientID, "", session.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}

		if _, err := idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: &session.RefreshToken}); err != nil {
			t.Fatal(err)
		}
		_, err = refresh(ctx, idp, clientID, "", session.RefreshToken)
		wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
		wantCognitoErr(t, getUser(ctx, idp, session.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
		wantCognitoErr(t, getUser(ctx, idp, aws.ToString(refreshed.AccessToken)), "NotAuthorizedException", "Access Token has been revoked")
		if err := getUser(ctx, idp, other.AccessToken); err != nil {
			t.Fatalf("revoking one session revoked another: %v", err)
		}
		if _, err := refresh(ctx, idp, clientID, "", other.RefreshToken); err != nil {
			t.Fatal(err)
		}
		// Revoking again, or a token nobody issued, or another client's, reveals nothing.
		for _, tok := range []string{session.RefreshToken, "bm90LWEtcmVmcmVzaC10b2tlbg"} {
			if _, err := idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: aws.String(tok)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &secretClient, ClientSecret: &secret, Token: &other.RefreshToken}); err != nil {
			t.Fatal(err)
		}
		if _, err := refresh(ctx, idp, clientID, "", other.RefreshToken); err != nil {
			t.Fatalf("another client revoked this client's token: %v", err)
		}

		confidential := signIn(t, c, poolID, secretClient, "rey")
		for _, r := range []struct {
			name, client string
			secret       *string
			token        string
			code, msg    string
		}{
			{"an access token", clientID, nil, other.AccessToken, "UnsupportedTokenTypeException", ""},
			{"an ID token", clientID, nil, other.IDToken, "UnsupportedTokenTypeException", ""},
			{"revocation off", noRevocation, nil, other.RefreshToken, "UnsupportedOperationException", ""},
			{"secret missing", secretClient, nil, confidential.RefreshToken, "UnauthorizedException", "is configured for secret but secret was not received."},
			{"secret wrong", secretClient, aws.String("wrongSecretOfTheRightLength123"), confidential.RefreshToken, "UnauthorizedException", "Unable to verify secret hash for client"},
		} {
			_, err := idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &r.client, ClientSecret: r.secret, Token: &r.token})
			wantCognitoErr(t, err, r.code, r.msg)
		}
		if _, err := refresh(ctx, idp, secretClient, secret, confidential.RefreshToken); err != nil {
			t.Fatalf("a refused revocation revoked: %v", err)
		}
		if _, err := idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &secretClient, ClientSecret: &secret, Token: &confidential.RefreshToken}); err != nil {
			t.Fatal(err)
		}
		_, err = refresh(ctx, idp, secretClient, secret, confidential.RefreshToken)
		wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	})
}

// GlobalSignOut and AdminUserGlobalSignOut revoke every session of the
// user, and only of that user; a new sign-in works at once.
func TestGlobalSignOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, c *cirrotest.Server) {
		idp := c.IdentityProvider()
		ctx := context.Background()
		poolID := newFamilyPool(t, idp)
		clientID, _ := appClient(t, idp, poolID)
		otherClient, _ := appClient(t, idp, poolID)
		createConfirmed(t, idp, poolID, "gil", "gil@example.com")
		createConfirmed(t, idp, poolID, "bystander", "by@example.com")
		a, b := signIn(t, c, poolID, clientID, "gil"), signIn(t, c, poolID, otherClient, "gil")
		by := signIn(t, c, poolID, clientID, "bystander")

		if _, err := idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: &a.AccessToken}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct{ client, at, rt string }{{clientID, a.AccessToken, a.RefreshToken}, {otherClient, b.AccessToken, b.RefreshToken}} {
			wantCognitoErr(t, getUser(ctx, idp, s.at), "NotAuthorizedException", "Access Token has been revoked")
			_, err := refresh(ctx, idp, s.client, "", s.rt)
			wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
		}
		if err := getUser(ctx, idp, by.AccessToken); err != nil {
			t.Fatalf("signing one user out signed out another: %v", err)
		}
		fresh := signIn(t, c, poolID, clientID, "gil")
		if err := getUser(ctx, idp, fresh.AccessToken); err != nil {
			t.Fatalf("a sign-in after the sign-out: %v", err)
		}

		if _, err := idp.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: aws.String("gil")}); err != nil {
			t.Fatal(err)
		}
		wantCognitoErr(t, getUser(ctx, idp, fresh.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
		_, err := refresh(ctx, idp, clientID, "", fresh.RefreshToken)
		wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
		_, err = idp.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: aws.String("nobody")})
		wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")
		_, err = idp.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String("us-east-1_nope"), Username: aws.String("gil")})
		wantCognitoErr(t, err, "ResourceNotFoundException", "")
	})
}

// Revocation holds across nodes: two cirro servers share one PostgreSQL
// database (with one master key and one public URL); a sign-out or a revocation on one is
// honoured by the other at once.
func TestRevocationAcrossNodes(t *testing.T) {
	dsn := os.Getenv("CIRRO_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CIRRO_TEST_POSTGRES is not set")
	}
	node := cirrotest.SharedNode(cirrotest.SharedPostgres(t, dsn), cirrotest.NewMasterKey(), "https://idp.example.test")
	a, b := cirrotest.Start(t, node), cirrotest.Start(t, node)
	idpA, idpB := a.IdentityProvider(), b.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idpA)
	clientID, _ := appClient(t, idpA, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	createConfirmed(t, idpA, poolID, "nia", "nia@example.com")

	// RevokeToken on A: B refuses the refresh token and the access token.
	s1 := signIn(t, a, poolID, clientID, "nia")
	if _, err := refresh(ctx, idpB, clientID, "", s1.RefreshToken); err != nil {
		t.Fatalf("node B refreshing node A's token: %v", err)
	}
	if err := getUser(ctx, idpB, s1.AccessToken); err != nil {
		t.Fatalf("node B accepting node A's token: %v", err)
	}
	if _, err := idpA.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: &s1.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	_, err := refresh(ctx, idpB, clientID, "", s1.RefreshToken)
	wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	wantCognitoErr(t, getUser(ctx, idpB, s1.AccessToken), "NotAuthorizedException", "Access Token has been revoked")

	// GlobalSignOut on A, after a real sign-in on A: B refuses the old
	// access token and the refresh token, by either refresh operation.
	out, err := idpA.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
		UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "nia", "PASSWORD": userPassword},
	})
	if err != nil {
		t.Fatal(err)
	}
	s2 := out.AuthenticationResult
	if err := getUser(ctx, idpB, *s2.AccessToken); err != nil {
		t.Fatal(err)
	}
	if _, err := idpA.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: s2.AccessToken}); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, getUser(ctx, idpB, *s2.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	_, err = refresh(ctx, idpB, clientID, "", *s2.RefreshToken)
	wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	_, err = idpB.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *s2.RefreshToken}})
	wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")

	// And the other way round: signed in on B, signed out on B, refused on A.
	s3 := signIn(t, b, poolID, clientID, "nia")
	if _, err := idpB.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &poolID, Username: aws.String("nia")}); err != nil {
		t.Fatal(err)
	}
	wantCognitoErr(t, getUser(ctx, idpA, s3.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	_, err = refresh(ctx, idpA, clientID, "", s3.RefreshToken)
	wantCognitoErr(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}
