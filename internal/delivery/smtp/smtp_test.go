package smtp_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/delivery/smtp"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
)

var sentAt = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

func verification(to string) message.Message {
	c := message.TemplateFor(nil, message.KindVerification, message.ChannelEmail).
		Render(message.ChannelEmail, message.Values{Code: "314159"})
	return message.Message{
		Kind: message.KindVerification, Channel: message.ChannelEmail, To: to,
		Subject: c.Subject, Body: c.Body, HTMLBody: c.HTMLBody,
		PoolID: "us-east-1_Test", Username: "alice", Code: "314159",
	}
}

func newSender(t *testing.T, cfg smtp.Config) *smtp.Sender {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "Cirro <no-reply@cirro.test>"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.NewFake(sentAt)
	}
	s, err := smtp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func onlyMessage(t *testing.T, srv *mailServer) received {
	t.Helper()
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	return got[0]
}

func TestSendWithoutAuth(t *testing.T) {
	srv := startMailServer(t)
	s := newSender(t, smtp.Config{Host: srv.Host, Port: srv.Port, TLS: smtp.TLSNone})
	if err := s.Send(context.Background(), verification("alice@example.com")); err != nil {
		t.Fatal(err)
	}
	r := onlyMessage(t, srv)
	if r.From != "no-reply@cirro.test" || len(r.To) != 1 || r.To[0] != "alice@example.com" {
		t.Fatalf("envelope %q -> %q", r.From, r.To)
	}
	m, text, html := parseMail(t, r.Data)
	want := map[string]string{
		"From":           `"Cirro" <no-reply@cirro.test>`,
		"To":             "<alice@example.com>",
		"Subject":        "Your verification code",
		"Date":           sentAt.Format(time.RFC1123Z),
		"Auto-Submitted": "auto-generated",
		"Reply-To":       "",
	}
	for h, v := range want {
		if got := decodeHeader(m.Header.Get(h)); got != v {
			t.Errorf("%s: %q, want %q", h, got, v)
		}
	}
	if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@cirro.test>") {
		t.Errorf("Message-ID %q not on the sender's domain", id)
	}
	if m.Header.Get("User-Agent") != "" || m.Header.Get("X-Mailer") != "" {
		t.Error("client library advertised")
	}
	if text != "Your verification code is 314159. " || html != "" {
		t.Fatalf("text %q html %q", text, html)
	}
}

func TestSendMultipartWithPoolAddressesAndPlainAuth(t *testing.T) {
	srv := startMailServer(t, withAuth("cirro", "s3cret"))
	s := newSender(t, smtp.Config{Host: srv.Host, Port: srv.Port, TLS: smtp.TLSNone,
		Auth: smtp.AuthPlain, Username: "cirro", Password: "s3cret"})
	c := message.Template{Subject: "Welcome", Body: "<p>Hello {username}, your password is <b>{####}</b></p>"}.
		Render(message.ChannelEmail, message.Values{Username: "bob", Code: "Tmp#Pass1"})
	m := message.Message{
		Kind: message.KindInvitation, Channel: message.ChannelEmail, To: "bob@example.com",
		From: "Example Support <hello@example.org>", ReplyTo: "support@example.org",
		Subject: c.Subject, Body: c.Body, HTMLBody: c.HTMLBody, Code: "Tmp#Pass1",
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := onlyMessage(t, srv)
	if r.AuthUser != "cirro" || r.From != "hello@example.org" {
		t.Fatalf("auth %q envelope from %q", r.AuthUser, r.From)
	}
	hdr, text, html := parseMail(t, r.Data)
	if got := hdr.Header.Get("From"); got != `"Example Support" <hello@example.org>` {
		t.Errorf("From %q", got)
	}
	if got := hdr.Header.Get("Reply-To"); got != "<support@example.org>" {
		t.Errorf("Reply-To %q", got)
	}
	if text != "Hello bob, your password is Tmp#Pass1" {
		t.Errorf("text %q", text)
	}
	if html != "<p>Hello bob, your password is <b>Tmp#Pass1</b></p>" {
		t.Errorf("html %q", html)
	}
}

func TestSendLoginAuth(t *testing.T) {
	srv := startMailServer(t, withAuth("cirro", "pw"))
	s := newSender(t, smtp.Config{Host: srv.Host, Port: srv.Port, TLS: smtp.TLSNone,
		Auth: smtp.AuthLogin, Username: "cirro", Password: "pw"})
	if err := s.Send(context.Background(), verification("a@example.com")); err != nil {
		t.Fatal(err)
	}
	if r := onlyMessage(t, srv); r.AuthUser != "cirro" {
		t.Fatalf("auth user %q", r.AuthUser)
	}
}

func TestSendOverTLS(t *testing.T) {
	cert, roots := selfSigned(t)
	for _, tc := range []struct {
		name     string
		mode     smtp.TLSMode
		implicit bool
	}{
		{"starttls", smtp.TLSStartTLS, false},
		{"implicit tls", smtp.TLSImplicit, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMailServer(t, withTLS(cert, tc.implicit), withAuth("u", "p"))
			s := newSender(t, smtp.Config{Host: srv.Host, Port: srv.Port, TLS: tc.mode,
				Auth: smtp.AuthPlain, Username: "u", Password: "p",
				TLSConfig: &tls.Config{RootCAs: roots}})
			if err := s.Send(context.Background(), verification("a@example.com")); err != nil {
				t.Fatal(err)
			}
			if _, text, _ := parseMail(t, onlyMessage(t, srv).Data); !strings.Contains(text, "314159") {
				t.Fatalf("text %q", text)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	cert, _ := selfSigned(t)
	plain := startMailServer(t)
	authed := startMailServer(t, withAuth("cirro", "right"))
	rejecting := startMailServer(t, rejectingRecipients())
	untrusted := startMailServer(t, withTLS(cert, false))
	closed := func() int { // a port nobody listens on
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}()
	for _, tc := range []struct {
		name string
		cfg  smtp.Config
		msg  message.Message
	}{
		{"recipient rejected", smtp.Config{Host: rejecting.Host, Port: rejecting.Port, TLS: smtp.TLSNone}, verification("nobody@example.com")},
		{"wrong password", smtp.Config{Host: authed.Host, Port: authed.Port, TLS: smtp.TLSNone, Auth: smtp.AuthPlain, Username: "cirro", Password: "wrong"}, verification("a@example.com")},
		{"auth required but not configured", smtp.Config{Host: authed.Host, Port: authed.Port, TLS: smtp.TLSNone}, verification("a@example.com")},
		{"starttls required, server does not offer it", smtp.Config{Host: plain.Host, Port: plain.Port, TLS: smtp.TLSStartTLS}, verification("a@example.com")},
		{"untrusted certificate", smtp.Config{Host: untrusted.Host, Port: untrusted.Port, TLS: smtp.TLSStartTLS}, verification("a@example.com")},
		{"connection refused", smtp.Config{Host: "127.0.0.1", Port: closed, TLS: smtp.TLSNone}, verification("a@example.com")},
		{"invalid recipient", smtp.Config{Host: plain.Host, Port: plain.Port, TLS: smtp.TLSNone}, verification("not an address")},
		{"invalid pool From", smtp.Config{Host: plain.Host, Port: plain.Port, TLS: smtp.TLSNone}, func() message.Message {
			m := verification("a@example.com")
			m.From = "@@"
			return m
		}()},
		{"SMS handed to SMTP", smtp.Config{Host: plain.Host, Port: plain.Port, TLS: smtp.TLSNone}, message.Message{Channel: message.ChannelSMS, To: "+15555550100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := newSender(t, tc.cfg).Send(context.Background(), tc.msg)
			if err == nil {
				t.Fatal("sent")
			}
			t.Logf("error: %v", err)
			e := message.DeliveryFailed(err)
			if e.Code != errs.CodeDeliveryFailureException {
				t.Fatalf("mapped to %s", e.Code)
			}
			if tc.msg.Channel == message.ChannelEmail && e.Message != message.DeliveryFailedEmail {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
	if n := len(plain.Received()) + len(authed.Received()) + len(rejecting.Received()) + len(untrusted.Received()); n != 0 {
		t.Fatalf("%d messages delivered despite failures", n)
	}
}

func TestSendTimesOut(t *testing.T) {
	// A server that accepts the connection and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s := newSender(t, smtp.Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: smtp.TLSNone, Timeout: 300 * time.Millisecond})
	start := time.Now()
	if err := s.Send(context.Background(), verification("a@example.com")); err == nil {
		t.Fatal("sent to a silent server")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v despite a 300ms timeout", d)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]smtp.Config{
		"no host":            {From: "a@b.test"},
		"no from":            {Host: "mail.test"},
		"bad from":           {Host: "mail.test", From: "not an address"},
		"bad tls mode":       {Host: "mail.test", From: "a@b.test", TLS: "ssl"},
		"bad auth":           {Host: "mail.test", From: "a@b.test", Auth: "cram-md5"},
		"auth, no user":      {Host: "mail.test", From: "a@b.test", Auth: smtp.AuthPlain},
		"port out of range":  {Host: "mail.test", From: "a@b.test", Port: 70000},
		"clear-text secrets": {Host: "mail.test", From: "a@b.test", TLS: smtp.TLSNone, Auth: smtp.AuthLogin, Username: "u"},
	} {
		if _, err := smtp.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := smtp.New(smtp.Config{Host: "localhost", From: "a@b.test", TLS: smtp.TLSNone, Auth: smtp.AuthPlain, Username: "u"}); err != nil {
		t.Errorf("loopback relay with auth refused: %v", err)
	}
}

// parseMail returns the headers and the decoded text and HTML parts.
func parseMail(t *testing.T, data []byte) (*netmail.Message, string, string) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return m, decodePart(t, m.Header.Get("Content-Transfer-Encoding"), m.Body), ""
	}
	if mt != "multipart/alternative" {
		t.Fatalf("content type %s", mt)
	}
	var text, html string
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body := decodePart(t, p.Header.Get("Content-Transfer-Encoding"), p)
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = body
		case "text/html":
			html = body
		default:
			t.Fatalf("unexpected part %s", ct)
		}
	}
	return m, text, html
}

func decodePart(t *testing.T, cte string, r io.Reader) string {
	t.Helper()
	if strings.EqualFold(cte, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	// The line break that ends the DATA section is transport, not body.
	return strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
}

func decodeHeader(v string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}
