package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/message"
)

// TLSMode is how the connection is protected.
type TLSMode string

const (
	// TLSNone sends in clear: only for a relay on the same host or network.
	TLSNone TLSMode = "none"
	// TLSStartTLS upgrades a plain connection and fails if the server
	// cannot (no silent downgrade). The default.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit TLSMode = "tls"
)

// AuthMode is the SASL mechanism used to log in.
type AuthMode string

const (
	AuthNone  AuthMode = ""
	AuthPlain AuthMode = "plain"
	AuthLogin AuthMode = "login"
)

// DefaultTimeout bounds one delivery: connecting, every SMTP command, and
// the data transfer. A user waits on SignUp while it runs.
const DefaultTimeout = 10 * time.Second

// Config is an SMTP relay.
type Config struct {
	Host string `yaml:"host"`
	// Port defaults to 25 (none), 587 (starttls) or 465 (tls).
	Port     int      `yaml:"port"`
	TLS      TLSMode  `yaml:"tls"`
	Auth     AuthMode `yaml:"auth"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	// From is used when the pool's EmailConfiguration sets none. It may
	// carry a display name: "Example <no-reply@example.com>".
	From    string        `yaml:"from"`
	Timeout time.Duration `yaml:"timeout"`
	// TLSConfig overrides the TLS settings (a private CA, a server name).
	TLSConfig *tls.Config `yaml:"-"`
	// Clock dates the messages (default: the system clock).
	Clock clock.Clock `yaml:"-"`
}

// Sender is a message.Sender for the EMAIL channel.
type Sender struct {
	cfg  Config
	opts []mail.Option
}

// New checks cfg and returns a sender. A bad setting fails here, at
// start, rather than on a user's first sign-up.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: host is required")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.From == "" {
		return nil, errors.New("smtp: from is required")
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp: from %q: %v", cfg.From, err)
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: port %d out of range", cfg.Port)
	}
	if cfg.Auth != AuthNone && cfg.TLS == TLSNone && !loopback(cfg.Host) {
		return nil, fmt.Errorf("smtp: refusing to send credentials to %s without TLS: set tls to starttls or tls", cfg.Host)
	}
	opts := []mail.Option{mail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS), mail.WithPort(portOr(cfg.Port, mail.DefaultPort)))
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithPort(portOr(cfg.Port, mail.DefaultPortTLS)))
	case TLSImplicit:
		opts = append(opts, mail.WithSSL(), mail.WithPort(portOr(cfg.Port, mail.DefaultPortSSL)))
	default:
		return nil, fmt.Errorf("smtp: tls %q: want none, starttls or tls", cfg.TLS)
	}
	switch cfg.Auth {
	case AuthNone:
	case AuthPlain:
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain))
	case AuthLogin:
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthLogin))
	default:
		return nil, fmt.Errorf("smtp: auth %q: want plain or login", cfg.Auth)
	}
	if cfg.Auth != AuthNone {
		if cfg.Username == "" {
			return nil, errors.New("smtp: auth needs a username")
		}
		opts = append(opts, mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	if cfg.TLSConfig != nil {
		tc := cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host // verify the certificate against the host dialled
		}
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	s := &Sender{cfg: cfg, opts: opts}
	if _, err := s.client(); err != nil { // surfaces option errors now
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return s, nil
}

// loopback matches the client library's own exemption for clear-text
// authentication.
func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func portOr(p, def int) int {
	if p == 0 {
		return def
	}
	return p
}

func (s *Sender) client() (*mail.Client, error) {
	return mail.NewClient(s.cfg.Host, s.opts...)
}

// Send delivers m and returns once the server has accepted it.
func (s *Sender) Send(ctx context.Context, m message.Message) error {
	if m.Channel != message.ChannelEmail {
		return message.Failed(m.Channel, fmt.Errorf("smtp cannot deliver %s messages", m.Channel))
	}
	msg, err := s.compose(m)
	if err != nil {
		return message.Failed(message.ChannelEmail, err)
	}
	c, err := s.client()
	if err != nil {
		return message.Failed(message.ChannelEmail, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return message.Failed(message.ChannelEmail, fmt.Errorf("smtp %s: %w", s.cfg.Host, err))
	}
	return nil
}

func (s *Sender) compose(m message.Message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	from := m.From
	if from == "" {
		from = s.cfg.From
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	msg.FromMailAddress(addr)
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To, err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to %q: %w", m.ReplyTo, err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(s.cfg.Clock.Now())
	// A Message-ID on the sender's own domain, not this host's name.
	msg.SetMessageIDWithValue(ids.Secret(16) + "@" + domainOf(addr.Address))
	// RFC 3834: tells vacation responders not to answer a machine.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Body)
	if m.HTMLBody != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTMLBody)
	}
	return msg, nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}
