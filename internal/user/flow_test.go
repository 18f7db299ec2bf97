package user

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

func verifiesEmail(in *cognitoidp.CreateUserPoolRequest) {
	in.AutoVerifiedAttributes = []string{"email"}
}

func (h *harness) signUp(c *cognitoidp.UserPoolClientType, name, email string) *cognitoidp.SignUpResponse {
	h.t.Helper()
	out, err := h.svc.SignUp(h.ctx, &cognitoidp.SignUpRequest{
		ClientId: c.ClientId, Username: &name, Password: ptr(goodPassword), UserAttributes: attrs("email", email),
	})
	if err != nil {
		h.t.Fatalf("SignUp %s: %v", name, err)
	}
	return out
}

func (h *harness) confirm(c *cognitoidp.UserPoolClientType, name, code string) error {
	_, err := h.svc.ConfirmSignUp(h.ctx, &cognitoidp.ConfirmSignUpRequest{ClientId: c.ClientId, Username: &name, ConfirmationCode: &code})
	return err
}

func TestSignUpCodeIsHashedSingleUseAndLimited(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(verifiesEmail)
	c := h.newClient(*p.Id, false)
	out := h.signUp(c, "alice", "alice@example.com")
	if d := out.CodeDeliveryDetails; d == nil || *d.Destination != "a***@e***" || *d.DeliveryMedium != "EMAIL" || *d.AttributeName != "email" {
		t.Fatalf("delivery details %+v", d)
	}
	code := h.sent.last(t, "alice@example.com").Code
	if len(code) != 6 {
		t.Fatalf("code %q", code)
	}
	err := h.svc.Store.Read(h.ctx, func(tx store.Tx) error {
		rec, err := tx.Get(h.ctx, Kind, *out.UserSub)
		if err == nil && strings.Contains(string(rec.Data), code) {
			t.Error("the code is stored in clear")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	for i := range maxCodeAttempts {
		wantErr(t, h.confirm(c, "alice", wrong), errs.CodeMismatchException, "Invalid verification code provided, please try again.")
		if n := h.user(p, "alice").Codes[CodeSignUp].Attempts; n != i+1 {
			t.Fatalf("attempt %d recorded as %d", i+1, n)
		}
	}
	// The right code no longer helps: a new one must be requested.
	wantErr(t, h.confirm(c, "alice", code), errs.TooManyFailedAttemptsException, "")
	if _, err := h.svc.ResendConfirmationCode(h.ctx, &cognitoidp.ResendConfirmationCodeRequest{ClientId: c.ClientId, Username: ptr("alice")}); err != nil {
		t.Fatal(err)
	}
	code = h.sent.last(t, "alice@example.com").Code
	if err := h.confirm(c, "alice", code); err != nil {
		t.Fatal(err)
	}
	u := h.user(p, "alice")
	if u.Status != StatusConfirmed || u.Attributes["email_verified"] != "true" || len(u.Codes) != 0 {
		t.Fatalf("after confirmation: %s %v codes %v", u.Status, u.Attributes, u.Codes)
	}
	wantErr(t, h.confirm(c, "alice", code), errs.NotAuthorizedException, "User cannot be confirmed. Current status is CONFIRMED")
}

func TestSignUpCodeExpiresAfter24Hours(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(verifiesEmail)
	c := h.newClient(*p.Id, false)
	h.signUp(c, "bob", "bob@example.com")
	code := h.sent.last(t, "bob@example.com").Code
	h.clock.Advance(24 * time.Hour)
	wantErr(t, h.confirm(c, "bob", code), errs.ExpiredCodeException, "Invalid code provided, please request a code again.")
}

// A code proves the address it was sent to, not whatever the user has
// since: after an administrator changes the email, the old code confirms
// the account but verifies nothing.
func TestCodeVerifiesOnlyItsDestination(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(verifiesEmail)
	c := h.newClient(*p.Id, false)
	h.signUp(c, "carol", "carol@example.com")
	code := h.sent.last(t, "carol@example.com").Code
	_, err := h.svc.AdminUpdateUserAttributes(h.ctx, &cognitoidp.AdminUpdateUserAttributesRequest{
		UserPoolId: p.Id, Username: ptr("carol"), UserAttributes: attrs("email", "other@example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.confirm(c, "carol", code); err != nil {
		t.Fatal(err)
	}
	if u := h.user(p, "carol"); u.Verified("email") {
		t.Fatalf("the new address was verified by a code sent to the old one: %v", u.Attributes)
	}
}

func TestDeliveryFailureLeavesNothingBehind(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(verifiesEmail)
	c := h.newClient(*p.Id, false)
	h.sent.fail = errors.New("smtp: connection refused")
	_, err := h.svc.SignUp(h.ctx, &cognitoidp.SignUpRequest{
		ClientId: c.ClientId, Username: ptr("dave"), Password: ptr(goodPassword), UserAttributes: attrs("email", "dave@example.com"),
	})
	wantErr(t, err, errs.CodeDeliveryFailureException, "Invalid email provided/Unable to send the email")
	_, err = h.svc.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{
		UserPoolId: p.Id, Username: ptr("erin"), UserAttributes: attrs("phone_number", "+15551234567"),
	})
	wantErr(t, err, errs.CodeDeliveryFailureException, "Unable to send the SMS")
	err = h.svc.Store.Read(h.ctx, func(tx store.Tx) error {
		n, err := tx.Count(h.ctx, store.Query{Kind: Kind, Scope: *p.Id})
		if n != 0 {
			t.Errorf("%d users stored after failed deliveries", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing half-made blocks a retry.
	h.sent.fail = nil
	h.signUp(c, "dave", "dave@example.com")
}

func TestPendingEmailChangeKeepsTheVerifiedValue(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(func(in *cognitoidp.CreateUserPoolRequest) {
		in.AutoVerifiedAttributes = []string{"email"}
		in.AliasAttributes = []string{"email"}
		in.UserAttributeUpdateSettings = &cognitoidp.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []string{"email"}}
	})
	_, err := h.svc.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{
		UserPoolId: p.Id, Username: ptr("frank"), MessageAction: ptr("SUPPRESS"),
		UserAttributes: attrs("email", "old@example.com", "email_verified", "true"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.svc.AdminUpdateUserAttributes(h.ctx, &cognitoidp.AdminUpdateUserAttributesRequest{
		UserPoolId: p.Id, Username: ptr("frank"), UserAttributes: attrs("email", "new@example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	u := h.user(p, "old@example.com") // still the alias
	if u.Attributes["email"] != "old@example.com" || !u.Verified("email") || u.Pending["email"] != "new@example.com" {
		t.Fatalf("after the update: %v pending %v", u.Attributes, u.Pending)
	}
	code := h.sent.last(t, "new@example.com").Code
	wantErr(t, h.svc.VerifyAttribute(h.ctx, *p.Id, u.Sub, "email", "bad"), errs.CodeMismatchException, "")
	if err := h.svc.VerifyAttribute(h.ctx, *p.Id, u.Sub, "email", code); err != nil {
		t.Fatal(err)
	}
	u = h.user(p, "new@example.com")
	if u.Attributes["email"] != "new@example.com" || !u.Verified("email") || len(u.Pending) != 0 {
		t.Fatalf("after verification: %v pending %v", u.Attributes, u.Pending)
	}
}

func TestTemporaryPasswordExpiry(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(func(in *cognitoidp.CreateUserPoolRequest) {
		in.Policies = &cognitoidp.UserPoolPolicyType{PasswordPolicy: &cognitoidp.PasswordPolicyType{MinimumLength: ptr(int32(8)), TemporaryPasswordValidityDays: ptr(int32(2))}}
	})
	_, err := h.svc.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{UserPoolId: p.Id, Username: ptr("gina"), MessageAction: ptr("SUPPRESS")})
	if err != nil {
		t.Fatal(err)
	}
	u := h.user(p, "gina")
	if u.TemporaryPasswordExpired(p, h.clock.Now().Add(47*time.Hour)) {
		t.Fatal("expired before its two days")
	}
	if !u.TemporaryPasswordExpired(p, h.clock.Now().Add(48*time.Hour)) {
		t.Fatal("valid after its two days")
	}
	u.Password.Temporary = false
	if u.TemporaryPasswordExpired(p, h.clock.Now().Add(1000*time.Hour)) {
		t.Fatal("a permanent password expired")
	}
}

func TestPasswordHistory(t *testing.T) {
	h := newHarness(t)
	p := h.newPool(func(in *cognitoidp.CreateUserPoolRequest) {
		in.Policies = &cognitoidp.UserPoolPolicyType{PasswordPolicy: &cognitoidp.PasswordPolicyType{MinimumLength: ptr(int32(8)), PasswordHistorySize: ptr(int32(2))}}
	})
	_, err := h.svc.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{UserPoolId: p.Id, Username: ptr("hal"), MessageAction: ptr("SUPPRESS")})
	if err != nil {
		t.Fatal(err)
	}
	set := func(pw string) error {
		_, err := h.svc.AdminSetUserPassword(h.ctx, &cognitoidp.AdminSetUserPasswordRequest{UserPoolId: p.Id, Username: ptr("hal"), Password: &pw, Permanent: ptr(true)})
		return err
	}
	for _, pw := range []string{"first-pw", "second-pw", "third-pw"} {
		if err := set(pw); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, set("third-pw"), errs.PasswordHistoryPolicyViolationException, "")
	wantErr(t, set("second-pw"), errs.PasswordHistoryPolicyViolationException, "")
	if err := set("first-pw"); err != nil {
		t.Fatalf("a password older than the history refused: %v", err)
	}
	if u := h.user(p, "hal"); u.Status != StatusConfirmed || u.Password.Temporary {
		t.Fatalf("permanent password: %s temporary=%v", u.Status, u.Password.Temporary)
	}
}

// Values longer than a search key are found by their full value.
func TestListUsersMatchesLongValues(t *testing.T) {
	h := newHarness(t)
	p := h.newPool()
	long := strings.Repeat("ü", 400)
	for i, name := range []string{long + "a", long + "b", "short"} {
		_, err := h.svc.AdminCreateUser(h.ctx, &cognitoidp.AdminCreateUserRequest{
			UserPoolId: p.Id, Username: ptr("u" + string(rune('0'+i))), MessageAction: ptr("SUPPRESS"),
			UserAttributes: attrs("name", name),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	count := func(filter string, limit int32) int {
		t.Helper()
		n := 0
		var token *string
		for {
			out, err := h.svc.ListUsers(h.ctx, &cognitoidp.ListUsersRequest{UserPoolId: p.Id, Filter: &filter, Limit: &limit, PaginationToken: token})
			if err != nil {
				t.Fatal(err)
			}
			n += len(out.Users)
			if token = out.PaginationToken; token == nil {
				return n
			}
		}
	}
	for _, tc := range []struct {
		filter string
		want   int
	}{
		{`name = "` + long + `a"`, 1},
		{`name = "` + long + `"`, 0},
		{`name ^= "` + long + `"`, 2},
		{`name ^= "` + long + `b"`, 1},
		{`name ^= "sh"`, 1},
		{`name ^= ""`, 3},
	} {
		for _, limit := range []int32{1, 60} {
			if got := count(tc.filter, limit); got != tc.want {
				t.Errorf("%.40s… (limit %d): %d users, want %d", tc.filter, limit, got, tc.want)
			}
		}
	}
}
