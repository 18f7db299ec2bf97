package mfa

import (
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/user"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"+15555550123": "+*******0123", "+123": "+123", "ünïcode@exämple.com": "ü***@e***"} {
		ch := message.ChannelEmail
		if in[0] == '+' {
			ch = message.ChannelSMS
		}
		if got := mask(ch, in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// A code checks only for its user and factor, within its three minutes.
func TestCheckCode(t *testing.T) {
	s := &Service{Keys: secrets.Random()}
	now := time.Date(2026, 11, 3, 5, 7, 9, 0, time.UTC)
	amy := &user.User{PoolID: "us-east-1_AAAAAAAAA", Sub: "11111111-1111-4111-8111-111111111111"}
	bob := &user.User{PoolID: amy.PoolID, Sub: "22222222-2222-4222-8222-222222222222"}
	data := map[string]string{
		dataCode:    message.HashCode(s.Keys, codeScope(amy, SMS), "123456"),
		dataExpires: now.Add(codeTTL).Format(time.RFC3339Nano),
	}
	for _, tc := range []struct {
		name   string
		u      *user.User
		factor string
		code   string
		at     time.Time
		want   error
	}{
		{"right", amy, SMS, "123456", now.Add(codeTTL - time.Second), nil},
		{"wrong", amy, SMS, "123457", now, errCodeMismatch},
		{"another user", bob, SMS, "123456", now, errCodeMismatch},
		{"another factor", amy, Email, "123456", now, errCodeMismatch},
		{"expired", amy, SMS, "123456", now.Add(codeTTL), errCodeExpired},
	} {
		if err := s.checkCode(tc.u, tc.factor, tc.code, data, tc.at); err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := s.checkCode(amy, SMS, "123456", map[string]string{dataCode: data[dataCode]}, now); err != errSession {
		t.Errorf("no expiry in the session: %v", err)
	}
}

func TestWrapSetupSession(t *testing.T) {
	setup, other, raw := ptr(cognitoidp.ChallengeNameTypeMfaSetup), ptr(cognitoidp.ChallengeNameTypeSmsMfa), ptr("c2Vzc2lvbg")
	if got := WrapSetupSession("client1", setup, raw); *got != "client1.c2Vzc2lvbg" {
		t.Fatalf("MFA_SETUP session %q", *got)
	}
	if got := WrapSetupSession("client1", setup, WrapSetupSession("client1", setup, raw)); *got != "client1.c2Vzc2lvbg" {
		t.Fatalf("wrapped twice: %q", *got)
	}
	if got := WrapSetupSession("client1", other, raw); got != raw {
		t.Fatalf("another challenge's session changed: %q", *got)
	}
	if got := WrapSetupSession("client1", nil, nil); got != nil {
		t.Fatalf("no session became %q", *got)
	}
}
