package outboxhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/delivery/outbox"
	"github.com/cirrohq/cirro/internal/delivery/outboxhttp"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

type fixture struct {
	srv   *httptest.Server
	close func() error
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clk := clock.NewFake(time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC))
	ob := outbox.New(st, clk)

	byLink := cognitoidp.DefaultEmailOptionTypeConfirmWithLink
	pool := &cognitoidp.UserPoolType{VerificationMessageTemplate: &cognitoidp.VerificationMessageTemplateType{DefaultEmailOption: &byLink}}
	lc := message.TemplateFor(pool, message.KindVerification, message.ChannelEmail).Render(message.ChannelEmail, message.Values{LinkURL: "https://cirro.test/confirmUser?client_id=c&user_name=carol&confirmation_code=333333"})
	for _, m := range []message.Message{
		{Kind: message.KindVerification, Channel: message.ChannelEmail, PoolID: "pool-a", To: "alice@example.com", Username: "alice",
			Subject: "Your verification code", Body: "Your verification code is 111111. ", Code: "111111"},
		{Kind: message.KindInvitation, Channel: message.ChannelSMS, PoolID: "pool-a", To: "+15555550100", Username: "<script>alert(1)</script>",
			Body: `Your username is <script>alert(1)</script> and temporary password is "Pw&1". `, Code: `"Pw&1"`},
		{Kind: message.KindVerification, Channel: message.ChannelEmail, PoolID: "pool-b", To: "carol@example.com", Username: "carol",
			Subject: lc.Subject, Body: lc.Body, HTMLBody: lc.HTMLBody, Code: "333333"},
	} {
		if err := ob.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	srv := httptest.NewServer(outboxhttp.Handler(ob))
	t.Cleanup(srv.Close)
	return fixture{srv: srv, close: st.Close}
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestJSON(t *testing.T) {
	f := setup(t)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"333333", `"Pw&1"`, "111111"}},
		{"?pool=pool-a", []string{`"Pw&1"`, "111111"}},
		{"?pool=pool-a&to=ALICE@example.com", []string{"111111"}},
		{"?to=" + url.QueryEscape("+15555550100"), []string{`"Pw&1"`}},
		{"?limit=1", []string{"333333"}},
		{"?pool=nope", nil},
	} {
		resp, body := get(t, f.srv.URL+outboxhttp.JSONPath+tc.query)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%s: %s %s", tc.query, resp.Status, resp.Header.Get("Content-Type"))
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: cacheable", tc.query)
		}
		var out struct {
			Messages []message.Message `json:"messages"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("%s: %v\n%s", tc.query, err, body)
		}
		var got []string
		for _, m := range out.Messages {
			got = append(got, m.Code)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: codes %v, want %v", tc.query, got, tc.want)
		}
		if tc.query == "" && (out.Messages[2].To != "alice@example.com" || out.Messages[2].SentAt.IsZero() || out.Messages[2].Subject != "Your verification code") {
			t.Errorf("fields lost: %+v", out.Messages[2])
		}
	}
	if _, body := get(t, f.srv.URL+outboxhttp.JSONPath+"?pool=nope"); !strings.Contains(body, `"messages":[]`) {
		t.Errorf("empty list is not an array: %s", body)
	}
}

func TestPageEscapesAndLinks(t *testing.T) {
	f := setup(t)
	resp, body := get(t, f.srv.URL+outboxhttp.PagePath)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", resp.Header)
	}
	if strings.Contains(body, "<script>") {
		t.Fatal("a value reached the page unescaped")
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		`<code class="secret">111111</code>`,
		`<code class="secret">&#34;Pw&amp;1&#34;</code>`,
		// The confirmation link is clickable and its query intact.
		`<a href="https://cirro.test/confirmUser?client_id=c&amp;user_name=carol&amp;confirmation_code=333333" rel="noreferrer noopener"`,
		"HTML source",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}

	_, body = get(t, f.srv.URL+outboxhttp.PagePath+"?pool=pool-b&to="+url.QueryEscape(`"><x>`))
	if !strings.Contains(body, "No messages match these filters") || strings.Contains(body, `"><x>`) {
		t.Errorf("filtered page:\n%s", body)
	}
	_, body = get(t, f.srv.URL+outboxhttp.PagePath+"?pool=pool-b")
	if !strings.Contains(body, "333333") || strings.Contains(body, "111111") {
		t.Error("pool filter ignored")
	}
}

func TestBadRequests(t *testing.T) {
	f := setup(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", outboxhttp.JSONPath + "?limit=abc", 400},
		{"GET", outboxhttp.JSONPath + "?limit=0", 400},
		{"GET", outboxhttp.PagePath + "?limit=100000", 400},
		{"POST", outboxhttp.JSONPath, 405},
		{"DELETE", outboxhttp.PagePath, 405},
		{"GET", "/_cirro/outbox/x", 404},
	} {
		req, _ := http.NewRequest(tc.method, f.srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
	}
}

func TestStoreFailureIsA500WithoutDetails(t *testing.T) {
	f := setup(t)
	_ = f.close()
	for _, p := range []string{outboxhttp.JSONPath, outboxhttp.PagePath} {
		resp, body := get(t, f.srv.URL+p)
		if resp.StatusCode != 500 || strings.Contains(body, "sql") {
			t.Errorf("%s: %d %q", p, resp.StatusCode, body)
		}
	}
}
