package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/cirrohq/cirro/internal/secrets"
)

// Cookie names. Under TLS on a domain's own host the cookies take the
// __Host- prefix, which browsers honour only for Secure, host-only,
// Path=/ cookies: no sibling domain (another pool's prefix domain) can
// then plant or shadow them.
const (
	sessionCookie = "cirro-session"
	csrfCookie    = "cirro-csrf"
	csrfField     = "_csrf"
	csrfPurpose   = "oauth-csrf"
)

func (s *site) cookieName(base string) string {
	if s.secure && s.prefix == "" {
		return "__Host-" + base
	}
	return base
}

func (s *site) cookiePath() string {
	if s.prefix == "" {
		return "/"
	}
	return s.prefix + "/"
}

// setCookie sets an HttpOnly, SameSite=Lax cookie of the site; maxAge 0
// makes a browser-session cookie, a negative one deletes it. Lax (not
// Strict) because the authorization request arrives by a cross-site
// navigation from the app, and the session must be seen there.
func (s *site) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(name), Value: value, Path: s.cookiePath(), MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *site) cookie(r *http.Request, name string) string {
	c, err := r.Cookie(s.cookieName(name))
	if err != nil {
		return ""
	}
	return c.Value
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfToken returns the token for the site's forms, setting the cookie it
// is bound to when the browser has none. The token is an HMAC of the
// cookie and the pool, so a value planted in the cookie from elsewhere
// gives an attacker no token to go with it.
func (h *Handler) csrfToken(w http.ResponseWriter, r *http.Request) string {
	s := siteOf(r)
	c := s.cookie(r, csrfCookie)
	if len(c) < 40 {
		c = randomToken()
		s.setCookie(w, csrfCookie, c, 0)
		// The request may render several forms; they must agree.
		r.AddCookie(&http.Cookie{Name: s.cookieName(csrfCookie), Value: c})
	}
	return h.csrfFor(s, c)
}

func (h *Handler) csrfFor(s *site, cookie string) string {
	return base64.RawURLEncoding.EncodeToString(h.keys.MAC(csrfPurpose, []byte(s.poolID+"\x00"+cookie)))
}

// checkCSRF verifies a form's token against its cookie.
func (h *Handler) checkCSRF(r *http.Request) bool {
	s := siteOf(r)
	c, got := s.cookie(r, csrfCookie), r.PostFormValue(csrfField)
	if c == "" || got == "" {
		return false
	}
	want := h.csrfFor(s, c)
	return secrets.Equal([]byte(got), []byte(want))
}

// pageHeaders sets the security headers of every HTML page. formTargets
// are the origins a form of the page may end up at: a form submission
// that is answered by a redirect is checked against form-action for the
// redirect's target too, and the sign-in form's answer is the redirect to
// the client's callback URL.
func (h *Handler) pageHeaders(w http.ResponseWriter, formTargets ...string) {
	hd := w.Header()
	formAction := "'self'"
	for _, t := range formTargets {
		if src := cspSource(t); src != "" {
			formAction += " " + src
		}
	}
	// Logos are served from the public URL (pool.Service's ImageUrl).
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data: "+h.public.Scheme+"://"+h.public.Host+"; "+
		"form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
}

// cspSource is the CSP source expression of a redirect URI: its origin,
// or its scheme for an app URI (myapp://callback).
func cspSource(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return ""
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return u.Scheme + ":"
	}
	if u.Host == "" || strings.ContainsAny(u.Host, " ;'\"") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
