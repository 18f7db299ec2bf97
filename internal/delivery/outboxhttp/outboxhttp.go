package outboxhttp

import (
	"bytes"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/cirrohq/cirro/internal/delivery/outbox"
	"github.com/cirrohq/cirro/internal/message"
)

// Paths served by Handler.
const (
	PagePath = "/_cirro/outbox"
	JSONPath = "/_cirro/outbox.json"
)

// Handler serves ob's messages at PagePath and JSONPath.
func Handler(ob *outbox.Outbox) http.Handler {
	h := &handler{ob: ob}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PagePath, h.page)
	mux.HandleFunc("GET "+JSONPath, h.json)
	return mux
}

type handler struct{ ob *outbox.Outbox }

type filter struct {
	Pool, To string
	Limit    int
}

// recent reads the filters and the messages, answering the error itself.
func (h *handler) recent(w http.ResponseWriter, r *http.Request) (filter, []message.Message, bool) {
	q := r.URL.Query()
	f := filter{Pool: q.Get("pool"), To: q.Get("to")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > outbox.MaxLimit {
			http.Error(w, "limit must be a number from 1 to "+strconv.Itoa(outbox.MaxLimit), http.StatusBadRequest)
			return f, nil, false
		}
		f.Limit = n
	}
	msgs, err := h.ob.Recent(r.Context(), f.Pool, f.To, f.Limit)
	if err != nil {
		slog.ErrorContext(r.Context(), "outbox: list", "err", err)
		http.Error(w, "the outbox cannot be read right now", http.StatusInternalServerError)
		return f, nil, false
	}
	return f, msgs, true
}

// noStore keeps codes out of caches and pages out of frames.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

func (h *handler) json(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	_, msgs, ok := h.recent(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(struct {
		Messages []message.Message `json:"messages"`
	}{msgs})
}

func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	f, msgs, ok := h.recent(w, r)
	if !ok {
		return
	}
	view := pageView{Filter: f, JSONPath: JSONPath}
	for _, m := range msgs {
		view.Messages = append(view.Messages, messageView{Message: m, Time: m.SentAt.UTC().Format(time.RFC3339), Links: links(m.Body)})
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, view); err != nil {
		slog.ErrorContext(r.Context(), "outbox: render", "err", err)
		http.Error(w, "the outbox page failed to render", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	_, _ = buf.WriteTo(w)
}

type pageView struct {
	Filter   filter
	JSONPath string
	Messages []messageView
}

type messageView struct {
	message.Message
	Time  string
	Links []string
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// links lists the URLs of a text body (a CONFIRM_WITH_LINK message) so
// the page can make them clickable; html/template still vets each href.
func links(body string) []string { return linkRE.FindAllString(body, -1) }

var pageTmpl = template.Must(template.New("outbox").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>cirro outbox</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.3rem;margin:0 0 .3rem}
p.note{color:#666;margin:0 0 1rem}
form{margin:0 0 1rem}
input{font:inherit;padding:.2rem .4rem}
table{border-collapse:collapse;width:100%}
th,td{border-top:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}
pre{margin:0;white-space:pre-wrap;word-break:break-word}
code.secret{font-size:1.1em;font-weight:600;background:#fff3c4;padding:0 .2rem}
.dim{color:#777}
</style>
</head>
<body>
<h1>cirro outbox</h1>
<p class="note">Messages cirro would have sent, kept for 24 hours. Development only: codes and temporary passwords are shown in clear. <a href="{{.JSONPath}}?pool={{.Filter.Pool}}&amp;to={{.Filter.To}}">JSON</a></p>
<form method="get">
<label>Pool <input name="pool" value="{{.Filter.Pool}}" placeholder="all pools"></label>
<label>To <input name="to" value="{{.Filter.To}}" placeholder="all recipients"></label>
<button type="submit">Filter</button>
</form>
{{if .Messages}}
<table>
<thead><tr><th>Sent (UTC)</th><th>Pool</th><th>Message</th><th>Code</th><th>Body</th></tr></thead>
<tbody>
{{range .Messages}}
<tr>
<td>{{.Time}}</td>
<td>{{.PoolID}}</td>
<td>{{.Kind}} · {{.Channel}}<br>to <b>{{.To}}</b>{{if .Username}}<br><span class="dim">user {{.Username}}</span>{{end}}{{if .From}}<br><span class="dim">from {{.From}}</span>{{end}}{{if .ReplyTo}}<br><span class="dim">reply-to {{.ReplyTo}}</span>{{end}}</td>
<td>{{if .Code}}<code class="secret">{{.Code}}</code>{{end}}</td>
<td>{{if .Subject}}<b>{{.Subject}}</b><br>{{end}}<pre>{{.Body}}</pre>
{{range .Links}}<div><a href="{{.}}" rel="noreferrer noopener" target="_blank">{{.}}</a></div>{{end}}
{{if .HTMLBody}}<details><summary class="dim">HTML source</summary><pre>{{.HTMLBody}}</pre></details>{{end}}</td>
</tr>
{{end}}
</tbody>
</table>
{{else}}
<p>No messages{{if or .Filter.Pool .Filter.To}} match these filters{{end}}.</p>
{{end}}
</body>
</html>
`))
