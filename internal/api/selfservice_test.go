package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// signIn returns the tokens a password sign-in of username through
// clientID would, minted by the server's token service from the user as
// stored (the sign-in flows are internal/auth's; these tests are about
// what the tokens authorize). scopes default to aws.cognito.signin.user.admin.
func signIn(t *testing.T, c *cirrotest.Server, poolID, clientID, username string, scopes ...string) *token.Tokens {
	t.Helper()
	ctx := context.Background()
	srv := c.Internal()
	var req token.IssueRequest
	err := srv.Store.Read(ctx, func(tx store.Tx) error {
		p, _, err := srv.API.Pools.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		client, err := srv.API.Pools.Client(ctx, tx, clientID)
		if err != nil {
			return err
		}
		u, _, err := srv.API.Users.FindForSignIn(ctx, tx, p, username)
		if err != nil {
			return err
		}
		subject, err := srv.API.Users.Subject(ctx, tx, u)
		if err != nil {
			return err
		}
		req = token.IssueRequest{PoolID: poolID, Client: client, User: *subject, Scopes: scopes}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	toks, err := srv.API.Tokens.IssueTokens(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return toks
}

func attrNames(as []types.AttributeType) []string {
	var out []string
	for _, a := range as {
		out = append(out, aws.ToString(a.Name))
	}
	return out
}

// GetUser answers with the attributes the token's client may read and
// the user's MFA settings.
func TestGetUser(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString}}
	})
	all, _ := appClient(t, idp, poolID)
	narrow, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ReadAttributes = []string{"email", "given_name"}
	})
	createConfirmed(t, idp, poolID, "gus", "gus@example.com", "given_name", "Gus", "custom:team", "blue", "phone_number", "+15550002222")
	_, err := idp.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &poolID, Username: aws.String("gus"),
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}})
	if err != nil {
		t.Fatal(err)
	}

	out, err := idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &signIn(t, c, poolID, all, "gus").AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	admin := adminGet(t, idp, poolID, "gus")
	if aws.ToString(out.Username) != "gus" || len(out.UserAttributes) != len(admin.UserAttributes) ||
		attrOf(out.UserAttributes, "custom:team") != "blue" || attrOf(out.UserAttributes, "sub") != attrOf(admin.UserAttributes, "sub") {
		t.Fatalf("GetUser through a client reading everything: %v", out.UserAttributes)
	}
	if len(out.MFAOptions) != 1 || len(out.UserMFASettingList) != 1 || out.UserMFASettingList[0] != "SMS_MFA" {
		t.Fatalf("MFA settings: %+v %v", out.MFAOptions, out.UserMFASettingList)
	}

	out, err = idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &signIn(t, c, poolID, narrow, "gus").AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(attrNames(out.UserAttributes), ","); got != "sub,email,given_name" {
		t.Fatalf("GetUser through a client reading email and given_name: %s", got)
	}
}

// A user updates its own attributes within its client's WriteAttributes;
// a new email on an auto-verifying pool gets a code, VerifyUserAttribute
// with it verifies the address, and a wrong code is refused.
func TestUpdateUserAttributes(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail)
	clientID, _ := appClient(t, idp, poolID)
	limited, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.WriteAttributes = []string{"given_name"}
	})
	createConfirmed(t, idp, poolID, "uma", "uma@example.com")
	at := signIn(t, c, poolID, clientID, "uma").AccessToken

	out, err := idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at,
		UserAttributes: uattrs("given_name", "Uma", "email", "uma@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CodeDeliveryDetailsList) != 1 || aws.ToString(out.CodeDeliveryDetailsList[0].AttributeName) != "email" ||
		aws.ToString(out.CodeDeliveryDetailsList[0].Destination) != "u***@e***" {
		t.Fatalf("code delivery: %+v", out.CodeDeliveryDetailsList)
	}
	got := adminGet(t, idp, poolID, "uma")
	if attrOf(got.UserAttributes, "given_name") != "Uma" || attrOf(got.UserAttributes, "email") != "uma@example.org" ||
		attrOf(got.UserAttributes, "email_verified") != "false" {
		t.Fatalf("after the update: %v", got.UserAttributes)
	}

	_, err = idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: &at, AttributeName: aws.String("email"), Code: aws.String("000000")})
	wantCognitoErr(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	code := sixDigits.FindString(outboxMessage(t, c, poolID, "uma@example.org").Body)
	if _, err := idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: &at, AttributeName: aws.String("email"), Code: &code}); err != nil {
		t.Fatal(err)
	}
	if got := adminGet(t, idp, poolID, "uma"); attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Fatalf("after verification: %v", got.UserAttributes)
	}
	// The code is single use.
	_, err = idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: &at, AttributeName: aws.String("email"), Code: &code})
	wantCognitoErr(t, err, "ExpiredCodeException", "")

	limitedToken := signIn(t, c, poolID, limited, "uma").AccessToken
	_, err = idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &limitedToken, UserAttributes: uattrs("family_name", "X")})
	wantCognitoErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	_, err = idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at, UserAttributes: uattrs("custom:nope", "X")})
	wantCognitoErr(t, err, "InvalidParameterException", "user.custom:nope: Attribute does not exist in the schema.")
	_, err = idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at, UserAttributes: uattrs("email_verified", "true")})
	wantCognitoErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
}

// With AttributesRequireVerificationBeforeUpdate the verified email stays
// until the new one is verified; GetUserAttributeVerificationCode sends a
// fresh code for the pending value.
func TestUpdateUserAttributesVerifyBeforeUpdate(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail, func(in *cip.CreateUserPoolInput) {
		in.UserAttributeUpdateSettings = &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		}
	})
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "vic", "vic@example.com")
	at := signIn(t, c, poolID, clientID, "vic").AccessToken

	if _, err := idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at, UserAttributes: uattrs("email", "vic@example.org")}); err != nil {
		t.Fatal(err)
	}
	got, err := idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &at})
	if err != nil {
		t.Fatal(err)
	}
	if attrOf(got.UserAttributes, "email") != "vic@example.com" || attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Fatalf("the old address must stay until the new one is verified: %v", got.UserAttributes)
	}
	d, err := idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: &at, AttributeName: aws.String("email")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.CodeDeliveryDetails.Destination) != "v***@e***" || d.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("code delivery: %+v", d.CodeDeliveryDetails)
	}
	code := sixDigits.FindString(outboxMessage(t, c, poolID, "vic@example.org").Body)
	if _, err := idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: &at, AttributeName: aws.String("email"), Code: &code}); err != nil {
		t.Fatal(err)
	}
	if got := adminGet(t, idp, poolID, "vic"); attrOf(got.UserAttributes, "email") != "vic@example.org" || attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Fatalf("after verification: %v", got.UserAttributes)
	}
	_, err = idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: &at, AttributeName: aws.String("given_name")})
	wantCognitoErr(t, err, "InvalidParameterException", "Only email and phone_number can be verified.")
	_, err = idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: &at, AttributeName: aws.String("given_name"), Code: &code})
	wantCognitoErr(t, err, "InvalidParameterException", "Only email and phone_number can be verified.")
}

// DeleteUserAttributes removes writable, optional attributes only.
func TestDeleteUserAttributes(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)}}
	})
	clientID, _ := appClient(t, idp, poolID)
	limited, _ := appClient(t, idp, poolID, func(in *cip.CreateUserPoolClientInput) {
		in.WriteAttributes = []string{"name", "given_name"}
	})
	createConfirmed(t, idp, poolID, "dee", "dee@example.com", "name", "Dee", "given_name", "Dee", "family_name", "Dot")
	at := signIn(t, c, poolID, clientID, "dee").AccessToken

	if _, err := idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: &at, UserAttributeNames: []string{"given_name", "email"}}); err != nil {
		t.Fatal(err)
	}
	got := adminGet(t, idp, poolID, "dee")
	if attrOf(got.UserAttributes, "given_name") != "" || attrOf(got.UserAttributes, "email") != "" || attrOf(got.UserAttributes, "email_verified") != "" ||
		attrOf(got.UserAttributes, "family_name") != "Dot" {
		t.Fatalf("after deleting given_name and email: %v", got.UserAttributes)
	}
	for _, tc := range []struct {
		token      string
		names      []string
		code, text string
	}{
		{at, []string{"name"}, "InvalidParameterException", "user.name: The attribute is required"},
		{at, []string{"custom:nope"}, "InvalidParameterException", "user.custom:nope: Attribute does not exist in the schema."},
		{at, []string{"sub"}, "InvalidParameterException", "user.sub: Attribute cannot be updated."},
		{signIn(t, c, poolID, limited, "dee").AccessToken, []string{"family_name"}, "NotAuthorizedException", "A client attempted to write unauthorized attribute"},
	} {
		_, err := idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: &tc.token, UserAttributeNames: tc.names})
		wantCognitoErr(t, err, tc.code, tc.text)
	}
	if got := adminGet(t, idp, poolID, "dee"); attrOf(got.UserAttributes, "family_name") != "Dot" || attrOf(got.UserAttributes, "name") != "Dee" {
		t.Fatalf("a refused deletion changed the user: %v", got.UserAttributes)
	}
}

// SetUserSettings turns the legacy SMS MFA on and off for the signed-in
// user.
func TestSetUserSettings(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "sal", "sal@example.com", "phone_number", "+15550003333")
	at := signIn(t, c, poolID, clientID, "sal").AccessToken

	sms := []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}
	if _, err := idp.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: &at, MFAOptions: sms}); err != nil {
		t.Fatal(err)
	}
	if got := adminGet(t, idp, poolID, "sal"); len(got.MFAOptions) != 1 || len(got.UserMFASettingList) != 1 {
		t.Fatalf("after turning SMS MFA on: %+v %v", got.MFAOptions, got.UserMFASettingList)
	}
	if _, err := idp.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: &at, MFAOptions: []types.MFAOptionType{}}); err != nil {
		t.Fatal(err)
	}
	if got := adminGet(t, idp, poolID, "sal"); len(got.MFAOptions) != 0 || len(got.UserMFASettingList) != 0 {
		t.Fatalf("after turning SMS MFA off: %+v %v", got.MFAOptions, got.UserMFASettingList)
	}
	_, err := idp.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: &at,
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}})
	wantCognitoErr(t, err, "InvalidParameterException", "")
}

// DeleteUser deletes the signed-in user with its refresh tokens; its
// username is free again at once.
func TestDeleteUser(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "del", "del@example.com")
	toks := signIn(t, c, poolID, clientID, "del")

	if _, err := idp.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: &toks.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("del")})
	wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")
	if n := countScoped(t, c, token.KindRefreshToken, poolID); n != 0 {
		t.Fatalf("%d refresh tokens outlive their user", n)
	}
	// Cognito answers a deleted user's still-valid token "User does not
	// exist." (see TestDeletedUserToken).
	_, err = idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &toks.AccessToken})
	wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")
	_, err = idp.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: &toks.RefreshToken})
	wantCognitoErr(t, err, "NotAuthorizedException", "Invalid Refresh Token.")
	createConfirmed(t, idp, poolID, "del", "del@example.com")
}
