package oauth

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/oauth/ui"
)

// signUpPage is GET /signup.
func (h *Handler) signUpPage(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok {
		return
	}
	v, ok := h.signUpView(w, r, a, url.Values{})
	if ok {
		h.render(w, r, http.StatusOK, "signup", v)
	}
}

func (h *Handler) signUpView(w http.ResponseWriter, r *http.Request, a *authz, form url.Values) (*ui.View, bool) {
	h.pageHeaders(w, a.RedirectURI)
	v := h.baseView(w, r, a)
	if v.SignUpURL == "" {
		h.errorPage(w, r, http.StatusForbidden, "invalid_request", "Sign-up is not permitted for this user pool.")
		return nil, false
	}
	p, err := h.poolOf(r.Context(), siteOf(r))
	if err != nil {
		h.log.ErrorContext(r.Context(), "oauth: sign-up page", "err", err)
		h.errorPage(w, r, http.StatusInternalServerError, "server_error", "Something went wrong. Please try again later.")
		return nil, false
	}
	v.Title, v.Heading, v.Action = "Sign up", "Create your account", v.SignUpURL
	v.Username = strings.TrimSpace(form.Get("username"))
	v.Fields = signUpFields(p, form)
	return v, true
}

// signUpSubmit is POST /signup: SignUp, then the confirmation page, or,
// for a user confirmed at once (no verification, or a pre sign-up trigger
// that confirms), straight on to sign-in with the password just chosen.
func (h *Handler) signUpSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	f := r.PostForm
	username, pw := strings.TrimSpace(f.Get("username")), f.Get("password")
	in := &cognitoidp.SignUpRequest{
		ClientId: a.client.ClientId, Username: &username, Password: &pw,
		UserAttributes: formAttributes(f), SecretHash: secretHash(a.client, username),
	}
	fail := func(msg string) {
		if v, ok := h.signUpView(w, r, a, f); ok {
			v.Error = msg
			h.render(w, r, http.StatusBadRequest, "signup", v)
		}
	}
	var out *cognitoidp.SignUpResponse
	err := h.domainCall(in, func() (err error) {
		out, err = h.users.SignUp(r.Context(), in)
		return err
	})
	if err != nil {
		if isClientError(err) {
			e, _ := errs.As(err)
			fail(e.Message)
			return
		}
		h.log.ErrorContext(r.Context(), "oauth: sign-up", "err", err)
		h.errorPage(w, r, http.StatusInternalServerError, "server_error", "Something went wrong. Please try again later.")
		return
	}
	if out.UserConfirmed != nil && *out.UserConfirmed {
		step, err := h.auth.HostedSignIn(r.Context(), *a.client.ClientId, username, pw)
		h.advance(w, r, a, username, step, err)
		return
	}
	v := h.confirmView(w, r, a, username)
	if d := out.CodeDeliveryDetails; d != nil {
		v.Destination = deref(d.Destination)
	}
	h.render(w, r, http.StatusOK, "confirm", v)
}

func (h *Handler) confirmView(w http.ResponseWriter, r *http.Request, a *authz, username string) *ui.View {
	h.pageHeaders(w, a.RedirectURI)
	v := h.baseView(w, r, a)
	v.Title, v.Heading, v.Username = "Confirm your account", "Confirm your account", username
	v.Action = siteOf(r).path("/confirm") + "?" + a.query().Encode()
	return v
}

// confirmPage is GET /confirm?username=…: the code entry for a sign-up.
func (h *Handler) confirmPage(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "confirm", h.confirmView(w, r, a, r.URL.Query().Get("username")))
}

// confirmSubmit is POST /confirm: ConfirmSignUp, then the sign-in page.
func (h *Handler) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	username, code := strings.TrimSpace(r.PostFormValue("username")), strings.TrimSpace(r.PostFormValue("code"))
	in := &cognitoidp.ConfirmSignUpRequest{
		ClientId: a.client.ClientId, Username: &username, ConfirmationCode: &code, SecretHash: secretHash(a.client, username),
	}
	err := h.domainCall(in, func() error {
		_, err := h.users.ConfirmSignUp(r.Context(), in)
		return err
	})
	if err != nil {
		h.pageFailed(w, r, err, func(msg string) {
			v := h.confirmView(w, r, a, username)
			v.Error = msg
			h.render(w, r, http.StatusBadRequest, "confirm", v)
		})
		return
	}
	h.toLogin(w, r, a, username, "confirmed")
}

// resendSubmit is POST /confirm/resend: a new sign-up code.
func (h *Handler) resendSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	h.sendConfirmation(w, r, a, strings.TrimSpace(r.PostFormValue("username")))
}

// sendConfirmation sends a sign-up code and shows the confirmation page.
func (h *Handler) sendConfirmation(w http.ResponseWriter, r *http.Request, a *authz, username string) {
	in := &cognitoidp.ResendConfirmationCodeRequest{ClientId: a.client.ClientId, Username: &username, SecretHash: secretHash(a.client, username)}
	var out *cognitoidp.ResendConfirmationCodeResponse
	err := h.domainCall(in, func() (err error) {
		out, err = h.users.ResendConfirmationCode(r.Context(), in)
		return err
	})
	v := h.confirmView(w, r, a, username)
	status := http.StatusOK
	if err != nil {
		if !isClientError(err) {
			h.pageFailed(w, r, err, nil)
			return
		}
		e, _ := errs.As(err)
		v.Error, status = e.Message, http.StatusBadRequest
	} else {
		v.Notice = "Your account is not confirmed yet. We sent you a new code."
		if out.CodeDeliveryDetails != nil {
			v.Destination = deref(out.CodeDeliveryDetails.Destination)
		}
	}
	h.render(w, r, status, "confirm", v)
}

// toLogin sends the browser to the sign-in page with a notice (a
// redirect after a successful form, so reloading does not post again).
func (h *Handler) toLogin(w http.ResponseWriter, r *http.Request, a *authz, username, notice string) {
	q := a.query()
	q.Set("username", username)
	q.Set("notice", notice)
	http.Redirect(w, r, siteOf(r).path("/login")+"?"+q.Encode(), http.StatusSeeOther)
}

// domainCall validates a request the page built, as the API's edge
// would, then runs the domain operation.
func (h *Handler) domainCall(in validatable, call func() error) error {
	if msg := validate(in); msg != "" {
		return errs.New(errs.InvalidParameterException, msg)
	}
	return call()
}

// pageFailed shows a refusal with show, or an internal failure as the
// error page.
func (h *Handler) pageFailed(w http.ResponseWriter, r *http.Request, err error, show func(msg string)) {
	if e, ok := errs.As(err); ok && errs.HTTPStatus(e) < 500 && show != nil {
		show(e.Message)
		return
	}
	h.log.ErrorContext(r.Context(), "oauth: page", "path", r.URL.Path, "err", err)
	h.errorPage(w, r, http.StatusInternalServerError, "server_error", "Something went wrong. Please try again later.")
}
