package mfa

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

// codeTTL is how long an SMS or email code is good for. Cognito's MFA
// codes live as long as the sign-in session, three minutes by default
// (developer guide, Quotas: "MFA code 3–15 minutes"; AuthSessionValidity
// defaults to 3); cirro holds them to the three minutes whatever the
// client's session validity.
const codeTTL = 3 * time.Minute

// Session data of a code challenge: the code's keyed hash and its expiry.
const (
	dataCode    = "code"
	dataExpires = "code_expires"
)

// channel is where a factor's code goes.
type channel struct {
	attr string
	ch   message.Channel
}

var channels = map[string]channel{
	SMS:   {attr: "phone_number", ch: message.ChannelSMS},
	Email: {attr: "email", ch: message.ChannelEmail},
}

// sendCode sends u a fresh code for factor (SMS or Email) and returns
// what the challenge carries: the data to seal in its Session and the
// CODE_DELIVERY_* parameters. A failed delivery is Cognito's
// CodeDeliveryFailureException, and no challenge is issued.
func (s *Service) sendCode(ctx context.Context, r *auth.Request, c *config, u *user.User, factor string) (data, params map[string]string, err error) {
	dest := channels[factor]
	to := u.Attributes[dest.attr]
	code := message.NewCode(0)
	tmpl := message.TemplateFor(c.pool, message.KindMFA, dest.ch)
	if factor == Email {
		tmpl = message.EmailMFATemplate(c.email)
	}
	// The directory's one way out: the pool's custom message function
	// (CustomMessage_Authentication) or custom sender, else its channels.
	err = s.Users.Notify(ctx, user.Notice{
		Pool: c.pool, Kind: message.KindMFA, Source: trigger.SenderAuthentication,
		Channel: dest.ch, To: to, User: u, Template: tmpl, Values: message.Values{Code: code, Username: u.Username},
		ClientID: clientID(r), ClientMetadata: r.ClientMetadata,
	})
	if err != nil {
		return nil, nil, err
	}
	now := r.Now()
	data = map[string]string{
		dataCode:    message.HashCode(s.Keys, codeScope(u, factor), code),
		dataExpires: now.Add(codeTTL).UTC().Format(time.RFC3339Nano),
	}
	params = map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": string(dest.ch),
		"CODE_DELIVERY_DESTINATION":     mask(dest.ch, to),
	}
	return data, params, nil
}

// checkCode decides an answer to a code challenge from the data sealed in
// its Session: errCodeExpired once the code's three minutes are over,
// errCodeMismatch for another code.
func (s *Service) checkCode(u *user.User, factor, code string, data map[string]string, now time.Time) error {
	expires, err := time.Parse(time.RFC3339Nano, data[dataExpires])
	if err != nil {
		return errSession
	}
	if !now.Before(expires) {
		return errCodeExpired
	}
	if !message.CheckCode(s.Keys, codeScope(u, factor), code, data[dataCode]) {
		return errCodeMismatch
	}
	return nil
}

// codeScope binds a code to its pool, user and factor.
func codeScope(u *user.User, factor string) message.CodeScope {
	return message.CodeScope{PoolID: u.PoolID, User: u.Sub, Purpose: "mfa:" + factor}
}

// mask hides a destination as Cognito's CODE_DELIVERY_DESTINATION does:
// "+*******1234" for a phone number, "a***@e***" for an address. It is
// the masking of the user directory's CodeDeliveryDetails, which that
// package does not export.
func mask(ch message.Channel, to string) string {
	if ch == message.ChannelSMS {
		digits := strings.TrimPrefix(to, "+")
		keep := min(4, len(digits))
		return "+" + strings.Repeat("*", len(digits)-keep) + digits[len(digits)-keep:]
	}
	local, domain, _ := strings.Cut(to, "@")
	return firstRune(local) + "***@" + firstRune(domain) + "***"
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// clientID is the app client of a sign-in, for the triggers' events.
func clientID(r *auth.Request) string {
	if r.Client == nil || r.Client.ClientId == nil {
		return ""
	}
	return *r.Client.ClientId
}
