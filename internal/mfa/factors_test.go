package mfa

import (
	"context"
	"slices"
	"testing"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/user"
)

func cfg(mode string, on ...string) *config {
	return &config{pool: &cognitoidp.UserPoolType{}, mode: mode, on: on}
}

// person builds a user with the given factors set up: "totp" an
// authenticator, "phone"/"email" a verified phone number/address, and
// "phone?" an unverified one.
func person(enabled []string, preferred string, has ...string) *user.User {
	u := &user.User{Attributes: map[string]string{}, MFA: user.MFA{Enabled: enabled, Preferred: preferred}}
	for _, h := range has {
		switch h {
		case "totp":
			u.MFA.TOTPSecret = []byte("sealed")
		case "phone":
			u.Attributes["phone_number"], u.Attributes["phone_number_verified"] = "+15555550100", "true"
		case "phone?":
			u.Attributes["phone_number"] = "+15555550100"
		case "email":
			u.Attributes["email"], u.Attributes["email_verified"] = "a@example.com", "true"
		}
	}
	return u
}

func TestDecide(t *testing.T) {
	const (
		off, on, optional = cognitoidp.UserPoolMfaTypeOff, cognitoidp.UserPoolMfaTypeOn, cognitoidp.UserPoolMfaTypeOptional
		setup, choose     = cognitoidp.ChallengeNameTypeMfaSetup, cognitoidp.ChallengeNameTypeSelectMfaType
	)
	for _, tc := range []struct {
		name      string
		c         *config
		u         *user.User
		challenge string
		offer     []string
	}{
		{"off asks nothing", cfg(off, SMS, TOTP), person([]string{TOTP}, TOTP, "totp"), "", nil},
		{"optional without factors asks nothing", cfg(optional, SMS, TOTP), person(nil, "", "totp", "phone"), "", nil},
		{"optional with one factor on", cfg(optional, SMS, TOTP), person([]string{SMS}, "", "totp", "phone"), SMS, nil},
		{"optional: a factor the pool dropped", cfg(optional, TOTP), person([]string{SMS}, SMS, "phone"), "", nil},
		{"optional: SMS needs a verified phone", cfg(optional, SMS), person([]string{SMS}, SMS, "phone?"), "", nil},
		{"optional: two on, none preferred", cfg(optional, SMS, TOTP, Email), person([]string{TOTP, SMS}, "", "totp", "phone"), choose, []string{SMS, TOTP}},
		{"optional: two on, one preferred", cfg(optional, SMS, TOTP), person([]string{TOTP, SMS}, TOTP, "totp", "phone"), TOTP, nil},
		{"optional: preferred factor gone", cfg(optional, SMS, TOTP), person([]string{TOTP, SMS}, TOTP, "phone"), SMS, nil},
		{"on: nothing set up", cfg(on, SMS, TOTP), person(nil, "", "phone?"), setup, []string{SMS, TOTP}},
		{"on: every factor the user can receive counts", cfg(on, SMS, TOTP), person(nil, "", "phone"), SMS, nil},
		{"on: several, none preferred", cfg(on, SMS, TOTP, Email), person(nil, "", "totp", "phone", "email"), choose, []string{SMS, TOTP, Email}},
		{"on: preferred wins", cfg(on, SMS, TOTP, Email), person(nil, Email, "totp", "phone", "email"), Email, nil},
		{"on: email only with a verified address", cfg(on, Email), person(nil, "", "phone"), setup, []string{Email}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			challenge, offer := tc.c.decide(tc.u)
			if challenge != tc.challenge || !slices.Equal(offer, tc.offer) {
				t.Fatalf("decide = %q %v, want %q %v", challenge, offer, tc.challenge, tc.offer)
			}
		})
	}
}

func TestConfigOf(t *testing.T) {
	c := configOf(&cognitoidp.UserPoolType{}, &cognitoidp.GetUserPoolMfaConfigResponse{
		MfaConfiguration:              ptr(cognitoidp.UserPoolMfaTypeOptional),
		SoftwareTokenMfaConfiguration: &cognitoidp.SoftwareTokenMfaConfigType{Enabled: ptr(true)},
		EmailMfaConfiguration:         &cognitoidp.EmailMfaConfigType{},
		SmsMfaConfiguration:           &cognitoidp.SmsMfaConfigType{},
	})
	if c.mode != cognitoidp.UserPoolMfaTypeOptional || !slices.Equal(c.on, []string{SMS, TOTP, Email}) {
		t.Fatalf("config %+v", c)
	}
	if c := configOf(&cognitoidp.UserPoolType{}, &cognitoidp.GetUserPoolMfaConfigResponse{
		SoftwareTokenMfaConfiguration: &cognitoidp.SoftwareTokenMfaConfigType{Enabled: ptr(false)},
	}); c.mode != cognitoidp.UserPoolMfaTypeOff || len(c.on) != 0 {
		t.Fatalf("config %+v", c)
	}
}

func TestPrefer(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	pool := cfg(cognitoidp.UserPoolMfaTypeOptional, SMS, TOTP)
	for _, tc := range []struct {
		name      string
		u         *user.User
		in        []setting
		err       error
		enabled   []string
		preferred string
	}{
		{"turn on and prefer", person(nil, "", "totp"), []setting{{TOTP, yes, yes}}, nil, []string{TOTP}, TOTP},
		{"preferring turns on", person(nil, "", "totp"), []setting{{TOTP, nil, yes}}, nil, []string{TOTP}, TOTP},
		{"absent members are false", person([]string{SMS, TOTP}, SMS, "totp", "phone"), []setting{{SMS, nil, nil}}, nil, []string{TOTP}, ""},
		{"unmarking keeps it on", person([]string{TOTP}, TOTP, "totp"), []setting{{TOTP, yes, no}}, nil, []string{TOTP}, ""},
		{"moving the preference", person([]string{SMS, TOTP}, SMS, "totp", "phone"), []setting{{TOTP, yes, yes}}, nil, []string{SMS, TOTP}, TOTP},
		{"order is Cognito's", person([]string{TOTP}, "", "totp", "phone"), []setting{{SMS, yes, nil}}, nil, []string{SMS, TOTP}, ""},
		{"no authenticator", person(nil, "", "phone"), []setting{{TOTP, yes, nil}}, errNoDelivery(TOTP), nil, ""},
		{"unverified phone", person(nil, "", "phone?"), []setting{{SMS, yes, nil}}, errNoDelivery(SMS), nil, ""},
		{"factor off in the pool", person(nil, "", "email"), []setting{{Email, yes, nil}}, errFactorOff(Email), nil, ""},
		{"two preferred", person(nil, "", "totp", "phone"), []setting{{SMS, yes, yes}, {TOTP, yes, yes}}, errTwoPreferred, nil, ""},
		{"preferred but off", person(nil, "", "totp"), []setting{{TOTP, no, yes}}, errPreferOff, nil, ""},
		{"a refusal keeps everything", person([]string{SMS}, SMS, "phone"), []setting{{SMS, no, no}, {TOTP, yes, nil}}, errNoDelivery(TOTP), []string{SMS}, SMS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := prefer(pool, tc.u, tc.in)
			if tc.err != nil {
				if err == nil || err.Error() != tc.err.Error() {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tc.u.MFA.Enabled, tc.enabled) || tc.u.MFA.Preferred != tc.preferred {
				t.Fatalf("enabled %v preferred %q, want %v %q", tc.u.MFA.Enabled, tc.u.MFA.Preferred, tc.enabled, tc.preferred)
			}
		})
	}
}

// No MFA is asked where it is settled, or of a custom sign-in that proved
// no password; after an SRP password within a custom flow it is.
func TestStepSkips(t *testing.T) {
	u := person([]string{TOTP}, TOTP, "totp")
	for _, tc := range []struct {
		name   string
		r      *auth.Request
		passed []string
	}{
		{"custom flow, no challenge", &auth.Request{Name: cognitoidp.AuthFlowTypeCustomAuth}, nil},
		{"custom challenge", &auth.Request{Name: cognitoidp.ChallengeNameTypeCustomChallenge}, []string{cognitoidp.ChallengeNameTypeCustomChallenge}},
		{"MFA answered", &auth.Request{Name: TOTP}, []string{cognitoidp.ChallengeNameTypePasswordVerifier, TOTP}},
		{"device authenticated", &auth.Request{Name: cognitoidp.ChallengeNameTypeDevicePasswordVerifier},
			[]string{cognitoidp.ChallengeNameTypePasswordVerifier, cognitoidp.ChallengeNameTypeDeviceSrpAuth, cognitoidp.ChallengeNameTypeDevicePasswordVerifier}},
	} {
		// A nil service: a skip must decide before reading anything.
		if ch, err := (step{}).Next(context.Background(), tc.r, u, tc.passed); ch != nil || err != nil {
			t.Errorf("%s: %v %v", tc.name, ch, err)
		}
	}
	if !passwordless(&auth.Request{Name: cognitoidp.AuthFlowTypeCustomAuth}, nil) ||
		passwordless(&auth.Request{Name: cognitoidp.ChallengeNameTypeCustomChallenge}, []string{cognitoidp.ChallengeNameTypePasswordVerifier, cognitoidp.ChallengeNameTypeCustomChallenge}) ||
		passwordless(&auth.Request{Name: cognitoidp.AuthFlowTypeUserPasswordAuth}, nil) {
		t.Error("passwordless")
	}
}
