package smswebhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/delivery/smswebhook"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
)

func sms() message.Message {
	c := message.TemplateFor(nil, message.KindVerification, message.ChannelSMS).
		Render(message.ChannelSMS, message.Values{Code: "271828"})
	return message.Message{
		Kind: message.KindVerification, Channel: message.ChannelSMS, To: "+15555550100",
		Body: c.Body, PoolID: "us-east-1_Test", Username: "alice", Code: "271828",
	}
}

func TestSendSignedJSON(t *testing.T) {
	const secret = "webhook-secret"
	var got smswebhook.Payload
	var raw map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s", r.Method, r.Header.Get("Content-Type"))
		}
		// Verify as a receiver would: recompute over the raw bytes.
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(r.Header.Get(smswebhook.SignatureHeader)), []byte(want)) {
			t.Errorf("signature %q, want %q", r.Header.Get(smswebhook.SignatureHeader), want)
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Error(err)
		}
		_ = json.Unmarshal(body, &raw)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	s, err := smswebhook.New(smswebhook.Config{URL: srv.URL + "/sms", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), sms()); err != nil {
		t.Fatal(err)
	}
	want := smswebhook.Payload{To: "+15555550100", Body: "Your verification code is 271828. ", Pool: "us-east-1_Test", User: "alice", Kind: message.KindVerification}
	if got != want {
		t.Fatalf("payload %+v", got)
	}
	// Exactly the documented fields: the code travels only inside the body.
	if len(raw) != 5 {
		t.Fatalf("fields %v", raw)
	}
}

func TestSendUnsigned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get(smswebhook.SignatureHeader); h != "" {
			t.Errorf("signed without a secret: %q", h)
		}
	}))
	defer srv.Close()
	s, _ := smswebhook.New(smswebhook.Config{URL: srv.URL})
	if err := s.Send(context.Background(), sms()); err != nil {
		t.Fatal(err)
	}
}

func TestSendFailures(t *testing.T) {
	var hits atomic.Int32
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "gateway down", http.StatusInternalServerError)
	}))
	defer fail.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fail.URL, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // lets the server notice the client hanging up
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()

	for _, tc := range []struct {
		name string
		cfg  smswebhook.Config
		msg  message.Message
	}{
		{"500", smswebhook.Config{URL: fail.URL}, sms()},
		{"redirect is not followed", smswebhook.Config{URL: redirect.URL}, sms()},
		{"timeout", smswebhook.Config{URL: slow.URL, Timeout: 200 * time.Millisecond}, sms()},
		{"no recipient", smswebhook.Config{URL: fail.URL}, func() message.Message { m := sms(); m.To = ""; return m }()},
		{"email handed to the SMS webhook", smswebhook.Config{URL: fail.URL}, message.Message{Channel: message.ChannelEmail, To: "a@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := smswebhook.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = s.Send(context.Background(), tc.msg)
			if err == nil {
				t.Fatal("no error")
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
			t.Logf("error: %v", err)
			e := message.DeliveryFailed(err)
			if e.Code != errs.CodeDeliveryFailureException {
				t.Fatalf("mapped to %s", e.Code)
			}
			if tc.msg.Channel == message.ChannelSMS && e.Message != message.DeliveryFailedSMS {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("failing endpoint hit %d times, want 1 (no redirect, no retry)", n)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "/relative", "http://", "://bad"} {
		if _, err := smswebhook.New(smswebhook.Config{URL: u}); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestSign(t *testing.T) {
	got := smswebhook.Sign([]byte("key"), []byte("The quick brown fox jumps over the lazy dog"))
	// RFC 4231-style known answer for HMAC-SHA256.
	const want = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if !strings.EqualFold(got, want) {
		t.Fatalf("%s", got)
	}
}
