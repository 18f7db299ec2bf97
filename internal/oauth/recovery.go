package oauth

import (
	"net/http"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/oauth/ui"
)

// forgotPage is GET /forgotPassword.
func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "forgot", h.forgotView(w, r, a, r.URL.Query().Get("username")))
}

func (h *Handler) forgotView(w http.ResponseWriter, r *http.Request, a *authz, username string) *ui.View {
	h.pageHeaders(w, a.RedirectURI)
	v := h.baseView(w, r, a)
	v.Title, v.Heading, v.Username, v.Action = "Forgot password", "Reset your password", username, v.ForgotURL
	return v
}

// forgotSubmit is POST /forgotPassword: ForgotPassword sends a code by
// the pool's recovery setting, and the reset page asks for it.
func (h *Handler) forgotSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	h.sendReset(w, r, a, strings.TrimSpace(r.PostFormValue("username")), "")
}

// sendReset sends a password reset code and shows the reset page.
func (h *Handler) sendReset(w http.ResponseWriter, r *http.Request, a *authz, username, notice string) {
	in := &cognitoidp.ForgotPasswordRequest{ClientId: a.client.ClientId, Username: &username, SecretHash: secretHash(a.client, username)}
	var out *cognitoidp.ForgotPasswordResponse
	err := h.domainCall(in, func() (err error) {
		out, err = h.users.ForgotPassword(r.Context(), in)
		return err
	})
	if err != nil {
		h.pageFailed(w, r, err, func(msg string) {
			v := h.forgotView(w, r, a, username)
			v.Error = msg
			h.render(w, r, http.StatusBadRequest, "forgot", v)
		})
		return
	}
	v := h.resetView(w, r, a, username)
	v.Notice = notice
	if out.CodeDeliveryDetails != nil {
		v.Destination = deref(out.CodeDeliveryDetails.Destination)
	}
	h.render(w, r, http.StatusOK, "reset", v)
}

func (h *Handler) resetView(w http.ResponseWriter, r *http.Request, a *authz, username string) *ui.View {
	h.pageHeaders(w, a.RedirectURI)
	v := h.baseView(w, r, a)
	v.Title, v.Heading, v.Username = "Reset password", "Choose a new password", username
	v.Action = siteOf(r).path("/confirmForgotPassword") + "?" + a.query().Encode()
	return v
}

// resetPage is GET /confirmForgotPassword?username=….
func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "reset", h.resetView(w, r, a, r.URL.Query().Get("username")))
}

// resetSubmit is POST /confirmForgotPassword: ConfirmForgotPassword, then
// the sign-in page.
func (h *Handler) resetSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	f := r.PostForm
	username, code, pw := strings.TrimSpace(f.Get("username")), strings.TrimSpace(f.Get("code")), f.Get("password")
	show := func(msg string) {
		v := h.resetView(w, r, a, username)
		v.Error = msg
		h.render(w, r, http.StatusBadRequest, "reset", v)
	}
	if pw != f.Get("password2") {
		show("The passwords do not match.")
		return
	}
	in := &cognitoidp.ConfirmForgotPasswordRequest{
		ClientId: a.client.ClientId, Username: &username, ConfirmationCode: &code, Password: &pw,
		SecretHash: secretHash(a.client, username),
	}
	err := h.domainCall(in, func() error {
		_, err := h.users.ConfirmForgotPassword(r.Context(), in)
		return err
	})
	if err != nil {
		h.pageFailed(w, r, err, show)
		return
	}
	h.toLogin(w, r, a, username, "reset")
}
