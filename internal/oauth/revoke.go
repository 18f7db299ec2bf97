package oauth

import (
	"net/http"

	"github.com/cirrohq/cirro/internal/errs"
)

// revoke is POST /oauth2/revoke (developer guide, "Revoke endpoint"): it
// revokes a refresh token and every token of its session. Errors:
// invalid_request when the token is missing or the client has token
// revocation off, unsupported_token_type for an ID or access token,
// invalid_client (401) for bad credentials, and 200 with an empty body
// for anything else, an unknown or foreign token included (RFC 7009
// §2.2).
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	if oe := parseForm(w, r); oe != nil {
		h.writeOAuthError(w, r, oe, false)
		return
	}
	ctx := r.Context()
	ac, oe := h.authenticateClient(ctx, r)
	if oe != nil {
		_, _, basic := r.BasicAuth()
		h.writeOAuthError(w, r, oe, basic)
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		h.writeOAuthError(w, r, errInvalidRequest("token is required."), ac.basic)
		return
	}
	err := h.tokens.RevokeRefreshToken(ctx, tok, *ac.client.ClientId)
	e, ok := errs.As(err)
	switch {
	case err == nil:
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(http.StatusOK)
	case ok && e.Code == errs.UnsupportedTokenTypeException:
		h.writeOAuthError(w, r, &oauthError{Code: "unsupported_token_type", status: http.StatusBadRequest}, ac.basic)
	case ok && e.Code == errs.UnsupportedOperationException:
		h.writeOAuthError(w, r, errInvalidRequest(e.Message), ac.basic)
	default:
		h.log.ErrorContext(ctx, "oauth: revoke", "err", err)
		h.writeOAuthError(w, r, errServer(), ac.basic)
	}
}
