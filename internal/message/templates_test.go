package message

import (
	"testing"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

func s(v string) *string { return &v }

func TestTemplateForDefaults(t *testing.T) {
	empty := &cognitoidp.UserPoolType{}
	for _, tc := range []struct {
		kind Kind
		ch   Channel
		want Template
	}{
		{KindVerification, ChannelEmail, Template{Subject: DefaultEmailVerificationSubject, Body: DefaultEmailVerificationMessage}},
		{KindVerification, ChannelSMS, Template{Body: DefaultSMSVerificationMessage}},
		{KindForgotPassword, ChannelEmail, Template{Subject: DefaultEmailVerificationSubject, Body: DefaultEmailVerificationMessage}},
		{KindAttributeVerification, ChannelSMS, Template{Body: DefaultSMSVerificationMessage}},
		{KindInvitation, ChannelEmail, Template{Subject: DefaultInvitationEmailSubject, Body: DefaultInvitationEmailMessage}},
		{KindInvitation, ChannelSMS, Template{Body: DefaultInvitationSMSMessage}},
		{KindMFA, ChannelSMS, Template{Body: DefaultSMSAuthenticationMessage}},
		{KindMFA, ChannelEmail, Template{Subject: DefaultEmailMFASubject, Body: DefaultEmailMFAMessage}},
		{KindAuthentication, ChannelSMS, Template{Body: DefaultSMSAuthenticationMessage}},
	} {
		for _, p := range []*cognitoidp.UserPoolType{nil, empty} {
			if got := TemplateFor(p, tc.kind, tc.ch); got != tc.want {
				t.Errorf("%s/%s: got %+v want %+v", tc.kind, tc.ch, got, tc.want)
			}
		}
	}
}

func TestTemplateForPoolConfiguration(t *testing.T) {
	p := &cognitoidp.UserPoolType{
		EmailVerificationSubject: s("legacy subject"),
		EmailVerificationMessage: s("legacy {####}"),
		SmsVerificationMessage:   s("legacy sms {####}"),
		SmsAuthenticationMessage: s("mfa {####}"),
		VerificationMessageTemplate: &cognitoidp.VerificationMessageTemplateType{
			DefaultEmailOption: s(cognitoidp.DefaultEmailOptionTypeConfirmWithLink),
			EmailMessageByLink: s("Go {##here##}"),
			EmailSubjectByLink: s("Link subject"),
			SmsMessage:         s("sms {####}"),
		},
		AdminCreateUserConfig: &cognitoidp.AdminCreateUserConfigType{
			InviteMessageTemplate: &cognitoidp.MessageTemplateType{
				EmailSubject: s("Invite"),
				EmailMessage: s("Hi {username} {####}"),
				SMSMessage:   s("sms hi {username} {####}"),
			},
		},
	}
	for _, tc := range []struct {
		name string
		kind Kind
		ch   Channel
		want Template
	}{
		{"sign-up honours CONFIRM_WITH_LINK", KindVerification, ChannelEmail, Template{Subject: "Link subject", Body: "Go {##here##}", ByLink: true}},
		{"password reset uses the code template", KindForgotPassword, ChannelEmail, Template{Subject: "legacy subject", Body: "legacy {####}"}},
		{"attribute update uses the code template", KindAttributeVerification, ChannelEmail, Template{Subject: "legacy subject", Body: "legacy {####}"}},
		{"template SMS wins over the legacy field", KindVerification, ChannelSMS, Template{Body: "sms {####}"}},
		{"invitation email", KindInvitation, ChannelEmail, Template{Subject: "Invite", Body: "Hi {username} {####}"}},
		{"invitation sms", KindInvitation, ChannelSMS, Template{Body: "sms hi {username} {####}"}},
		{"mfa sms", KindMFA, ChannelSMS, Template{Body: "mfa {####}"}},
	} {
		if got := TemplateFor(p, tc.kind, tc.ch); got != tc.want {
			t.Errorf("%s: got %+v want %+v", tc.name, got, tc.want)
		}
	}

	// The template's code message wins over the legacy top-level fields.
	p.VerificationMessageTemplate = &cognitoidp.VerificationMessageTemplateType{
		DefaultEmailOption: s(cognitoidp.DefaultEmailOptionTypeConfirmWithCode),
		EmailMessage:       s("new {####}"),
		EmailSubject:       s("new subject"),
	}
	if got := TemplateFor(p, KindVerification, ChannelEmail); got != (Template{Subject: "new subject", Body: "new {####}"}) {
		t.Errorf("code template: %+v", got)
	}
	if got := TemplateFor(p, KindVerification, ChannelSMS); got.Body != "legacy sms {####}" {
		t.Errorf("legacy sms fallback: %+v", got)
	}
}

func TestEmailMFATemplate(t *testing.T) {
	got := EmailMFATemplate(&cognitoidp.EmailMfaConfigType{Message: s("Sign in with {####}")})
	if got != (Template{Subject: DefaultEmailMFASubject, Body: "Sign in with {####}"}) {
		t.Fatalf("%+v", got)
	}
}

func TestAddresses(t *testing.T) {
	if f, r := Addresses(nil); f != "" || r != "" {
		t.Fatal(f, r)
	}
	p := &cognitoidp.UserPoolType{EmailConfiguration: &cognitoidp.EmailConfigurationType{
		From: s("Example <no-reply@example.com>"), ReplyToEmailAddress: s("help@example.com"),
	}}
	if f, r := Addresses(p); f != "Example <no-reply@example.com>" || r != "help@example.com" {
		t.Fatal(f, r)
	}
}
