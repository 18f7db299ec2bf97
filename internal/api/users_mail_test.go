package api_test

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/delivery/smtp"
)

// mailServer is a real SMTP server on loopback that keeps, decoded, what
// it receives: the test reads codes and links as a user's mail client
// would.
type mailServer struct {
	srv  *gosmtp.Server
	l    net.Listener
	port int
	mu   sync.Mutex
	msgs []receivedMail
}

type receivedMail struct {
	From, To, Subject string
	// Text and HTML are the decoded alternatives of the body.
	Text, HTML string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{}
	m.srv = gosmtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.ReadTimeout, m.srv.WriteTimeout = 5*time.Second, 5*time.Second
	m.srv.ErrorLog = quietLog{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.l, m.port = l, l.Addr().(*net.TCPAddr).Port
	go m.srv.Serve(l)
	t.Cleanup(m.close)
	return m
}

// close stops the server. The listener is closed here too: Serve may not
// have taken it yet, and then the server's Close would miss it.
func (m *mailServer) close() {
	m.l.Close()
	m.srv.Close()
}

// configure points cirro's email channel at this server.
func (m *mailServer) configure(c *config.Config) {
	c.Delivery.SMTP = &smtp.Config{Host: "127.0.0.1", Port: m.port, TLS: smtp.TLSNone, From: "cirro@localhost", Timeout: 5 * time.Second}
}

// only is the one message received for to.
func (m *mailServer) only(t *testing.T, to string) receivedMail {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var got []receivedMail
	for _, r := range m.msgs {
		if r.To == to {
			got = append(got, r)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d messages to %s, want 1", len(got), to)
	}
	return got[0]
}

func (m *mailServer) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	return &mailSession{srv: m}, nil
}

type mailSession struct {
	srv      *mailServer
	from, to string
}

func (s *mailSession) Mail(from string, _ *gosmtp.MailOptions) error { s.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *gosmtp.RcptOptions) error   { s.to = to; return nil }
func (s *mailSession) Reset()                                        {}
func (s *mailSession) Logout() error                                 { return nil }

func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	got := receivedMail{From: s.from, To: s.to, Subject: subject}
	if err := readBody(&got, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, got)
	s.srv.mu.Unlock()
	return nil
}

// readBody decodes a (possibly multipart) body into its text and HTML.
func readBody(into *receivedMail, contentType, encoding string, body io.Reader) error {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		media = "text/plain"
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readBody(into, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &lineJoiner{r: body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if media == "text/html" {
		into.HTML = string(b)
	} else {
		into.Text = string(b)
	}
	return nil
}

// lineJoiner drops the line breaks of a base64 body.
type lineJoiner struct{ r io.Reader }

func (j *lineJoiner) Read(p []byte) (int, error) {
	n, err := j.r.Read(p)
	k := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[k] = c
			k++
		}
	}
	return k, err
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}
