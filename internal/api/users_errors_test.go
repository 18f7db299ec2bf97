package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/user"
)

// userFixture is one server with the pools, clients and users that the
// error paths need.
type userFixture struct {
	c   *cirrotest.Server
	idp *cip.Client
	// pool: email alias, email verified automatically, name required.
	pool, client, secretClient, secret, hidingClient string
	// adminOnly: self sign-up off; usernames: email is the username;
	// quiet: verifies nothing; recovery: admin_only recovery.
	adminOnly, adminOnlyClient string
	usernames, usernamesClient string
	quiet, quietClient         string
	recovery, recoveryClient   string
	unconfirmedCode            string
	immutable                  string
}

func newUserFixture(t *testing.T) *userFixture {
	t.Helper()
	f := &userFixture{c: cirrotest.Start(t)}
	f.idp = f.c.IdentityProvider()
	ctx := context.Background()
	f.pool = newFamilyPool(t, f.idp, verifyingEmail, emailAlias, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{
			{Name: aws.String("name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)},
			{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
		}
	})
	f.client, _ = appClient(t, f.idp, f.pool)
	f.secretClient, f.secret = appClient(t, f.idp, f.pool, withSecret)
	f.hidingClient, _ = appClient(t, f.idp, f.pool, hidingUsers)
	f.adminOnly = newFamilyPool(t, f.idp, func(in *cip.CreateUserPoolInput) {
		in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true}
	})
	f.adminOnlyClient, _ = appClient(t, f.idp, f.adminOnly)
	f.usernames = newFamilyPool(t, f.idp, verifyingEmail, func(in *cip.CreateUserPoolInput) {
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	})
	f.usernamesClient, _ = appClient(t, f.idp, f.usernames)
	f.quiet = newFamilyPool(t, f.idp)
	f.quietClient, _ = appClient(t, f.idp, f.quiet)
	f.recovery = newFamilyPool(t, f.idp, func(in *cip.CreateUserPoolInput) {
		in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeAdminOnly, Priority: aws.Int32(1)},
		}}
	})
	f.recoveryClient, _ = appClient(t, f.idp, f.recovery)

	// Users of pool: confirmed (verified email), unconfirmed (signed up),
	// fcp (invited), disabled, noemail (confirmed, nothing verified).
	createConfirmed(t, f.idp, f.pool, "confirmed", "confirmed@example.com", "name", "C", "custom:team", "red")
	f.signUp(t, f.client, "unconfirmed", "unconfirmed@example.com")
	f.unconfirmedCode = outboxMessage(t, f.c, f.pool, "unconfirmed@example.com").Code
	f.signUp(t, f.client, "rival", "confirmed@example.com") // the same email, unverified
	_, err := f.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &f.pool, Username: aws.String("fcp"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: uattrs("email", "fcp@example.com", "email_verified", "true")})
	if err != nil {
		t.Fatal(err)
	}
	createConfirmed(t, f.idp, f.pool, "disabled", "disabled@example.com")
	if _, err := f.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &f.pool, Username: aws.String("disabled")}); err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &f.pool, Username: aws.String("noemail"), MessageAction: types.MessageActionTypeSuppress})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &f.pool, Username: aws.String("noemail"), Password: aws.String(userPassword), Permanent: true})
	if err != nil {
		t.Fatal(err)
	}
	f.signUp(t, f.usernamesClient, "taken@example.com", "")
	f.signUp(t, f.quietClient, "quietly", "quietly@example.com")
	createConfirmed(t, f.idp, f.recovery, "locked", "locked@example.com")
	return f
}

func (f *userFixture) signUp(t *testing.T, clientID, name, email string) {
	t.Helper()
	in := &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String(userPassword), UserAttributes: uattrs("name", "N")}
	if email != "" {
		in.UserAttributes = append(in.UserAttributes, uattrs("email", email)...)
	}
	if _, err := f.idp.SignUp(context.Background(), in); err != nil {
		t.Fatalf("SignUp %s: %v", name, err)
	}
}

// wantCode fails unless err carries the Cognito error type code (typed by
// the SDK or not: some operations' models omit errors Cognito documents
// for them, e.g. AliasExistsException for AdminCreateUser) and a message
// containing msg.
func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func TestUserErrorPaths(t *testing.T) {
	f := newUserFixture(t)
	idp := f.idp
	signUp := func(client, name, pw string, as ...string) error {
		in := &cip.SignUpInput{ClientId: &client, Username: &name, UserAttributes: uattrs(as...)}
		if pw != "" {
			in.Password = &pw
		}
		_, err := idp.SignUp(context.Background(), in)
		return err
	}
	confirm := func(client, name, code string) error {
		_, err := idp.ConfirmSignUp(context.Background(), &cip.ConfirmSignUpInput{ClientId: &client, Username: &name, ConfirmationCode: &code})
		return err
	}
	adminCreate := func(in *cip.AdminCreateUserInput) error {
		if in.UserPoolId == nil {
			in.UserPoolId = &f.pool
		}
		_, err := idp.AdminCreateUser(context.Background(), in)
		return err
	}
	update := func(name string, as ...string) error {
		_, err := idp.AdminUpdateUserAttributes(context.Background(), &cip.AdminUpdateUserAttributesInput{UserPoolId: &f.pool, Username: &name, UserAttributes: uattrs(as...)})
		return err
	}
	forgot := func(client, name string) error {
		_, err := idp.ForgotPassword(context.Background(), &cip.ForgotPasswordInput{ClientId: &client, Username: &name})
		return err
	}
	resetByAdmin := func(poolID, name string) error {
		_, err := idp.AdminResetUserPassword(context.Background(), &cip.AdminResetUserPasswordInput{UserPoolId: &poolID, Username: &name})
		return err
	}
	email := []string{"name", "N", "email"}
	for _, tc := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		// SignUp
		{"SignUp unknown client", func() error { return signUp("nosuchclient", "x", userPassword) }, "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"SignUp admin-only pool", func() error { return signUp(f.adminOnlyClient, "x", userPassword) }, "NotAuthorizedException", "SignUp is not permitted for this user pool"},
		{"SignUp without SECRET_HASH", func() error { return signUp(f.secretClient, "x", userPassword, "name", "N") }, "NotAuthorizedException", "Client " + f.secretClient + " is configured with secret but SECRET_HASH was not received"},
		{"SignUp wrong SECRET_HASH", func() error {
			_, err := idp.SignUp(context.Background(), &cip.SignUpInput{ClientId: &f.secretClient, Username: aws.String("x"), Password: aws.String(userPassword),
				SecretHash: aws.String(user.SecretHash(f.secret, "y", f.secretClient))})
			return err
		}, "NotAuthorizedException", "Unable to verify secret hash for client " + f.secretClient},
		{"SignUp short password", func() error { return signUp(f.client, "x", "Aa1!", "name", "N") }, "InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
		{"SignUp password without symbol", func() error { return signUp(f.client, "x", "Abcdefg12", "name", "N") }, "InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters"},
		{"SignUp without password", func() error { return signUp(f.client, "x", "", "name", "N") }, "InvalidParameterException", "Member must not be null"},
		{"SignUp username taken", func() error { return signUp(f.client, "confirmed", userPassword, "name", "N") }, "UsernameExistsException", "User already exists"},
		{"SignUp unknown attribute", func() error { return signUp(f.client, "x", userPassword, "name", "N", "custom:nope", "1") }, "InvalidParameterException", "Type for attribute {custom:nope} could not be determined"},
		{"SignUp required attribute missing", func() error { return signUp(f.client, "x", userPassword) }, "InvalidParameterException", "Attributes did not conform to the schema: name: The attribute is required"},
		{"SignUp bad email", func() error { return signUp(f.client, "x", userPassword, append(email, "not-an-email")...) }, "InvalidParameterException", "Invalid email address format."},
		{"SignUp bad phone", func() error { return signUp(f.client, "x", userPassword, "name", "N", "phone_number", "555-1234") }, "InvalidParameterException", "Invalid phone number format."},
		{"SignUp email-shaped username in an alias pool", func() error { return signUp(f.client, "x@example.com", userPassword, "name", "N") }, "InvalidParameterException", "Username cannot be of email format, since user pool is configured for email alias."},
		{"SignUp writes email_verified", func() error {
			return signUp(f.client, "x", userPassword, append(email, "x@example.com", "email_verified", "true")...)
		}, "NotAuthorizedException", "A client attempted to write unauthorized attribute"},
		{"SignUp email taken as username", func() error { return signUp(f.usernamesClient, "taken@example.com", userPassword) }, "UsernameExistsException", "An account with the given email already exists."},
		{"SignUp username not an email", func() error { return signUp(f.usernamesClient, "plain", userPassword) }, "InvalidParameterException", "Username should be an email."},

		// ConfirmSignUp
		{"ConfirmSignUp unknown user", func() error { return confirm(f.client, "ghost", "123456") }, "UserNotFoundException", "Username/client id combination not found."},
		{"ConfirmSignUp unknown user, hidden", func() error { return confirm(f.hidingClient, "ghost", "123456") }, "CodeMismatchException", "Invalid verification code provided, please try again."},
		{"ConfirmSignUp wrong code", func() error { return confirm(f.client, "unconfirmed", wrongCode(f.unconfirmedCode)) }, "CodeMismatchException", "Invalid verification code provided, please try again."},
		{"ConfirmSignUp confirmed user", func() error { return confirm(f.client, "confirmed", "123456") }, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"},
		{"ConfirmSignUp without SECRET_HASH", func() error { return confirm(f.secretClient, "unconfirmed", f.unconfirmedCode) }, "NotAuthorizedException", "SECRET_HASH was not received"},
		{"ConfirmSignUp alias held by another user", func() error {
			return confirm(f.client, "rival", outboxMessage(t, f.c, f.pool, "confirmed@example.com").Code)
		}, "AliasExistsException", "An account with the given email already exists."},
		{"ConfirmSignUp user without a code", func() error { return confirm(f.quietClient, "quietly", "123456") }, "ExpiredCodeException", "Invalid code provided, please request a code again."},

		// ResendConfirmationCode
		{"ResendConfirmationCode confirmed user", func() error {
			_, err := idp.ResendConfirmationCode(context.Background(), &cip.ResendConfirmationCodeInput{ClientId: &f.client, Username: aws.String("confirmed")})
			return err
		}, "InvalidParameterException", "User is already confirmed."},
		{"ResendConfirmationCode unknown user", func() error {
			_, err := idp.ResendConfirmationCode(context.Background(), &cip.ResendConfirmationCodeInput{ClientId: &f.client, Username: aws.String("ghost")})
			return err
		}, "UserNotFoundException", "Username/client id combination not found."},
		{"ResendConfirmationCode without auto verification", func() error {
			_, err := idp.ResendConfirmationCode(context.Background(), &cip.ResendConfirmationCodeInput{ClientId: &f.quietClient, Username: aws.String("quietly")})
			return err
		}, "InvalidParameterException", "Cannot resend codes. Auto verification not turned on."},

		// AdminCreateUser
		{"AdminCreateUser username taken", func() error { return adminCreate(&cip.AdminCreateUserInput{Username: aws.String("confirmed")}) }, "UsernameExistsException", "User account already exists"},
		{"AdminCreateUser weak temporary password", func() error {
			return adminCreate(&cip.AdminCreateUserInput{Username: aws.String("x"), TemporaryPassword: aws.String("short")})
		}, "InvalidPasswordException", "Password did not conform with password policy: Password not long enough"},
		{"AdminCreateUser email invitation without email", func() error {
			return adminCreate(&cip.AdminCreateUserInput{Username: aws.String("x"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}})
		}, "InvalidParameterException", "No email provided but desired delivery medium was Email"},
		{"AdminCreateUser verified alias taken", func() error {
			return adminCreate(&cip.AdminCreateUserInput{Username: aws.String("x"), MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: uattrs("email", "confirmed@example.com", "email_verified", "true")})
		}, "AliasExistsException", "An account with the given email already exists."},
		{"AdminCreateUser RESEND to unknown user", func() error {
			return adminCreate(&cip.AdminCreateUserInput{Username: aws.String("ghost"), MessageAction: types.MessageActionTypeResend})
		}, "UserNotFoundException", "User does not exist."},
		{"AdminCreateUser RESEND to confirmed user", func() error {
			return adminCreate(&cip.AdminCreateUserInput{Username: aws.String("confirmed"), MessageAction: types.MessageActionTypeResend})
		}, "UnsupportedUserStateException", "Resend not possible. confirmed status is not FORCE_CHANGE_PASSWORD"},
		{"AdminCreateUser unknown pool", func() error {
			return adminCreate(&cip.AdminCreateUserInput{UserPoolId: aws.String("us-east-1_nosuchpool"), Username: aws.String("x")})
		}, "ResourceNotFoundException", "User pool us-east-1_nosuchpool does not exist."},

		// Administration of existing users
		{"AdminGetUser unknown user", func() error {
			_, err := idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &f.pool, Username: aws.String("ghost")})
			return err
		}, "UserNotFoundException", "User does not exist."},
		{"AdminConfirmSignUp confirmed user", func() error {
			_, err := idp.AdminConfirmSignUp(context.Background(), &cip.AdminConfirmSignUpInput{UserPoolId: &f.pool, Username: aws.String("confirmed")})
			return err
		}, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"},
		{"AdminDeleteUser unknown user", func() error {
			_, err := idp.AdminDeleteUser(context.Background(), &cip.AdminDeleteUserInput{UserPoolId: &f.pool, Username: aws.String("ghost")})
			return err
		}, "UserNotFoundException", "User does not exist."},
		{"AdminDisableUser unknown user", func() error {
			_, err := idp.AdminDisableUser(context.Background(), &cip.AdminDisableUserInput{UserPoolId: &f.pool, Username: aws.String("ghost")})
			return err
		}, "UserNotFoundException", "User does not exist."},
		{"AdminSetUserPassword weak password", func() error {
			_, err := idp.AdminSetUserPassword(context.Background(), &cip.AdminSetUserPasswordInput{UserPoolId: &f.pool, Username: aws.String("confirmed"), Password: aws.String("abcdefgh")})
			return err
		}, "InvalidPasswordException", "Password must have uppercase characters"},
		{"AdminResetUserPassword invited user", func() error { return resetByAdmin(f.pool, "fcp") }, "NotAuthorizedException", "User password cannot be reset in the current state."},
		{"AdminResetUserPassword nothing verified", func() error { return resetByAdmin(f.pool, "noemail") }, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number"},
		{"AdminResetUserPassword disabled user", func() error { return resetByAdmin(f.pool, "disabled") }, "NotAuthorizedException", "User is disabled."},
		{"AdminUpdateUserAttributes unknown attribute", func() error { return update("confirmed", "custom:nope", "1") }, "InvalidParameterException", "user.custom:nope: Attribute does not exist in the schema."},
		{"AdminUpdateUserAttributes immutable attribute", func() error { return update("confirmed", "custom:team", "blue") }, "InvalidParameterException", "user.custom:team: Attribute cannot be updated."},
		{"AdminUpdateUserAttributes required attribute removed", func() error { return update("confirmed", "name", "") }, "InvalidParameterException", "user.name: The attribute is required"},
		{"AdminUpdateUserAttributes sub", func() error { return update("confirmed", "sub", "x") }, "InvalidParameterException", "user.sub: Attribute cannot be updated."},
		{"AdminUpdateUserAttributes verified alias taken", func() error {
			return update("noemail", "email", "confirmed@example.com", "email_verified", "true")
		}, "AliasExistsException", "An account with the given email already exists."},
		{"AdminDeleteUserAttributes required attribute", func() error {
			_, err := idp.AdminDeleteUserAttributes(context.Background(), &cip.AdminDeleteUserAttributesInput{UserPoolId: &f.pool, Username: aws.String("confirmed"), UserAttributeNames: []string{"name"}})
			return err
		}, "InvalidParameterException", "user.name: The attribute is required"},
		{"AdminSetUserSettings email MFA option", func() error {
			_, err := idp.AdminSetUserSettings(context.Background(), &cip.AdminSetUserSettingsInput{UserPoolId: &f.pool, Username: aws.String("confirmed"),
				MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}})
			return err
		}, "InvalidParameterException", "MFAOptions"},

		// Recovery
		{"ForgotPassword unknown user", func() error { return forgot(f.client, "ghost") }, "UserNotFoundException", "Username/client id combination not found."},
		{"ForgotPassword nothing verified", func() error { return forgot(f.client, "noemail") }, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number"},
		{"ForgotPassword disabled user", func() error { return forgot(f.client, "disabled") }, "NotAuthorizedException", "User is disabled."},
		{"ForgotPassword invited user", func() error { return forgot(f.client, "fcp") }, "NotAuthorizedException", "User password cannot be reset in the current state."},
		{"ForgotPassword admin_only recovery", func() error { return forgot(f.recoveryClient, "locked") }, "InvalidParameterException", "Cannot reset password for the user"},
		{"ConfirmForgotPassword without a code requested", func() error {
			_, err := idp.ConfirmForgotPassword(context.Background(), &cip.ConfirmForgotPasswordInput{ClientId: &f.client, Username: aws.String("noemail"),
				ConfirmationCode: aws.String("123456"), Password: aws.String(userPassword + "x")})
			return err
		}, "ExpiredCodeException", "Invalid code provided, please request a code again."},
		{"ConfirmForgotPassword weak password", func() error {
			_, err := idp.ConfirmForgotPassword(context.Background(), &cip.ConfirmForgotPasswordInput{ClientId: &f.client, Username: aws.String("confirmed"),
				ConfirmationCode: aws.String("123456"), Password: aws.String("weak")})
			return err
		}, "InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
		{"ConfirmForgotPassword unknown user, hidden", func() error {
			_, err := idp.ConfirmForgotPassword(context.Background(), &cip.ConfirmForgotPasswordInput{ClientId: &f.hidingClient, Username: aws.String("ghost"),
				ConfirmationCode: aws.String("123456"), Password: aws.String(userPassword)})
			return err
		}, "CodeMismatchException", ""},

		// ListUsers
		{"ListUsers unparsable filter", func() error {
			_, err := idp.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: &f.pool, Filter: aws.String(`email = unquoted`)})
			return err
		}, "InvalidParameterException", "Error while parsing filter."},
		{"ListUsers custom attribute filter", func() error {
			_, err := idp.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: &f.pool, Filter: aws.String(`custom:team = "red"`)})
			return err
		}, "InvalidParameterException", "Invalid search attribute: custom:team"},
		{"ListUsers forged token", func() error {
			_, err := idp.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: &f.pool, PaginationToken: aws.String("forged")})
			return err
		}, "InvalidParameterException", "Invalid pagination token."},
		{"ListUsers unknown pool", func() error {
			_, err := idp.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: aws.String("us-east-1_nosuchpool")})
			return err
		}, "ResourceNotFoundException", "does not exist"},

		// Groups
		{"AdminAddUserToGroup unknown group", func() error {
			_, err := idp.AdminAddUserToGroup(context.Background(), &cip.AdminAddUserToGroupInput{UserPoolId: &f.pool, Username: aws.String("confirmed"), GroupName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Group not found."},
		{"AdminAddUserToGroup unknown user", func() error {
			_, err := idp.AdminAddUserToGroup(context.Background(), &cip.AdminAddUserToGroupInput{UserPoolId: &f.pool, Username: aws.String("ghost"), GroupName: aws.String("nope")})
			return err
		}, "UserNotFoundException", "User does not exist."},
		{"ListUsersInGroup unknown group", func() error {
			_, err := idp.ListUsersInGroup(context.Background(), &cip.ListUsersInGroupInput{UserPoolId: &f.pool, GroupName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "Group not found."},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code, tc.msg) })
	}
}

// wrongCode is a six-digit code other than code.
func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// Five wrong guesses exhaust a code: then even the right one is refused
// until a new code is sent.
func TestConfirmSignUpTooManyFailedAttempts(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail)
	clientID, _ := appClient(t, idp, poolID)
	_, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("u"), Password: aws.String(userPassword), UserAttributes: uattrs("email", "u@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	code := outboxMessage(t, c, poolID, "u@example.com").Code
	confirm := func(code string) error {
		_, err := idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("u"), ConfirmationCode: &code})
		return err
	}
	for range 5 {
		wantCognitoErr(t, confirm(wrongCode(code)), "CodeMismatchException", "")
	}
	wantCognitoErr(t, confirm(code), "TooManyFailedAttemptsException", "")
}
