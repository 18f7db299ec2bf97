package smswebhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/cirrohq/cirro/internal/message"
)

// SignatureHeader carries "sha256=" + hex(HMAC-SHA256(secret, body)).
const SignatureHeader = "X-Cirro-Signature"

// DefaultTimeout bounds one delivery; a user waits on it.
const DefaultTimeout = 5 * time.Second

// Config is an SMS webhook.
type Config struct {
	URL string `yaml:"url"`
	// Secret, when set, signs every request.
	Secret  string        `yaml:"secret"`
	Timeout time.Duration `yaml:"timeout"`
	// Client overrides the HTTP client (tests, proxies); its Timeout and
	// redirect policy are replaced by this package's.
	Client *http.Client `yaml:"-"`
}

// Payload is the JSON body of a webhook request.
type Payload struct {
	To   string       `json:"to"`
	Body string       `json:"body"`
	Pool string       `json:"pool"`
	User string       `json:"user"`
	Kind message.Kind `json:"kind"`
}

// Sender is a message.Sender for the SMS channel.
type Sender struct {
	url    string
	secret []byte
	client *http.Client
}

// New checks cfg and returns a sender.
func New(cfg Config) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("smswebhook: url %q must be an absolute http(s) URL", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	c := &http.Client{}
	if cfg.Client != nil {
		*c = *cfg.Client
	}
	c.Timeout = cfg.Timeout
	// A redirect would replay a message (and its code) to wherever the
	// receiver points; the configured URL is the only destination.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Sender{url: cfg.URL, secret: []byte(cfg.Secret), client: c}, nil
}

// Send posts m and succeeds only on a 2xx answer.
func (s *Sender) Send(ctx context.Context, m message.Message) error {
	if m.Channel != message.ChannelSMS {
		return message.Failed(m.Channel, fmt.Errorf("the SMS webhook cannot deliver %s messages", m.Channel))
	}
	if m.To == "" {
		return message.Failed(message.ChannelSMS, errors.New("no recipient"))
	}
	body, err := json.Marshal(Payload{To: m.To, Body: m.Body, Pool: m.PoolID, User: m.Username, Kind: m.Kind})
	if err != nil {
		return message.Failed(message.ChannelSMS, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return message.Failed(message.ChannelSMS, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cirro-sms-webhook")
	if len(s.secret) > 0 {
		req.Header.Set(SignatureHeader, Sign(s.secret, body))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return message.Failed(message.ChannelSMS, fmt.Errorf("sms webhook: %w", err))
	}
	defer resp.Body.Close()
	// Read a little of the answer: enough to log why it failed, and to let
	// the connection be reused, never an unbounded amount.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return message.Failed(message.ChannelSMS, fmt.Errorf("sms webhook answered %s: %q", resp.Status, snippet))
	}
	return nil
}

// Sign returns the signature header value for body under secret; a
// receiver recomputes it and compares with hmac.Equal.
func Sign(secret, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}
