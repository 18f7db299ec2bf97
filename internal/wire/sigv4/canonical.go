package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// timeFormat is SigV4's ISO 8601 basic format, in X-Amz-Date and the string
// to sign.
const timeFormat = "20060102T150405Z"

func stamp(t time.Time) string { return t.UTC().Format(timeFormat) }

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalRequest is the request as the client must have seen it when it
// signed: only the headers it says it signed, with the values that arrived.
func canonicalRequest(r *http.Request, a *authorization, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range a.headers {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range headerValues(r, name) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(collapseSpaces(strings.TrimSpace(v)))
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(a.signedHeaders)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// headerValues finds a header where net/http put it: the server moves Host
// and Transfer-Encoding out of the header map into fields of their own.
func headerValues(r *http.Request, name string) []string {
	switch strings.ToLower(name) {
	case "host", ":authority":
		if r.Host != "" {
			return []string{r.Host}
		}
		return []string{r.URL.Host}
	case "content-length":
		if vs := r.Header.Values("Content-Length"); len(vs) > 0 {
			return vs
		}
		if r.ContentLength >= 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return r.TransferEncoding
		}
	}
	return r.Header.Values(name)
}

// collapseSpaces turns runs of spaces into one, as the specification asks
// (spaces only: the SDKs leave tabs alone).
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// canonicalURI encodes the path as it arrived once more: clients escape the
// already-escaped path (every service but S3 double-encodes).
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return escape(p, true)
}

// canonicalQuery decodes the query the way the SDKs do (url.ParseQuery, '+'
// is a space) and re-encodes each name and value strictly, sorting after
// encoding as the specification requires.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	values, _ := url.ParseQuery(raw) // pairs that do not parse were not signed either
	pairs := make([]string, 0, len(values))
	for k, vs := range values {
		ek := escape(k, false)
		for _, v := range vs {
			pairs = append(pairs, ek+"="+escape(v, false))
		}
	}
	// Comparing "k=v" strings would order "a=…" after "a-b=…" ('=' > '-'),
	// so compare name, then value.
	slices.SortFunc(pairs, func(x, y string) int {
		xk, xv, _ := strings.Cut(x, "=")
		yk, yv, _ := strings.Cut(y, "=")
		if c := strings.Compare(xk, yk); c != 0 {
			return c
		}
		return strings.Compare(xv, yv)
	})
	return strings.Join(pairs, "&")
}

// escape percent-encodes every byte outside RFC 3986's unreserved set, with
// upper-case hex, optionally keeping '/'.
func escape(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (keepSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func stringToSign(timestamp, scope, canonical string) string {
	return algorithm + "\n" + timestamp + "\n" + scope + "\n" + hashHex([]byte(canonical))
}

// signature is the hex HMAC of the string to sign under the key derived
// from the secret and the credential scope.
func signature(secret string, a *authorization, sts string) string {
	key := mac([]byte("AWS4"+secret), a.date)
	key = mac(key, a.region)
	key = mac(key, a.service)
	key = mac(key, a.terminal)
	return hex.EncodeToString(mac(key, sts))
}

func mac(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
