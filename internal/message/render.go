package message

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Values fill a template's placeholders. An empty value leaves its
// placeholder in the output verbatim, so a flow that forgets one shows up
// in the outbox instead of silently sending an empty code.
type Values struct {
	// Code replaces {####}: a verification code or a temporary password.
	Code string
	// Username replaces {username}.
	Username string
	// LinkURL is the target of {##text##} (CONFIRM_WITH_LINK); it must be
	// an absolute http(s) URL, anything else counts as missing.
	LinkURL string
}

// Content is a rendered template.
type Content struct {
	Subject string
	// Body is plain text.
	Body string
	// HTMLBody is set for emails whose template is HTML or holds a link.
	HTMLBody string
}

// Cognito's placeholders. Matching all of them in one pass means a value
// is never scanned again: a username of "{####}" stays a username and
// cannot pull the code into a message. {####} comes first so that it is
// not read as a link with empty text.
var placeholderRE = regexp.MustCompile(`(?s)\{####\}|\{username\}|\{##(.*?)##\}`)

type segKind int

const (
	segLiteral segKind = iota
	segCode
	segUsername
	segLink
)

type segment struct {
	kind segKind
	// text is the literal text, or the link text between {## and ##}.
	text string
	// raw is the placeholder as written, for when its value is missing.
	raw string
}

func parse(t string) []segment {
	var segs []segment
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(t, -1) {
		if m[0] > last {
			segs = append(segs, segment{kind: segLiteral, text: t[last:m[0]]})
		}
		raw := t[m[0]:m[1]]
		switch {
		case raw == "{####}":
			segs = append(segs, segment{kind: segCode, raw: raw})
		case raw == "{username}":
			segs = append(segs, segment{kind: segUsername, raw: raw})
		default:
			segs = append(segs, segment{kind: segLink, text: t[m[2]:m[3]], raw: raw})
		}
		last = m[1]
	}
	if last < len(t) {
		segs = append(segs, segment{kind: segLiteral, text: t[last:]})
	}
	return segs
}

// HasCode reports whether the template shows a code ({####}). Cognito
// accepts invitation templates without one (for users without a
// password); a flow that must deliver a code can check before sending.
func (t Template) HasCode() bool {
	for _, s := range parse(t.Body) {
		if s.kind == segCode {
			return true
		}
	}
	return false
}

// Render fills t for channel ch. SMS and subjects are plain text and take
// values as they are. An email body is HTML when its template contains
// markup (Cognito allows HTML tags in email templates) or a link: the
// template's own markup is kept, every substituted value is HTML-escaped,
// and a plain-text alternative is derived from it.
func (t Template) Render(ch Channel, v Values) Content {
	body := parse(t.Body)
	if ch == ChannelSMS {
		return Content{Body: renderPlain(body, v)}
	}
	c := Content{Subject: oneLine(renderPlain(parse(t.Subject), v))}
	markup := looksLikeHTML(t.Body)
	if markup {
		c.Body = renderTextFromHTML(body, v)
	} else {
		c.Body = renderPlain(body, v)
	}
	if markup || hasLink(body, v) {
		c.HTMLBody = renderHTML(body, v, markup)
	}
	return c
}

// value is the substitution for a placeholder segment, and whether there is one.
func (s segment) value(v Values) (string, bool) {
	switch s.kind {
	case segCode:
		return v.Code, v.Code != ""
	case segUsername:
		return v.Username, v.Username != ""
	case segLink:
		return v.LinkURL, linkOK(v.LinkURL)
	}
	return s.text, true
}

func renderPlain(segs []segment, v Values) string {
	var b strings.Builder
	for _, s := range segs {
		val, ok := s.value(v)
		switch {
		case s.kind == segLiteral:
			b.WriteString(s.text)
		case !ok:
			b.WriteString(s.raw)
		case s.kind == segLink:
			b.WriteString(plainLink(s.text, val))
		default:
			b.WriteString(val)
		}
	}
	return b.String()
}

// plainLink writes a link for a text reader. The angle brackets delimit
// the URL as RFC 3986 Appendix C suggests, so mail clients link it whole.
func plainLink(text, u string) string {
	if text = strings.TrimSpace(text); text == "" {
		return "<" + u + ">"
	}
	return text + " <" + u + ">"
}

func renderHTML(segs []segment, v Values, markup bool) string {
	var b strings.Builder
	for _, s := range segs {
		val, ok := s.value(v)
		switch {
		case s.kind == segLiteral && markup:
			b.WriteString(s.text) // the pool administrator's own HTML
		case s.kind == segLiteral:
			b.WriteString(textToHTML(s.text))
		case !ok:
			b.WriteString(html.EscapeString(s.raw))
		case s.kind == segLink:
			text := s.text
			if !markup {
				text = html.EscapeString(text)
			}
			b.WriteString(`<a href="` + html.EscapeString(val) + `">` + text + `</a>`)
		default:
			b.WriteString(html.EscapeString(val))
		}
	}
	return b.String()
}

// renderTextFromHTML derives the text alternative of an HTML template.
// Values are put in only after the markup is stripped, through sentinels
// from the Private Use Area, so that a value looking like a tag or an
// entity ("<b>", "&amp;") reaches the reader exactly as it is.
func renderTextFromHTML(segs []segment, v Values) string {
	var b strings.Builder
	var pairs []string
	for i, s := range segs {
		if s.kind == segLiteral {
			b.WriteString(strings.NewReplacer(sentinelOpen, "", sentinelClose, "").Replace(s.text))
			continue
		}
		val, ok := s.value(v)
		switch {
		case !ok:
			val = s.raw
		case s.kind == segLink:
			val = plainLink(htmlToText(s.text), val)
		}
		mark := sentinelOpen + strconv.Itoa(i) + sentinelClose
		b.WriteString(mark)
		pairs = append(pairs, mark, val)
	}
	text := htmlToText(b.String())
	if len(pairs) == 0 {
		return text
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

const (
	sentinelOpen  = "\uE000"
	sentinelClose = "\uE001"
)

func hasLink(segs []segment, v Values) bool {
	for _, s := range segs {
		if s.kind == segLink && linkOK(v.LinkURL) {
			return true
		}
	}
	return false
}

// linkOK accepts only absolute http(s) URLs: anything else (javascript:,
// relative paths) must never become an href in a user's mailbox.
func linkOK(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

var htmlRE = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9-]*|/[a-zA-Z][a-zA-Z0-9-]*|!--)[^<>]*>|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);`)

// looksLikeHTML reports whether a template contains tags or entities.
func looksLikeHTML(t string) bool { return htmlRE.MatchString(t) }

// textToHTML shows plain template text in HTML as it would read in text.
func textToHTML(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>\n")
}

// oneLine keeps a subject on one header line whatever a value contains.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}
