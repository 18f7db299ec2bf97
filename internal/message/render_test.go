package message

import (
	"strings"
	"testing"
)

const confirmURL = "https://auth.example.com/confirmUser?client_id=abc&user_name=alice&confirmation_code=123456"

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tmpl     Template
		ch       Channel
		v        Values
		subject  string
		body     string
		htmlBody string
	}{
		{
			name:    "default verification email is plain text",
			tmpl:    Template{Subject: DefaultEmailVerificationSubject, Body: DefaultEmailVerificationMessage},
			ch:      ChannelEmail,
			v:       Values{Code: "123456"},
			subject: "Your verification code",
			body:    "Your verification code is 123456. ",
		},
		{
			name: "default SMS verification",
			tmpl: Template{Body: DefaultSMSVerificationMessage},
			ch:   ChannelSMS,
			v:    Values{Code: "987654"},
			body: "Your verification code is 987654. ",
		},
		{
			name:    "invitation with username and password, plain text keeps values raw",
			tmpl:    Template{Subject: DefaultInvitationEmailSubject, Body: DefaultInvitationEmailMessage},
			ch:      ChannelEmail,
			v:       Values{Code: "P@ss<w>rd&1", Username: "alice"},
			subject: "Your temporary password",
			body:    "Your username is alice and temporary password is P@ss<w>rd&1. ",
		},
		{
			name:     "HTML template escapes values and derives text",
			tmpl:     Template{Subject: "Welcome {username}", Body: "<p>Hello {username}</p><p>Password: <b>{####}</b></p>"},
			ch:       ChannelEmail,
			v:        Values{Code: `a&b"<`, Username: "<script>x</script>"},
			subject:  "Welcome <script>x</script>",
			body:     "Hello <script>x</script>\n\nPassword: a&b\"<",
			htmlBody: `<p>Hello &lt;script&gt;x&lt;/script&gt;</p><p>Password: <b>a&amp;b&#34;&lt;</b></p>`,
		},
		{
			name:     "default link template",
			tmpl:     Template{Subject: DefaultEmailVerificationSubjectByLink, Body: DefaultEmailVerificationMessageByLink, ByLink: true},
			ch:       ChannelEmail,
			v:        Values{LinkURL: confirmURL},
			subject:  "Your verification link",
			body:     "Please click the link below to verify your email address. Verify Email <" + confirmURL + "> ",
			htmlBody: `Please click the link below to verify your email address. <a href="https://auth.example.com/confirmUser?client_id=abc&amp;user_name=alice&amp;confirmation_code=123456">Verify Email</a> `,
		},
		{
			name:     "link in a plain multi-line template escapes the text around it",
			tmpl:     Template{Body: "Hi & welcome\n{##Click & go##}"},
			ch:       ChannelEmail,
			v:        Values{LinkURL: "https://x.test/c?a=1"},
			body:     "Hi & welcome\nClick & go <https://x.test/c?a=1>",
			htmlBody: "Hi &amp; welcome<br>\n<a href=\"https://x.test/c?a=1\">Click &amp; go</a>",
		},
		{
			name:     "link in an HTML template keeps the administrator's markup in the link text",
			tmpl:     Template{Body: "<p>{##<b>Confirm</b>##}</p>"},
			ch:       ChannelEmail,
			v:        Values{LinkURL: "https://x.test/c"},
			body:     "Confirm <https://x.test/c>",
			htmlBody: `<p><a href="https://x.test/c"><b>Confirm</b></a></p>`,
		},
		{
			name: "link without URL stays a placeholder",
			tmpl: Template{Body: DefaultEmailVerificationMessageByLink},
			ch:   ChannelEmail,
			body: DefaultEmailVerificationMessageByLink,
		},
		{
			name: "javascript URL is never linked",
			tmpl: Template{Body: "{##Go##}"},
			ch:   ChannelEmail,
			v:    Values{LinkURL: "javascript:alert(1)"},
			body: "{##Go##}",
		},
		{
			name: "missing code stays visible",
			tmpl: Template{Body: "Code: {####}"},
			ch:   ChannelSMS,
			body: "Code: {####}",
		},
		{
			name:    "template without a code placeholder does not leak the code",
			tmpl:    Template{Subject: "Welcome", Body: "Welcome {username}, sign in with your company account."},
			ch:      ChannelEmail,
			v:       Values{Code: "S3cret!pw", Username: "bob"},
			subject: "Welcome",
			body:    "Welcome bob, sign in with your company account.",
		},
		{
			name: "a value is never scanned for placeholders",
			tmpl: Template{Body: "User {username} code {####}"},
			ch:   ChannelSMS,
			v:    Values{Code: "111111", Username: "{####}"},
			body: "User {####} code 111111",
		},
		{
			name: "SMS is plain text even with markup-like values",
			tmpl: Template{Subject: "ignored", Body: "<b>{username}</b> {####}"},
			ch:   ChannelSMS,
			v:    Values{Code: "1", Username: "<i>&amp;"},
			body: "<b><i>&amp;</b> 1",
		},
		{
			name:    "subject stays on one line",
			tmpl:    Template{Subject: "Hi {username}\r\nBcc: x@evil.test", Body: "x {####}"},
			ch:      ChannelEmail,
			v:       Values{Code: "1", Username: "a\nb"},
			subject: "Hi a b Bcc: x@evil.test",
			body:    "x 1",
		},
		{
			name: "HTML document: head, style and comments hidden, entities decoded",
			tmpl: Template{Body: "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head>" +
				"<body><!-- note --><h1>Welcome</h1>\n   <p>Your code:&nbsp;{####}</p><p>Thanks,<br>Team &amp; co</p></body></html>"},
			ch:   ChannelEmail,
			v:    Values{Code: "424242"},
			body: "Welcome\n\nYour code:\u00a0424242\n\nThanks,\nTeam & co",
			htmlBody: "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head>" +
				"<body><!-- note --><h1>Welcome</h1>\n   <p>Your code:&nbsp;424242</p><p>Thanks,<br>Team &amp; co</p></body></html>",
		},
		{
			name:     "a code inside an administrator's href survives in the text part",
			tmpl:     Template{Body: `<a href="https://app.test/verify?code={####}&amp;u={username}">Verify</a>`},
			ch:       ChannelEmail,
			v:        Values{Code: "123456", Username: "al&ce"},
			body:     "Verify <https://app.test/verify?code=123456&u=al&ce>",
			htmlBody: `<a href="https://app.test/verify?code=123456&amp;u=al&amp;ce">Verify</a>`,
		},
		{
			name:     "entity alone makes a template HTML",
			tmpl:     Template{Body: "Tom &amp; Jerry: {####}"},
			ch:       ChannelEmail,
			v:        Values{Code: "<1>"},
			body:     "Tom & Jerry: <1>",
			htmlBody: "Tom &amp; Jerry: &lt;1&gt;",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.tmpl.Render(tc.ch, tc.v)
			if got.Subject != tc.subject {
				t.Errorf("subject\n got %q\nwant %q", got.Subject, tc.subject)
			}
			if got.Body != tc.body {
				t.Errorf("body\n got %q\nwant %q", got.Body, tc.body)
			}
			if got.HTMLBody != tc.htmlBody {
				t.Errorf("html\n got %q\nwant %q", got.HTMLBody, tc.htmlBody)
			}
		})
	}
}

func TestHasCode(t *testing.T) {
	for body, want := range map[string]bool{
		DefaultInvitationEmailMessage:         true,
		DefaultEmailVerificationMessageByLink: false,
		"Welcome {username}":                  false,
		"<p>{####}</p>":                       true,
	} {
		if got := (Template{Body: body}).HasCode(); got != want {
			t.Errorf("HasCode(%q) = %v", body, got)
		}
	}
}

func TestPrivateUseCharactersInTemplateAreHarmless(t *testing.T) {
	// The text derivation marks values with Private Use Area characters;
	// a template that already contains them must not confuse it.
	got := Template{Body: "<p>\uE0000\uE001 {####}</p>"}.Render(ChannelEmail, Values{Code: "999999"})
	if got.Body != "0 999999" {
		t.Fatalf("body %q", got.Body)
	}
	if strings.ContainsAny(got.Body, sentinelOpen+sentinelClose) {
		t.Fatal("sentinel leaked")
	}
}
