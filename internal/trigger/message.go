package trigger

import (
	"context"
	"strings"

	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Custom message and custom sender triggers (developer guide, "Custom
// message Lambda trigger" and "Custom sender Lambda triggers").

// Cognito's placeholders, as the custom message event names them.
const (
	codeParameter     = "{####}"
	linkParameter     = "{##Click Here##}"
	usernameParameter = "{username}"
)

// CustomMessageRequest is what custom message is told: the user's
// attributes, the placeholders the function's messages must contain
// (codeParameter for the code or temporary password, linkParameter for a
// confirmation link, usernameParameter — only for AdminCreateUser — for
// the username), and the request's ClientMetadata.
type CustomMessageRequest struct {
	UserAttributes    map[string]string `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	LinkParameter     string            `json:"linkParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata,omitempty"`
}

// CustomMessageResponse is the function's messages; null members keep the
// pool's.
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// CustomMessageEvent is the custom message event.
type CustomMessageEvent = Event[CustomMessageRequest, CustomMessageResponse]

// NewCustomMessageRequest is the request for a message about a user with
// attrs. The username placeholder is offered for AdminCreateUser's
// invitation only, as Cognito does.
func NewCustomMessageRequest(source string, attrs, clientMetadata map[string]string) CustomMessageRequest {
	r := CustomMessageRequest{UserAttributes: attrs, CodeParameter: codeParameter, LinkParameter: linkParameter, ClientMetadata: clientMetadata}
	if source == CustomMessageAdminCreateUser {
		u := usernameParameter
		r.UsernameParameter = &u
	}
	return r
}

// CustomMessage invokes custom message for one of the CustomMessage_*
// sources; the caller renders what Template returns.
func (s *Service) CustomMessage(ctx context.Context, p *cognitoidp.UserPoolType, source string, c Caller, req CustomMessageRequest) (*CustomMessageResponse, error) {
	arn, _ := attached(p, PointCustomMessage)
	if arn == "" {
		return nil, nil
	}
	return call[CustomMessageResponse](ctx, s, PointCustomMessage, arn, source,
		&CustomMessageEvent{Header: s.header(ctx, p, source, versionV1, c), Request: req})
}

// Template is the template to render for channel ch: the function's
// message where it gave one that still carries what the message is for,
// else the pool's (fallback). A message that must deliver a code but
// lacks {####} (or, for a link message, {##…##}) would strand the user, so
// cirro sends the pool's message instead, as Cognito does. A nil response
// (no trigger) is the fallback.
func (r *CustomMessageResponse) Template(ch message.Channel, fallback message.Template) message.Template {
	if r == nil {
		return fallback
	}
	body := r.SMSMessage
	if ch == message.ChannelEmail {
		body = r.EmailMessage
	}
	if body == nil || *body == "" {
		return fallback
	}
	t := message.Template{Body: *body, Subject: fallback.Subject, ByLink: fallback.ByLink}
	if ch == message.ChannelEmail && r.EmailSubject != nil && *r.EmailSubject != "" {
		t.Subject = *r.EmailSubject
	}
	carries := t.HasCode() || (fallback.ByLink && strings.Contains(t.Body, "{##") && strings.Contains(t.Body, "##}"))
	if (fallback.HasCode() || fallback.ByLink) && !carries {
		return fallback
	}
	return t
}

// CustomSenderRequest is what a custom sender is told: the code or
// temporary password, encrypted (see the package documentation), the
// user's attributes and the request's ClientMetadata.
type CustomSenderRequest struct {
	// Type is customEmailSenderRequestV1 or customSMSSenderRequestV1.
	Type           string            `json:"type"`
	Code           *string           `json:"code"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserAttributes map[string]string `json:"userAttributes"`
}

// CustomSenderEvent is the custom email and SMS sender event; senders
// answer nothing Cognito reads.
type CustomSenderEvent struct {
	Header
	Request CustomSenderRequest `json:"request"`
}

// SenderFor returns the custom sender point of channel ch, and whether
// pool p attaches a function there: when it does, that function delivers
// the message instead of cirro's email or SMS channel.
func SenderFor(p *cognitoidp.UserPoolType, ch message.Channel) (Point, bool) {
	point := PointCustomEmailSender
	if ch == message.ChannelSMS {
		point = PointCustomSMSSender
	}
	return point, Configured(p, point)
}

// CustomSender hands a message to the pool's custom sender for ch: kind is
// one of the Sender* suffixes (the event's source is
// CustomEmailSender_<kind> or CustomSMSSender_<kind>), code the secret it
// carries, encrypted for the function with the local stand-in of the
// pool's KMSKeyID. sent is false, and nothing happens, when the pool has
// no sender for ch.
//
// Cognito invokes custom senders asynchronously and never reports their
// failures to the caller; cirro invokes them synchronously and returns the
// failure, so that a flow can refuse to commit a change whose message did
// not go out, as it does for its own channels.
func (s *Service) CustomSender(ctx context.Context, p *cognitoidp.UserPoolType, ch message.Channel, kind string, c Caller,
	attrs, clientMetadata map[string]string, code string) (sent bool, err error) {
	point, ok := SenderFor(p, ch)
	if !ok {
		return false, nil
	}
	arn, _ := attached(p, point)
	req := CustomSenderRequest{Type: "customEmailSenderRequestV1", ClientMetadata: clientMetadata, UserAttributes: attrs}
	if point == PointCustomSMSSender {
		req.Type = "customSMSSenderRequestV1"
	}
	if code != "" {
		enc, err := s.encryptCode(p, point, code)
		if err != nil {
			return false, err
		}
		req.Code = &enc
	}
	source := string(point) + "_" + kind
	ev := &CustomSenderEvent{Header: s.header(ctx, p, source, versionV1, c), Request: req}
	if _, err := call[Empty](ctx, s, point, arn, source, ev); err != nil {
		return false, err
	}
	return true, nil
}
