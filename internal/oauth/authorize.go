package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/federation"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// authorize is GET /oauth2/authorize. A browser with a live session on
// the domain is sent back to the client at once (single sign-on) unless
// prompt=login asks for a fresh sign-in; prompt=none without a session
// is login_required (OpenID Connect Core §3.1.2.6); anyone else goes to
// the sign-in page, which carries the request in its query.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	s := siteOf(r)
	req := parseAuthz(r.URL.Query())
	a, err := h.check(r.Context(), s, req)
	if err != nil {
		h.failAuthz(w, r, req, err)
		return
	}
	if a.provider != "" {
		h.federate(w, r, a)
		return
	}
	if req.Prompt != "login" {
		sess, err := h.currentSession(r.Context(), r)
		if err != nil {
			h.failAuthz(w, r, req, err)
			return
		}
		if sess != nil && h.mayContinue(r.Context(), sess) {
			h.complete(w, r, a, sess)
			return
		}
	}
	if req.Prompt == "none" {
		h.redirectTo(w, r, req, url.Values{"error": {"login_required"}})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.path("/login")+"?"+req.query().Encode(), http.StatusFound)
}

// mayContinue reports whether a session's user may still sign in: a user
// deleted or disabled since must sign in again (and will be refused).
func (h *Handler) mayContinue(ctx context.Context, sess *sessionDoc) bool {
	var u *user.User
	err := h.store.Read(ctx, func(tx store.Tx) (err error) {
		u, _, err = h.users.Get(ctx, tx, sess.Pool, sess.Sub)
		return err
	})
	if err != nil && !errors.Is(err, user.ErrNotFound) {
		h.log.ErrorContext(ctx, "oauth: session user", "err", err)
	}
	return err == nil && u.Enabled
}

// complete ends an authorization request for a signed-in browser: a code
// for the code grant, the tokens themselves (in the fragment, without a
// refresh token) for the implicit grant.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request, a *authz, sess *sessionDoc) {
	ctx := r.Context()
	s := siteOf(r)
	if a.ResponseType == "code" {
		code, err := h.issueCode(ctx, a, s.poolID, sess)
		if err != nil {
			h.failAuthz(w, r, a.authzRequest, err)
			return
		}
		h.redirectTo(w, r, a.authzRequest, url.Values{"code": {code}})
		return
	}
	toks, err := h.auth.HostedTokens(ctx, auth.HostedGrant{
		ClientID: *a.client.ClientId, Sub: sess.Sub, AuthTime: sess.AuthTime, Scopes: a.scopes, Nonce: a.Nonce, NoRefreshToken: true,
	})
	if err != nil {
		if isClientError(err) {
			// The session's user may no longer sign in (disabled,
			// deleted): forget the session and ask again.
			h.endSession(ctx, w, r)
			http.Redirect(w, r, s.path("/login")+"?"+a.query().Encode(), http.StatusFound)
			return
		}
		h.failAuthz(w, r, a.authzRequest, err)
		return
	}
	// "An ID token is only returned if openid scope is requested."
	q := url.Values{"access_token": {toks.AccessToken}, "token_type": {"Bearer"}, "expires_in": {strconv.Itoa(int(toks.ExpiresIn))}}
	if slices.Contains(a.scopes, "openid") {
		q.Set("id_token", toks.IDToken)
	}
	h.redirectTo(w, r, a.authzRequest, q)
}

// signedIn finishes a sign-in on the pages: the browser gets its session
// and the authorization request is completed.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, a *authz, u *auth.HostedUser) {
	h.signedInWith(w, r, a, u, nil)
}

// signedInWith is signedIn for a user who came through a SAML IdP whose
// session the domain's session keeps, for single logout.
func (h *Handler) signedInWith(w http.ResponseWriter, r *http.Request, a *authz, u *auth.HostedUser, saml *federation.SAMLSession) {
	ctx := r.Context()
	if err := h.startSession(ctx, w, r, u, saml); err != nil {
		h.failAuthz(w, r, a.authzRequest, err)
		return
	}
	h.complete(w, r, a, &sessionDoc{Pool: u.PoolID, Sub: u.Sub, Username: u.Username, AuthTime: u.AuthTime})
}

// checkedRequest re-checks the authorization request a page carries.
// Every page does, on every request: nothing a browser sends is trusted
// to have been checked before.
func (h *Handler) checkedRequest(w http.ResponseWriter, r *http.Request) (*authz, bool) {
	req := parseAuthz(r.URL.Query())
	a, err := h.check(r.Context(), siteOf(r), req)
	if err != nil {
		h.failAuthz(w, r, req, err)
		return nil, false
	}
	if a.provider != "" {
		// The pages never sign in a request meant for an upstream
		// provider: it goes there.
		h.federate(w, r, a)
		return nil, false
	}
	if a.providersOnly && (r.Method != http.MethodGet || r.URL.Path != "/login") {
		// The provider buttons are all such a client's pages offer.
		h.failAuthz(w, r, a.authzRequest, errNoCognito)
		return nil, false
	}
	return a, true
}
