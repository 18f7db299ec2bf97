package message

import (
	"html"
	"regexp"
	"strings"
)

// htmlToText reads an email template's HTML as a plain-text client would
// show it: tags dropped, entities decoded, source whitespace collapsed the
// way a browser collapses it, and line breaks where block elements end.
// It is deliberately small: templates are short administrator-written
// fragments, not arbitrary web pages.
func htmlToText(s string) string {
	var b strings.Builder
	var href string
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(html.UnescapeString(collapseSpace(s[i : i+j])))
			i += j
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		name, closing, end, ok := readTag(s, i)
		if !ok { // a lone "<" is text
			b.WriteByte('<')
			i++
			continue
		}
		tag := s[i:end]
		i = end
		if name == "a" {
			// Keep a link's target, which may hold the code, after its text.
			if !closing {
				href = hrefOf(tag)
			} else if href != "" {
				b.WriteString(" <" + href + ">")
				href = ""
			}
			continue
		}
		if hiddenTags[name] && !closing {
			// Skip the element's content (CSS, scripts, the document head).
			if k := strings.Index(strings.ToLower(s[i:]), "</"+name); k >= 0 {
				i += k
			} else {
				i = len(s)
			}
			continue
		}
		if blockTags[name] {
			b.WriteByte('\n')
		}
	}
	return tidyLines(b.String())
}

// readTag reads the tag starting at s[i] == '<': its lowercased name,
// whether it is a closing tag, and the index just past its '>'. Quoted
// attribute values may contain '>'.
func readTag(s string, i int) (name string, closing bool, end int, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	if j >= len(s) || !(isLetter(s[j]) || (s[j] == '!' && !closing)) {
		return "", false, 0, false
	}
	start := j
	for j < len(s) && (isLetter(s[j]) || s[j] == '!' || (s[j] >= '0' && s[j] <= '9') || s[j] == '-') {
		j++
	}
	name = strings.ToLower(s[start:j])
	var quote byte
	for ; j < len(s); j++ {
		switch c := s[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return name, closing, j + 1, true
		}
	}
	return "", false, 0, false
}

var hrefRE = regexp.MustCompile(`(?i)\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)

// hrefOf returns an anchor's absolute target, or "" for in-page and
// relative links that mean nothing outside the HTML.
func hrefOf(tag string) string {
	m := hrefRE.FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	u := strings.TrimSpace(html.UnescapeString(m[1] + m[2] + m[3]))
	if !strings.Contains(u, ":") {
		return ""
	}
	return u
}

func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

var hiddenTags = map[string]bool{"head": true, "style": true, "script": true, "title": true}

var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "tr": true, "li": true, "ul": true, "ol": true,
	"table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"hr": true, "blockquote": true, "section": true, "header": true, "footer": true,
	"article": true, "pre": true, "body": true, "html": true,
}

var spaceRE = regexp.MustCompile(`[ \t\r\n\f]+`)

func collapseSpace(s string) string { return spaceRE.ReplaceAllString(s, " ") }

var blankLinesRE = regexp.MustCompile(`\n{3,}`)

// tidyLines trims every line and keeps at most one blank line in a row.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	s = blankLinesRE.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.Trim(s, "\n")
}
