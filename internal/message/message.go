package message

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/errs"
)

// Kind is why a message is sent. It selects the pool template (see
// TemplateFor) and lets a developer tell messages apart in the outbox.
type Kind string

const (
	// KindVerification confirms a sign-up (SignUp, ResendConfirmationCode).
	KindVerification Kind = "verification"
	// KindInvitation carries AdminCreateUser's temporary password.
	KindInvitation Kind = "invitation"
	// KindMFA carries a sign-in MFA code (SMS_MFA, EMAIL_OTP challenges).
	KindMFA Kind = "mfa"
	// KindForgotPassword carries a ForgotPassword/AdminResetUserPassword code.
	KindForgotPassword Kind = "forgot-password"
	// KindAttributeVerification verifies a changed email or phone number.
	KindAttributeVerification Kind = "attribute-verification"
	// KindAuthentication carries a passwordless sign-in code (EMAIL_OTP, SMS_OTP first factor).
	KindAuthentication Kind = "authentication"
)

// Channel is how a message travels. Its values are the model's
// DeliveryMediumType, so CodeDeliveryDetails can report it unchanged.
type Channel string

const (
	ChannelEmail Channel = "EMAIL"
	ChannelSMS   Channel = "SMS"
)

// Message is one rendered message on its way to a user.
type Message struct {
	Kind    Kind    `json:"kind"`
	Channel Channel `json:"channel"`
	// To is an email address or an E.164 phone number.
	To string `json:"to"`
	// From and ReplyTo come from the pool's EmailConfiguration; an empty
	// From lets the sender use its configured default.
	From    string `json:"from,omitempty"`
	ReplyTo string `json:"replyTo,omitempty"`
	// Subject is for email only.
	Subject string `json:"subject,omitempty"`
	// Body is plain text: the SMS itself, or the text part of an email.
	Body string `json:"body"`
	// HTMLBody, when set, is the HTML alternative of an email.
	HTMLBody string `json:"htmlBody,omitempty"`
	PoolID   string `json:"pool"`
	Username string `json:"username,omitempty"`
	// Code is the secret the message carries (a code or a temporary
	// password). Only the development outbox keeps it, so that a developer
	// or a test can read it without parsing the body; the body holds it
	// anyway, which is the point of an outbox. Real senders never forward
	// it as a separate field, and nothing else stores it.
	Code string `json:"code,omitempty"`
	// SentAt is set by the sender that records the message (the outbox).
	SentAt time.Time `json:"sentAt,omitzero"`
}

// Sender delivers a message. It returns once the message is handed over
// (accepted by the SMTP server, the webhook, or stored in the outbox), so a
// caller can refuse to create a user whose invitation could not go out.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SenderFunc adapts a function to Sender (tests, decorators).
type SenderFunc func(ctx context.Context, m Message) error

func (f SenderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// SendError is what senders return when a message could not be handed
// over. It carries the channel so that DeliveryFailed can word Cognito's
// error for email or SMS without the caller keeping track.
type SendError struct {
	Channel Channel
	Err     error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("deliver %s: %v", e.Channel, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Failed wraps err as a SendError for channel ch (nil stays nil).
func Failed(ch Channel, err error) error {
	if err == nil {
		return nil
	}
	var se *SendError
	if errors.As(err, &se) {
		return err
	}
	return &SendError{Channel: ch, Err: err}
}

// Cognito's wording of CodeDeliveryFailureException.
const (
	// DeliveryFailedEmail is the message Cognito returns when an email
	// could not be sent, as reported by SDK users
	// (amazon-archives/amazon-cognito-identity-js#307, aws-amplify/amplify-js#1305).
	DeliveryFailedEmail = "Invalid email provided/Unable to send the email"
	// DeliveryFailedSMS mirrors the email wording: no public source records
	// Cognito's exact text for a failed SMS, and SDKs branch on the error
	// type, not on the message.
	DeliveryFailedSMS = "Invalid phone number provided/Unable to send the SMS"
)

// DeliveryFailed maps a sender's failure to Cognito's
// CodeDeliveryFailureException. The underlying error is kept as the Cause
// for logs and never reaches the client.
func DeliveryFailed(err error) *errs.Error {
	msg := DeliveryFailedEmail
	var se *SendError
	if errors.As(err, &se) && se.Channel == ChannelSMS {
		msg = DeliveryFailedSMS
	}
	return &errs.Error{Code: errs.CodeDeliveryFailureException, Message: msg, Cause: err}
}
