package message

import (
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Template is an unrendered message: Cognito placeholders still in place.
type Template struct {
	// Subject is for email only.
	Subject string
	Body    string
	// ByLink is set for the CONFIRM_WITH_LINK verification email, whose
	// {##text##} placeholder needs Values.LinkURL.
	ByLink bool
}

// TemplateFor picks the template a pool uses for kind on channel ch,
// falling back to Cognito's defaults for whatever the pool leaves out.
//
// Which template serves which message follows Cognito's table of SMS and
// email events: sign-up, resend, password recovery and attribute
// verification use the verification template; only sign-up and resend
// honour CONFIRM_WITH_LINK ("Emails from attribute-update and
// password-reset operations use the code template"); AdminCreateUser uses
// the invitation template; MFA and passwordless codes use
// SmsAuthenticationMessage, or for email the pool's EmailMfaConfig, which
// is not part of UserPoolType: callers holding it use EmailMFATemplate.
//
// VerificationMessageTemplate wins over the older top-level
// EmailVerificationMessage/Subject and SmsVerificationMessage, which
// Cognito keeps only for compatibility.
func TemplateFor(p *cognitoidp.UserPoolType, kind Kind, ch Channel) Template {
	if p == nil {
		p = &cognitoidp.UserPoolType{}
	}
	vmt := p.VerificationMessageTemplate
	if vmt == nil {
		vmt = &cognitoidp.VerificationMessageTemplateType{}
	}
	switch kind {
	case KindInvitation:
		var inv cognitoidp.MessageTemplateType
		if c := p.AdminCreateUserConfig; c != nil && c.InviteMessageTemplate != nil {
			inv = *c.InviteMessageTemplate
		}
		if ch == ChannelSMS {
			return Template{Body: first(inv.SMSMessage, DefaultInvitationSMSMessage)}
		}
		return Template{
			Subject: first(inv.EmailSubject, DefaultInvitationEmailSubject),
			Body:    first(inv.EmailMessage, DefaultInvitationEmailMessage),
		}
	case KindMFA, KindAuthentication:
		if ch == ChannelSMS {
			return Template{Body: first(p.SmsAuthenticationMessage, DefaultSMSAuthenticationMessage)}
		}
		return EmailMFATemplate(nil)
	}
	// Verification, forgot-password and attribute verification.
	if ch == ChannelSMS {
		return Template{Body: first(vmt.SmsMessage, first(p.SmsVerificationMessage, DefaultSMSVerificationMessage))}
	}
	if kind == KindVerification && deref(vmt.DefaultEmailOption) == cognitoidp.DefaultEmailOptionTypeConfirmWithLink {
		return Template{
			Subject: first(vmt.EmailSubjectByLink, DefaultEmailVerificationSubjectByLink),
			Body:    first(vmt.EmailMessageByLink, DefaultEmailVerificationMessageByLink),
			ByLink:  true,
		}
	}
	return Template{
		Subject: first(vmt.EmailSubject, first(p.EmailVerificationSubject, DefaultEmailVerificationSubject)),
		Body:    first(vmt.EmailMessage, first(p.EmailVerificationMessage, DefaultEmailVerificationMessage)),
	}
}

// EmailMFATemplate is the email MFA / email OTP template of a pool's
// EmailMfaConfig (GetUserPoolMfaConfig), with defaults for what it omits.
func EmailMFATemplate(c *cognitoidp.EmailMfaConfigType) Template {
	if c == nil {
		c = &cognitoidp.EmailMfaConfigType{}
	}
	return Template{
		Subject: first(c.Subject, DefaultEmailMFASubject),
		Body:    first(c.Message, DefaultEmailMFAMessage),
	}
}

// first returns *s unless it is absent or empty: the model's minimum
// lengths make an empty template impossible, so empty means "not set".
func first(s *string, fallback string) string {
	if s != nil && *s != "" {
		return *s
	}
	return fallback
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Addresses returns the From and Reply-To of a pool's EmailConfiguration,
// "" for what it leaves to the sender's default.
func Addresses(p *cognitoidp.UserPoolType) (from, replyTo string) {
	if p == nil || p.EmailConfiguration == nil {
		return "", ""
	}
	return deref(p.EmailConfiguration.From), deref(p.EmailConfiguration.ReplyToEmailAddress)
}
