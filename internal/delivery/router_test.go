package delivery_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/delivery"
	"github.com/cirrohq/cirro/internal/delivery/outbox"
	"github.com/cirrohq/cirro/internal/delivery/smswebhook"
	"github.com/cirrohq/cirro/internal/delivery/smtp"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

func newOutbox(t *testing.T) *outbox.Outbox {
	t.Helper()
	st, err := sqlite.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return outbox.New(st, clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
}

func TestDefaultRouterUsesTheOutboxForBothChannels(t *testing.T) {
	ctx := context.Background()
	ob := newOutbox(t)
	r, err := delivery.NewRouter(delivery.Config{}, ob)
	if err != nil {
		t.Fatal(err)
	}
	if !r.UsesOutbox() {
		t.Fatal("UsesOutbox false")
	}
	for _, m := range []message.Message{
		{Channel: message.ChannelEmail, To: "a@example.com", PoolID: "p", Code: "1"},
		{Channel: message.ChannelSMS, To: "+15555550100", PoolID: "p", Code: "2"},
	} {
		if err := r.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := ob.Recent(ctx, "p", "", 0)
	if len(got) != 2 {
		t.Fatalf("outbox has %d", len(got))
	}
}

func TestConfiguredChannelsBypassTheOutbox(t *testing.T) {
	ctx := context.Background()
	var hooked atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hooked.Add(1) }))
	defer hook.Close()
	ob := newOutbox(t)
	r, err := delivery.NewRouter(delivery.Config{SMSWebhook: &smswebhook.Config{URL: hook.URL}}, ob)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Send(ctx, message.Message{Channel: message.ChannelSMS, To: "+15555550100", PoolID: "p"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Send(ctx, message.Message{Channel: message.ChannelEmail, To: "a@example.com", PoolID: "p"}); err != nil {
		t.Fatal(err)
	}
	got, _ := ob.Recent(ctx, "p", "", 0)
	if hooked.Load() != 1 || len(got) != 1 || got[0].Channel != message.ChannelEmail {
		t.Fatalf("webhook %d, outbox %+v", hooked.Load(), got)
	}

	// Both configured: no outbox needed, none used.
	r, err = delivery.NewRouter(delivery.Config{
		SMTP:       &smtp.Config{Host: "localhost", From: "a@example.com"},
		SMSWebhook: &smswebhook.Config{URL: hook.URL},
	}, nil)
	if err != nil || r.UsesOutbox() {
		t.Fatalf("%v %v", err, r)
	}
}

func TestRouterErrors(t *testing.T) {
	if _, err := delivery.NewRouter(delivery.Config{}, nil); err == nil {
		t.Fatal("no senders and no outbox accepted")
	}
	if _, err := delivery.NewRouter(delivery.Config{SMTP: &smtp.Config{}}, newOutbox(t)); err == nil {
		t.Fatal("bad SMTP config accepted")
	}
	if _, err := delivery.NewRouter(delivery.Config{SMSWebhook: &smswebhook.Config{URL: "nope"}}, newOutbox(t)); err == nil {
		t.Fatal("bad webhook config accepted")
	}

	boom := errors.New("boom")
	r := &delivery.Router{
		Email: message.SenderFunc(func(context.Context, message.Message) error { return boom }),
		SMS:   message.SenderFunc(func(context.Context, message.Message) error { return boom }),
	}
	err := r.Send(context.Background(), message.Message{Channel: message.ChannelSMS})
	if e := message.DeliveryFailed(err); !errors.Is(err, boom) || e.Message != message.DeliveryFailedSMS || e.Code != errs.CodeDeliveryFailureException {
		t.Fatalf("%v -> %v", err, e)
	}
	if err := r.Send(context.Background(), message.Message{Channel: "FAX"}); err == nil {
		t.Fatal("unknown channel accepted")
	}
}
