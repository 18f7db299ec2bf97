package oauth

import (
	"encoding/json"
	"net/http"

	"github.com/cirrohq/cirro/internal/oauth/ui"
)

// oauthError is an RFC 6749 error: the error code and, where it helps,
// a description.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	status      int
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

// RFC 6749 §5.2 and Cognito's token and revocation endpoints: 400 for
// everything but a failed client authentication, which is 401.
func errInvalidRequest(desc string) *oauthError {
	return &oauthError{Code: "invalid_request", Description: desc, status: http.StatusBadRequest}
}
func errInvalidClient(desc string) *oauthError {
	return &oauthError{Code: "invalid_client", Description: desc, status: http.StatusUnauthorized}
}
func errInvalidGrant(desc string) *oauthError {
	return &oauthError{Code: "invalid_grant", Description: desc, status: http.StatusBadRequest}
}
func errUnauthorizedClient(desc string) *oauthError {
	return &oauthError{Code: "unauthorized_client", Description: desc, status: http.StatusBadRequest}
}
func errInvalidScope(desc string) *oauthError {
	return &oauthError{Code: "invalid_scope", Description: desc, status: http.StatusBadRequest}
}
func errServer() *oauthError {
	return &oauthError{Code: "server_error", status: http.StatusInternalServerError}
}

// writeJSON answers an endpoint called by the client itself (not a
// browser page): never cached, readable cross-origin (Cognito's token
// endpoint sends Access-Control-Allow-Origin: *, so browser apps can
// redeem codes with PKCE).
func writeJSON(w http.ResponseWriter, status int, v any) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json;charset=UTF-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Pragma", "no-cache")
	hd.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (h *Handler) writeOAuthError(w http.ResponseWriter, r *http.Request, e *oauthError, basicAuth bool) {
	if e.Code == "invalid_client" && basicAuth {
		// RFC 6749 §5.2: a client that tried HTTP Basic is told which
		// scheme to use.
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2"`)
	}
	writeJSON(w, e.status, e)
}

func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	hd.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// errorPage is the domain's error page, shown instead of a redirect when
// the redirect target cannot be trusted (an unknown client, a redirect
// URI it did not register). Cognito answers these at /error with
// "An error was encountered with the requested page." and the error code.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	h.pageHeaders(w)
	v := h.baseView(w, r, nil)
	v.Title, v.Heading = "Something went wrong", "Something went wrong"
	v.Error = msg
	v.ErrorCode = code
	h.render(w, r, status, "error", v)
}

// errorEndpoint serves GET /error?error=…, the page Cognito redirects
// to; the code is shown only if it is one of the known ones.
func (h *Handler) errorEndpoint(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("error")
	msg, ok := knownErrors[code]
	if !ok {
		code, msg = "", "An error was encountered with the requested page."
	}
	h.errorPage(w, r, http.StatusBadRequest, code, msg)
}

var knownErrors = map[string]string{
	"redirect_mismatch": "The redirect URI is not registered for this app client.",
	"invalid_request":   "The request is not valid.",
	"csrf":              "Your form expired. Go back, reload the page and try again.",
}

// render writes a page, logging (not showing) a template failure.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page string, v *ui.View) {
	if err := h.pages.Render(w, status, page, v); err != nil {
		h.log.ErrorContext(r.Context(), "oauth: render", "page", page, "err", err)
	}
}
