package user

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

func testPool(edit func(*cognitoidp.UserPoolType)) *cognitoidp.UserPoolType {
	p := &cognitoidp.UserPoolType{Id: ptr("us-east-1_test")}
	if edit != nil {
		edit(p)
	}
	return p
}

func keyMap(ks []store.Key) map[string]store.Key {
	m := map[string]store.Key{}
	for _, k := range ks {
		m[k.Name] = k
	}
	return m
}

func TestKeysFollowThePoolsIdentityRules(t *testing.T) {
	u := &User{Sub: "s-1", Username: "Alice", Status: StatusConfirmed, Enabled: true, Attributes: map[string]string{
		"email": "Alice@Example.com", "phone_number": "+15551234567", "phone_number_verified": "true",
		"preferred_username": "Al", "given_name": "Alice",
	}}
	aliasPool := rulesOf(testPool(func(p *cognitoidp.UserPoolType) {
		p.AliasAttributes = []string{"email", "phone_number", "preferred_username"}
		p.UsernameConfiguration = &cognitoidp.UsernameConfigurationType{CaseSensitive: ptr(false)}
	}))
	ks := keyMap(aliasPool.keys(u))
	if k := ks["username"]; k.Value != "alice" || !k.Unique {
		t.Errorf("username key %+v: want folded, unique", k)
	}
	if _, ok := ks["alias:email"]; ok {
		t.Error("an unverified email is an alias")
	}
	if k := ks["alias:phone_number"]; k.Value != "+15551234567" || !k.Unique {
		t.Errorf("verified phone alias %+v", k)
	}
	if k := ks["alias:preferred_username"]; k.Value != "al" {
		t.Errorf("preferred_username alias %+v: needs no verification, folded", k)
	}
	if k := ks["f:email"]; k.Value != "alice@example.com" || k.Unique {
		t.Errorf("email search key %+v", k)
	}
	if k := ks["f:status"]; k.Value != "Enabled" {
		t.Errorf("status search key %+v", k)
	}

	u.Attributes["email_verified"] = "true"
	if _, ok := keyMap(aliasPool.keys(u))["alias:email"]; !ok {
		t.Error("a verified email is not an alias")
	}

	// A username-attributes pool: the email is a sign-in name whether
	// verified or not; case-sensitive by default.
	unPool := rulesOf(testPool(func(p *cognitoidp.UserPoolType) { p.UsernameAttributes = []string{"email"} }))
	u.Attributes["email_verified"] = "false"
	ks = keyMap(unPool.keys(u))
	if k := ks["alias:email"]; k.Value != "Alice@Example.com" {
		t.Errorf("username-attribute email key %+v", k)
	}
	if _, ok := ks["alias:phone_number"]; ok {
		t.Error("phone_number is a sign-in name of an email-only pool")
	}
}

func TestLongKeyValues(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes
	if v := uniqueValue(long); len(v) > uniqueKeyMax || v == uniqueValue(long+"x") {
		t.Fatalf("unique value of a long name: %q", v)
	}
	if uniqueValue(digestMark+"x") == digestMark+"x" {
		t.Fatal("a value looking like a digest is stored as is")
	}
	if v := indexValue(long); len(v) > indexKeyMax || !strings.HasPrefix(long, v) || len(v) < indexKeyMax-3 {
		t.Fatalf("index value cut badly: %d bytes", len(v))
	}
}

func TestNewUsername(t *testing.T) {
	emailOnly := rulesOf(testPool(func(p *cognitoidp.UserPoolType) { p.UsernameAttributes = []string{"email"} }))
	both := rulesOf(testPool(func(p *cognitoidp.UserPoolType) { p.UsernameAttributes = []string{"email", "phone_number"} }))
	alias := rulesOf(testPool(func(p *cognitoidp.UserPoolType) { p.AliasAttributes = []string{"email", "phone_number"} }))
	plain := rulesOf(testPool(nil))
	for _, tc := range []struct {
		name       string
		r          rules
		given      string
		wantUser   string
		wantAttr   string
		wantErrMsg string
	}{
		{"email username", emailOnly, "a@example.com", "SUB", "email", ""},
		{"not an email", emailOnly, "alice", "", "", "Username should be an email."},
		{"phone in a both pool", both, "+15551234567", "SUB", "phone_number", ""},
		{"neither", both, "alice", "", "", "Username should be either an email or a phone number."},
		{"email-shaped username in an alias pool", alias, "a@example.com", "", "", "Username cannot be of email format, since user pool is configured for email alias."},
		{"phone-shaped username in an alias pool", alias, "+15551234567", "", "", "Username cannot be of phone number format"},
		{"plain pool takes anything", plain, "a@example.com", "a@example.com", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := map[string]string{}
			got, err := tc.r.newUsername(tc.given, "SUB", a)
			if tc.wantErrMsg != "" {
				wantErr(t, err, errs.InvalidParameterException, tc.wantErrMsg)
				return
			}
			if err != nil || got != tc.wantUser {
				t.Fatalf("got %q, %v", got, err)
			}
			if tc.wantAttr != "" && a[tc.wantAttr] != tc.given {
				t.Fatalf("attribute %s not set from the username: %v", tc.wantAttr, a)
			}
		})
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct {
		ch       message.Channel
		to, want string
	}{
		{message.ChannelEmail, "alice@example.com", "a***@e***"},
		{message.ChannelEmail, "émile@ünï.de", "é***@ü***"},
		{message.ChannelSMS, "+12065551234", "+*******1234"},
		{message.ChannelSMS, "+123", "+123"},
	} {
		if got := mask(tc.ch, tc.to); got != tc.want {
			t.Errorf("mask(%s) = %q, want %q", tc.to, got, tc.want)
		}
	}
}

func TestSecretHash(t *testing.T) {
	m := hmac.New(sha256.New, []byte("secret"))
	m.Write([]byte("aliceclient"))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := SecretHash("secret", "alice", "client"); got != want {
		t.Fatalf("SecretHash = %s, want %s", got, want)
	}
	a := &app{client: &cognitoidp.UserPoolClientType{ClientId: ptr("client"), ClientSecret: ptr("secret")}, secrets: []string{"other", "secret"}}
	if err := a.checkSecretHash("alice", &want); err != nil {
		t.Fatal(err)
	}
	wantErr(t, a.checkSecretHash("alice", nil), errs.NotAuthorizedException, "Client client is configured with secret but SECRET_HASH was not received")
	wantErr(t, a.checkSecretHash("bob", &want), errs.NotAuthorizedException, "Unable to verify secret hash for client client")
	wantErr(t, a.checkSecretHash("alice", ptr("not base64!")), errs.NotAuthorizedException, "Unable to verify secret hash")
	public := &app{client: &cognitoidp.UserPoolClientType{ClientId: ptr("client")}}
	if err := public.checkSecretHash("alice", nil); err != nil {
		t.Fatalf("a client without a secret needs no hash: %v", err)
	}
}

func TestRecoveryContact(t *testing.T) {
	u := &User{Attributes: map[string]string{
		"email": "a@example.com", "email_verified": "true",
		"phone_number": "+15551234567", "phone_number_verified": "true",
	}}
	mech := func(names ...string) func(*cognitoidp.UserPoolType) {
		return func(p *cognitoidp.UserPoolType) {
			s := &cognitoidp.AccountRecoverySettingType{}
			for i, n := range names {
				s.RecoveryMechanisms = append(s.RecoveryMechanisms, cognitoidp.RecoveryOptionType{Name: ptr(n), Priority: ptr(int32(i + 1))})
			}
			slices.Reverse(s.RecoveryMechanisms) // priorities, not list order, decide
			p.AccountRecoverySetting = s
		}
	}
	for _, tc := range []struct {
		name   string
		pool   *cognitoidp.UserPoolType
		smsMFA bool
		want   string // attribute, "" for none
	}{
		{"legacy prefers the phone", testPool(nil), false, "phone_number"},
		{"legacy uses the phone even for SMS MFA", testPool(nil), true, "phone_number"},
		{"email first", testPool(mech("verified_email", "verified_phone_number")), false, "email"},
		{"phone first", testPool(mech("verified_phone_number", "verified_email")), false, "phone_number"},
		{"phone that is the MFA factor is skipped", testPool(mech("verified_phone_number", "verified_email")), true, "email"},
		{"admin only", testPool(mech("admin_only")), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u.MFA.Enabled = nil
			if tc.smsMFA {
				u.MFA.Enabled = []string{MFASMS}
			}
			c, ok := recoveryContact(tc.pool, u)
			if got := map[bool]string{true: c.attr}[ok]; got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	u.Attributes["email_verified"] = "false"
	u.Attributes["phone_number_verified"] = "false"
	if _, ok := recoveryContact(testPool(nil), u); ok {
		t.Fatal("unverified contacts recover")
	}
}
