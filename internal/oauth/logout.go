package oauth

import (
	"errors"
	"net/http"
	"slices"

	"github.com/cirrohq/cirro/internal/federation"
)

// logout is GET /logout (developer guide, "Logout endpoint"): it ends the
// browser's session on the domain, then either returns to the app at
// logout_uri, which must be one of the client's LogoutURLs exactly, or,
// given the parameters of an authorization request instead, shows the
// sign-in page for it ("prompt the user to sign in as another user").
// Anything else gets an error page and no redirect, and the session is
// left alone: a link that cannot complete must not sign anyone out.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	ctx, s := r.Context(), siteOf(r)
	q := r.URL.Query()
	clientID := q.Get("client_id")
	if clientID == "" {
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The request has no client_id.")
		return
	}
	c, err := h.client(ctx, s, clientID)
	if err != nil {
		var f *fatal
		if errors.As(err, &f) {
			h.errorPage(w, r, http.StatusBadRequest, f.code, f.msg)
			return
		}
		h.log.ErrorContext(ctx, "oauth: logout", "err", err)
		h.errorPage(w, r, http.StatusInternalServerError, "server_error", "Something went wrong. Please try again later.")
		return
	}
	if uri := q.Get("logout_uri"); uri != "" {
		if !slices.Contains(c.LogoutURLs, uri) {
			h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The logout URI is not registered for this app client.")
			return
		}
		h.signOut(w, r, uri)
		return
	}
	if q.Get("redirect_uri") == "" || q.Get("response_type") == "" {
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The request needs a logout_uri, or redirect_uri and response_type.")
		return
	}
	req := parseAuthz(q)
	if _, err := h.check(ctx, s, req); err != nil {
		h.failAuthz(w, r, req, err)
		return
	}
	h.signOut(w, r, s.path("/login")+"?"+req.query().Encode())
}

// signOut ends the browser's session and sends it to next, by way of the
// SAML IdP it signed in through when that IdP does single logout: the
// IdP's answer at /saml2/logout then sends it to next. The session here
// ends at once either way, so a user whose IdP never answers is still
// signed out of this domain. An IdP that cannot be reached (metadata,
// signing) costs the user only the single logout, not the sign-out.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, next string) {
	ctx := r.Context()
	target := next
	if h.fed != nil {
		sess, err := h.currentSession(ctx, r)
		if err != nil {
			h.log.ErrorContext(ctx, "oauth: logout session", "err", err)
		}
		if sess != nil && sess.SAML != nil {
			slo, err := h.fed.StartLogout(ctx, federation.LogoutStart{PoolID: sess.Pool, Base: h.siteBase(r), Session: *sess.SAML, After: next})
			switch {
			case err != nil:
				h.log.ErrorContext(ctx, "oauth: SAML single logout", "provider", sess.SAML.Provider, "err", err)
			case slo != "":
				target = slo
			}
		}
	}
	h.endSession(ctx, w, r)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}
