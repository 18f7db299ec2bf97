package user

import (
	"context"

	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/trigger"
)

// Every message with a code or a temporary password goes through Notify
// (deliver, here): the flows decide what to say and to whom (a Notice),
// and this file alone decides how it goes out. A pool with a custom
// sender for the channel has the function deliver it, its code encrypted
// for the function; otherwise the pool's custom message function may
// rewrite the template, and cirro's own channels deliver the rendering.
// Every function is invoked before anything is sent, and all of it before
// the flow commits (staged.go), so a failing function leaves nothing
// behind.

// Notice is a message to a user before it is rendered.
type Notice struct {
	Pool *cognitoidp.UserPoolType
	Kind message.Kind
	// Source names the occasion as the triggers do: a trigger.Sender*
	// suffix (SignUp, ResendCode, Authentication …), so that the events
	// are CustomMessage_<Source>, CustomEmailSender_<Source>,
	// CustomSMSSender_<Source>.
	Source  string
	Channel message.Channel
	To      string
	User    *User
	// Template is the pool's template for the message; Values fill it.
	Template message.Template
	Values   message.Values
	// ClientID and ClientMetadata are the request's, for the events; no
	// ClientID for administrator operations.
	ClientID       string
	ClientMetadata map[string]string
}

// origin is the request a message is sent for.
type origin struct {
	source   string
	clientID string
	metadata map[string]string
}

// Notify sends notices as every flow of the directory sends its messages
// (MFA and passwordless codes from internal/mfa). A failed delivery is
// CodeDeliveryFailureException; a failed trigger is the trigger's error.
func (s *Service) Notify(ctx context.Context, notes ...Notice) error { return s.deliver(ctx, notes...) }

// compose is the notice of kind to c, with the pool's template.
func (s *Service) compose(p *cognitoidp.UserPoolType, kind message.Kind, c contact, u *User, v message.Values, o origin) Notice {
	return Notice{
		Pool: p, Kind: kind, Source: o.source, Channel: c.channel, To: c.to, User: u,
		Template: message.TemplateFor(p, kind, c.channel), Values: v,
		ClientID: o.clientID, ClientMetadata: o.metadata,
	}
}

// deliver renders notes, invoking every function they call for first, and
// then sends them in order.
func (s *Service) deliver(ctx context.Context, notes ...Notice) error {
	out := make([]message.Message, len(notes))
	custom := make([]bool, len(notes))
	for i, n := range notes {
		if _, ok := trigger.SenderFor(n.Pool, n.Channel); ok && s.Triggers != nil {
			custom[i] = true
			continue
		}
		t := n.Template
		if s.Triggers != nil && trigger.Configured(n.Pool, trigger.PointCustomMessage) {
			src := string(trigger.PointCustomMessage) + "_" + n.Source
			resp, err := s.Triggers.CustomMessage(ctx, n.Pool, src, n.caller(),
				trigger.NewCustomMessageRequest(src, n.attributes(), n.ClientMetadata))
			if err != nil {
				return err
			}
			t = resp.Template(n.Channel, t)
		}
		out[i] = n.render(t)
	}
	for i, n := range notes {
		if custom[i] {
			if _, err := s.Triggers.CustomSender(ctx, n.Pool, n.Channel, n.Source, n.caller(), n.attributes(), n.ClientMetadata, n.Values.Code); err != nil {
				return err
			}
			continue
		}
		if err := s.Messages.Send(ctx, out[i]); err != nil {
			return message.DeliveryFailed(err)
		}
	}
	return nil
}

// render is the message t makes of n.
func (n Notice) render(t message.Template) message.Message {
	content := t.Render(n.Channel, n.Values)
	m := message.Message{
		Kind: n.Kind, Channel: n.Channel, To: n.To,
		Subject: content.Subject, Body: content.Body, HTMLBody: content.HTMLBody,
		PoolID: n.User.PoolID, Username: n.User.Username, Code: n.Values.Code,
	}
	if n.Channel == message.ChannelEmail {
		m.From, m.ReplyTo = message.Addresses(n.Pool)
	}
	return m
}

func (n Notice) caller() trigger.Caller {
	return trigger.Caller{ClientID: n.ClientID, UserName: n.User.Username}
}

// attributes are the user's attributes as the events carry them. A user
// about to be created has no status in the store yet; the one it will
// have is what the function sees.
func (n Notice) attributes() map[string]string {
	return trigger.UserAttributes(n.Pool, n.User.Sub, n.User.Status, n.User.Attributes)
}
