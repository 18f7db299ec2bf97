package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/delivery/smswebhook"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

const userPassword = "Corr3ct-Horse!"

// appClient creates an app client and returns its id and secret ("" for
// a public client).
func appClient(t *testing.T, idp *cip.Client, poolID string, opts ...func(*cip.CreateUserPoolClientInput)) (id, secret string) {
	t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app")}
	for _, o := range opts {
		o(in)
	}
	out, err := idp.CreateUserPoolClient(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPoolClient.ClientId, aws.ToString(out.UserPoolClient.ClientSecret)
}

func withSecret(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true }

func hidingUsers(in *cip.CreateUserPoolClientInput) {
	in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
}

func verifyingEmail(in *cip.CreateUserPoolInput) {
	in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
}

func emailAlias(in *cip.CreateUserPoolInput) {
	in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
}

func smsPool(in *cip.CreateUserPoolInput) {
	in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber}
	in.SmsConfiguration = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/cognito-sms")}
}

func uattrs(kv ...string) []types.AttributeType {
	var out []types.AttributeType
	for i := 0; i < len(kv); i += 2 {
		out = append(out, types.AttributeType{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func attrOf(as []types.AttributeType, name string) string {
	for _, a := range as {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

// outboxMessage is the newest message of a pool to a recipient.
func outboxMessage(t *testing.T, c *cirrotest.Server, poolID, to string) message.Message {
	t.Helper()
	msgs, err := c.Internal().Outbox.Recent(context.Background(), poolID, to, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 {
		t.Fatalf("no message to %s in the outbox", to)
	}
	return msgs[0]
}

func adminGet(t *testing.T, idp *cip.Client, poolID, name string) *cip.AdminGetUserOutput {
	t.Helper()
	out, err := idp.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// The full journey by email: SignUp, the code arrives at a real SMTP
// server, ConfirmSignUp with it, the user is CONFIRMED and the address
// verified.
func TestSignUpJourneyByEmail(t *testing.T) {
	mail := startMailServer(t)
	c := cirrotest.Start(t, cirrotest.WithConfig(mail.configure))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail, func(in *cip.CreateUserPoolInput) {
		in.EmailConfiguration = &types.EmailConfigurationType{From: aws.String("Example <no-reply@example.com>")}
		in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{
			EmailSubject: aws.String("Welcome"), EmailMessage: aws.String("Hello {username}, your code is {####}."),
		}
	})
	clientID, _ := appClient(t, idp, poolID)

	out, err := idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: &clientID, Username: aws.String("alice"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "alice@example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.UserConfirmed || aws.ToString(out.UserSub) == "" {
		t.Fatalf("SignUp: confirmed=%v sub=%q", out.UserConfirmed, aws.ToString(out.UserSub))
	}
	d := out.CodeDeliveryDetails
	if d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.Destination) != "a***@e***" || aws.ToString(d.AttributeName) != "email" {
		t.Fatalf("CodeDeliveryDetails %+v", d)
	}
	m := mail.only(t, "alice@example.com")
	if m.From != "no-reply@example.com" || m.Subject != "Welcome" {
		t.Fatalf("envelope from %q, subject %q", m.From, m.Subject)
	}
	code := sixDigits.FindString(m.Text)
	if !strings.Contains(m.Text, "Hello alice, your code is "+code+".") {
		t.Fatalf("email text %q", m.Text)
	}
	if adminGet(t, idp, poolID, "alice").UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatal("not UNCONFIRMED before confirmation")
	}
	if _, err := idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("alice"), ConfirmationCode: &code}); err != nil {
		t.Fatal(err)
	}
	got := adminGet(t, idp, poolID, "alice")
	if got.UserStatus != types.UserStatusTypeConfirmed || attrOf(got.UserAttributes, "email_verified") != "true" || attrOf(got.UserAttributes, "sub") != *out.UserSub {
		t.Fatalf("after ConfirmSignUp: %s %v", got.UserStatus, got.UserAttributes)
	}
}

// smsReceiver is an SMS webhook that keeps what it is sent.
type smsReceiver struct {
	*httptest.Server
	mu   sync.Mutex
	msgs []smswebhook.Payload
}

func startSMSReceiver(t *testing.T) *smsReceiver {
	r := &smsReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var p smswebhook.Payload
		if err := json.NewDecoder(req.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.msgs = append(r.msgs, p)
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *smsReceiver) configure(c *config.Config) {
	c.Delivery.SMSWebhook = &smswebhook.Config{URL: r.URL}
}

func (r *smsReceiver) only(t *testing.T, to string) smswebhook.Payload {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var got []smswebhook.Payload
	for _, m := range r.msgs {
		if m.To == to {
			got = append(got, m)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d SMS to %s, want 1", len(got), to)
	}
	return got[0]
}

// The same journey by SMS, through the webhook.
func TestSignUpJourneyBySMS(t *testing.T) {
	sms := startSMSReceiver(t)
	c := cirrotest.Start(t, cirrotest.WithConfig(sms.configure))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, smsPool)
	clientID, secret := appClient(t, idp, poolID, withSecret)

	out, err := idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: &clientID, Username: aws.String("bob"), Password: aws.String(userPassword),
		SecretHash:     aws.String(user.SecretHash(secret, "bob", clientID)),
		UserAttributes: uattrs("phone_number", "+12065551234", "email", "bob@example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeSms || aws.ToString(d.Destination) != "+*******1234" {
		t.Fatalf("CodeDeliveryDetails %+v", d)
	}
	m := sms.only(t, "+12065551234")
	if m.Pool != poolID || m.User != "bob" || m.Kind != message.KindVerification {
		t.Fatalf("webhook payload %+v", m)
	}
	code := sixDigits.FindString(m.Body)
	_, err = idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: &clientID, Username: aws.String("bob"), ConfirmationCode: &code,
		SecretHash: aws.String(user.SecretHash(secret, "bob", clientID)),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := adminGet(t, idp, poolID, "bob")
	if got.UserStatus != types.UserStatusTypeConfirmed || attrOf(got.UserAttributes, "phone_number_verified") != "true" || attrOf(got.UserAttributes, "email_verified") == "true" {
		t.Fatalf("after ConfirmSignUp: %s %v", got.UserStatus, got.UserAttributes)
	}
}

var confirmLinkRE = regexp.MustCompile(`https?://[^\s<>"]+/confirmUser\?[^\s<>"]+`)

// The same journey with CONFIRM_WITH_LINK: the email's link, followed
// over HTTP, confirms the user.
func TestSignUpJourneyByLink(t *testing.T) {
	mail := startMailServer(t)
	c := cirrotest.Start(t, cirrotest.WithConfig(mail.configure))
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail, func(in *cip.CreateUserPoolInput) {
		in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink}
	})
	clientID, _ := appClient(t, idp, poolID)
	_, err := idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: &clientID, Username: aws.String("carol"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "carol@example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := mail.only(t, "carol@example.com")
	link := confirmLinkRE.FindString(m.Text)
	if link == "" || !strings.HasPrefix(link, c.URL+"/confirmUser?") || !strings.Contains(m.HTML, `<a href="`) {
		t.Fatalf("no confirmation link in %q / %q", m.Text, m.HTML)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "confirmed") {
		t.Fatalf("following the link: %d %s", resp.StatusCode, body)
	}
	got := adminGet(t, idp, poolID, "carol")
	if got.UserStatus != types.UserStatusTypeConfirmed || attrOf(got.UserAttributes, "email_verified") != "true" {
		t.Fatalf("after the link: %s %v", got.UserStatus, got.UserAttributes)
	}
	// The link is single use.
	resp, err = http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("following the link again: %d", resp.StatusCode)
	}
}

// AdminCreateUser invites by email with a temporary password that meets
// the pool's policy; the user is FORCE_CHANGE_PASSWORD. RESEND sends a
// new password, SUPPRESS sends nothing.
func TestAdminCreateUserInvitation(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	policy := &types.PasswordPolicyType{MinimumLength: aws.Int32(16), RequireNumbers: true, RequireSymbols: true, RequireUppercase: true, RequireLowercase: true}
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.Policies = &types.UserPoolPolicyType{PasswordPolicy: policy}
		in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{
			EmailSubject: aws.String("Join us"), EmailMessage: aws.String("Sign in as {username} with {####}"),
		}}
	})
	out, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: aws.String("dave"),
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
		UserAttributes:         uattrs("email", "dave@example.com", "given_name", "Dave"),
	})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if aws.ToString(u.Username) != "dave" || u.UserStatus != types.UserStatusTypeForceChangePassword || !u.Enabled ||
		attrOf(u.Attributes, "given_name") != "Dave" || attrOf(u.Attributes, "sub") == "" || u.UserCreateDate == nil {
		t.Fatalf("created user %+v", u)
	}
	m := outboxMessage(t, c, poolID, "dave@example.com")
	pol := password.Policy{MinimumLength: 16, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}
	if err := password.Check(pol, m.Code); err != nil || m.Subject != "Join us" || m.Body != "Sign in as dave with "+m.Code {
		t.Fatalf("invitation %q / %q: %v", m.Subject, m.Body, err)
	}

	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: aws.String("dave"), MessageAction: types.MessageActionTypeResend,
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
	})
	if err != nil {
		t.Fatal(err)
	}
	if again := outboxMessage(t, c, poolID, "dave@example.com"); again.Code == m.Code {
		t.Fatal("RESEND sent the same temporary password")
	}

	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: aws.String("erin"), MessageAction: types.MessageActionTypeSuppress,
		TemporaryPassword: aws.String("Given-Temp0rary!"), UserAttributes: uattrs("email", "erin@example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if msgs, _ := c.Internal().Outbox.Recent(ctx, poolID, "erin@example.com", 1); len(msgs) != 0 {
		t.Fatal("SUPPRESS sent an invitation")
	}
}

// A failed delivery creates nothing: the SMTP server is gone.
func TestDeliveryFailureCreatesNoUser(t *testing.T) {
	mail := startMailServer(t)
	c := cirrotest.Start(t, cirrotest.WithConfig(mail.configure))
	mail.close()
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail)
	clientID, _ := appClient(t, idp, poolID)
	_, err := idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: &clientID, Username: aws.String("frank"), Password: aws.String(userPassword),
		UserAttributes: uattrs("email", "frank@example.com"),
	})
	wantCognitoErr(t, err, "CodeDeliveryFailureException", "Unable to send the email")
	_, err = idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: aws.String("gina"), UserAttributes: uattrs("email", "gina@example.com"),
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
	})
	wantCognitoErr(t, err, "CodeDeliveryFailureException", "Unable to send the email")
	if n := countScoped(t, c, user.Kind, poolID); n != 0 {
		t.Fatalf("%d users stored after failed deliveries", n)
	}
}

// Password recovery end to end: ForgotPassword by the pool's recovery
// setting, ConfirmForgotPassword with the code; AdminResetUserPassword
// puts the user in RESET_REQUIRED until then.
func TestPasswordRecovery(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
		}}
	})
	clientID, _ := appClient(t, idp, poolID)
	createConfirmed(t, idp, poolID, "hal", "hal@example.com")

	fp, err := idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("hal")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(fp.CodeDeliveryDetails.Destination) != "h***@e***" {
		t.Fatalf("CodeDeliveryDetails %+v", fp.CodeDeliveryDetails)
	}
	code := outboxMessage(t, c, poolID, "hal@example.com").Code
	_, err = idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: &clientID, Username: aws.String("hal"), ConfirmationCode: &code, Password: aws.String("N3w-password!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: &clientID, Username: aws.String("hal"), ConfirmationCode: &code, Password: aws.String("N3w-password!"),
	})
	wantCognitoErr(t, err, "ExpiredCodeException", "") // single use

	if _, err := idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("hal")}); err != nil {
		t.Fatal(err)
	}
	if s := adminGet(t, idp, poolID, "hal").UserStatus; s != types.UserStatusTypeResetRequired {
		t.Fatalf("after AdminResetUserPassword: %s", s)
	}
	code = outboxMessage(t, c, poolID, "hal@example.com").Code
	_, err = idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: &clientID, Username: aws.String("hal@example.com"), ConfirmationCode: &code, Password: aws.String("An0ther-password!"),
	})
	if err == nil {
		t.Fatal("an email that is no alias named the user")
	}
	_, err = idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: &clientID, Username: aws.String("hal"), ConfirmationCode: &code, Password: aws.String("An0ther-password!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := adminGet(t, idp, poolID, "hal").UserStatus; s != types.UserStatusTypeConfirmed {
		t.Fatalf("after ConfirmForgotPassword: %s", s)
	}
}

// createConfirmed creates a CONFIRMED user with a verified email.
func createConfirmed(t *testing.T, idp *cip.Client, poolID, name, email string, more ...string) {
	t.Helper()
	ctx := context.Background()
	_, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: uattrs(append([]string{"email", email, "email_verified", "true"}, more...)...),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String(userPassword), Permanent: true})
	if err != nil {
		t.Fatal(err)
	}
}

// Administrators manage a user's lifecycle: disable (revoking its
// tokens), enable, attributes, legacy MFA settings, deletion.
func TestAdminLifecycle(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp)
	createConfirmed(t, idp, poolID, "ivy", "ivy@example.com", "phone_number", "+15550001111")

	if _, err := idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: aws.String("ivy")}); err != nil {
		t.Fatal(err)
	}
	if adminGet(t, idp, poolID, "ivy").Enabled {
		t.Fatal("still enabled")
	}
	if rec := rawUser(t, c, poolID, "ivy"); rec.TokensValidAfter.IsZero() {
		t.Fatal("disabling revoked no tokens")
	}
	if _, err := idp.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: &poolID, Username: aws.String("ivy")}); err != nil {
		t.Fatal(err)
	}
	_, err := idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
		UserPoolId: &poolID, Username: aws.String("ivy"), UserAttributes: uattrs("given_name", "Ivy", "email", "ivy@example.org"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = idp.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &poolID, Username: aws.String("ivy"),
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}})
	if err != nil {
		t.Fatal(err)
	}
	got := adminGet(t, idp, poolID, "ivy")
	if !got.Enabled || attrOf(got.UserAttributes, "given_name") != "Ivy" || attrOf(got.UserAttributes, "email") != "ivy@example.org" ||
		attrOf(got.UserAttributes, "email_verified") != "false" || len(got.MFAOptions) != 1 || len(got.UserMFASettingList) != 1 {
		t.Fatalf("after updates: %+v", got)
	}
	_, err = idp.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: &poolID, Username: aws.String("ivy"), UserAttributeNames: []string{"given_name", "email"}})
	if err != nil {
		t.Fatal(err)
	}
	got = adminGet(t, idp, poolID, "ivy")
	if attrOf(got.UserAttributes, "given_name") != "" || attrOf(got.UserAttributes, "email") != "" || attrOf(got.UserAttributes, "email_verified") != "" {
		t.Fatalf("after deleting attributes: %v", got.UserAttributes)
	}
	if _, err := idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: aws.String("ivy")}); err != nil {
		t.Fatal(err)
	}
	_, err = idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("ivy")})
	wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")
	// The username is free again.
	createConfirmed(t, idp, poolID, "ivy", "ivy@example.com")
}

// rawUser reads a user's stored record.
func rawUser(t *testing.T, c *cirrotest.Server, poolID, name string) *user.User {
	t.Helper()
	ctx := context.Background()
	pools, users := c.Internal().API.Pools, c.Internal().API.Users
	var u *user.User
	err := c.Internal().Store.Read(ctx, func(tx store.Tx) error {
		p, _, err := pools.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		u, _, err = users.FindForSignIn(ctx, tx, p, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// With PreventUserExistenceErrors, recovery and resend answer for an
// unknown user as for a real one: a simulated, stable destination.
func TestPreventUserExistenceErrors(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	poolID := newFamilyPool(t, idp, verifyingEmail)
	clientID, _ := appClient(t, idp, poolID, hidingUsers)
	forgot := func(name string) *types.CodeDeliveryDetailsType {
		t.Helper()
		out, err := idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name})
		if err != nil {
			t.Fatalf("ForgotPassword %s: %v", name, err)
		}
		return out.CodeDeliveryDetails
	}
	if d := forgot("ghost@example.com"); aws.ToString(d.Destination) != "g***@e***" || d.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("simulated details for an address: %+v", d)
	}
	first, second := forgot("ghost"), forgot("ghost")
	if aws.ToString(first.Destination) == "" || aws.ToString(first.Destination) != aws.ToString(second.Destination) {
		t.Fatalf("simulated destinations differ: %+v %+v", first, second)
	}
	out, err := idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("ghost")})
	if err != nil || out.CodeDeliveryDetails == nil {
		t.Fatalf("ResendConfirmationCode: %+v %v", out, err)
	}
	// A real user without a verified address gets the same kind of answer.
	createConfirmed(t, idp, poolID, "real", "real@example.com")
	_, err = idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("real"),
		UserAttributes: uattrs("email_verified", "false")})
	if err != nil {
		t.Fatal(err)
	}
	if d := forgot("real"); d == nil {
		t.Fatal("no details for a user without a recovery address")
	}
	if msgs, _ := c.Internal().Outbox.Recent(ctx, poolID, "", 10); len(msgs) != 0 {
		t.Fatalf("%d messages sent for simulated answers", len(msgs))
	}
}
