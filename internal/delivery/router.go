package delivery

import (
	"context"
	"fmt"

	"github.com/cirrohq/cirro/internal/delivery/outbox"
	"github.com/cirrohq/cirro/internal/delivery/smswebhook"
	"github.com/cirrohq/cirro/internal/delivery/smtp"
	"github.com/cirrohq/cirro/internal/message"
)

// Config chooses a sender per channel. Whatever is left unset goes to
// the outbox, so a plain development server needs no configuration.
type Config struct {
	SMTP       *smtp.Config       `yaml:"smtp"`
	SMSWebhook *smswebhook.Config `yaml:"sms_webhook"`
}

// Router is the message.Sender the domain uses: it hands each message to
// the sender of its channel.
type Router struct {
	Email message.Sender
	SMS   message.Sender
}

// NewRouter builds the senders cfg asks for and falls back to ob for the
// others. ob may be nil only when both channels are configured.
func NewRouter(cfg Config, ob *outbox.Outbox) (*Router, error) {
	r := &Router{}
	if cfg.SMTP != nil {
		s, err := smtp.New(*cfg.SMTP)
		if err != nil {
			return nil, err
		}
		r.Email = s
	}
	if cfg.SMSWebhook != nil {
		s, err := smswebhook.New(*cfg.SMSWebhook)
		if err != nil {
			return nil, err
		}
		r.SMS = s
	}
	if r.Email == nil || r.SMS == nil {
		if ob == nil {
			return nil, fmt.Errorf("delivery: a channel has no sender and there is no outbox")
		}
		if r.Email == nil {
			r.Email = ob
		}
		if r.SMS == nil {
			r.SMS = ob
		}
	}
	return r, nil
}

// Send delivers m through its channel's sender.
func (r *Router) Send(ctx context.Context, m message.Message) error {
	var s message.Sender
	switch m.Channel {
	case message.ChannelEmail:
		s = r.Email
	case message.ChannelSMS:
		s = r.SMS
	}
	if s == nil {
		return message.Failed(m.Channel, fmt.Errorf("no sender for channel %q", m.Channel))
	}
	return message.Failed(m.Channel, s.Send(ctx, m))
}

// UsesOutbox reports whether any channel lands in the outbox, so the
// server can tell the operator where to read messages.
func (r *Router) UsesOutbox() bool {
	_, e := r.Email.(*outbox.Outbox)
	_, s := r.SMS.(*outbox.Outbox)
	return e || s
}
