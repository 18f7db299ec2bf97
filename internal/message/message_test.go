package message

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
)

func TestDeliveryFailed(t *testing.T) {
	cause := errors.New("connection refused")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{Failed(ChannelEmail, cause), DeliveryFailedEmail},
		{Failed(ChannelSMS, cause), DeliveryFailedSMS},
		{fmt.Errorf("send invitation: %w", Failed(ChannelSMS, cause)), DeliveryFailedSMS},
		{cause, DeliveryFailedEmail},
	} {
		e := DeliveryFailed(tc.err)
		if e.Code != errs.CodeDeliveryFailureException || e.Message != tc.want {
			t.Errorf("%v: %s %q", tc.err, e.Code, e.Message)
		}
		if !errors.Is(e, cause) {
			t.Errorf("%v: cause lost", tc.err)
		}
		if errs.HTTPStatus(e) != 400 {
			t.Errorf("status %d", errs.HTTPStatus(e))
		}
	}
	if Failed(ChannelEmail, nil) != nil {
		t.Fatal("nil wrapped")
	}
	inner := Failed(ChannelSMS, cause)
	if Failed(ChannelEmail, inner) != inner {
		t.Fatal("re-wrapping changed the channel")
	}
}

func TestSenderFunc(t *testing.T) {
	var got Message
	var s Sender = SenderFunc(func(_ context.Context, m Message) error { got = m; return nil })
	_ = s.Send(context.Background(), Message{To: "a@b.test"})
	if got.To != "a@b.test" {
		t.Fatal(got)
	}
}
