package oauth

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/oauth/ui"
)

// notices are the status messages a page can be asked to show by its
// query (notice=…): a fixed set, so no text of the URL reaches the page.
var notices = map[string]string{
	"confirmed": "Your account is confirmed. Sign in to continue.",
	"reset":     "Your password has been reset. Sign in with your new password.",
	"signedout": "You have been signed out.",
}

// loginPage is GET /login: the sign-in form of an authorization request.
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	v := h.loginView(w, r, a, q.Get("username"))
	v.Notice = notices[q.Get("notice")]
	h.render(w, r, http.StatusOK, "login", v)
}

func (h *Handler) loginView(w http.ResponseWriter, r *http.Request, a *authz, username string) *ui.View {
	h.pageHeaders(w, a.RedirectURI)
	v := h.baseView(w, r, a)
	v.Title, v.Heading, v.Username = "Sign in", "Sign in to your account", username
	v.Action = v.LoginURL
	if a.providersOnly {
		v.ProvidersOnly, v.SignUpURL = true, ""
	}
	return v
}

// loginSubmit is POST /login: the username and password go to the
// sign-in service, which answers with the user, a challenge, or a refusal.
func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	username, pw := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	if r.PostFormValue("method") == "code" {
		h.codeSignIn(w, r, a, username)
		return
	}
	if username == "" || pw == "" {
		v := h.loginView(w, r, a, username)
		v.Error = "Enter your " + strings.ToLower(v.UsernameLabel) + " and password."
		h.render(w, r, http.StatusBadRequest, "login", v)
		return
	}
	step, err := h.auth.HostedSignIn(r.Context(), *a.client.ClientId, username, pw)
	h.advance(w, r, a, username, step, err)
}

// codeSignIn is the login form's "Sign in with a one-time code": a
// choice-based sign-in (USER_AUTH) without the password, whose
// SELECT_CHALLENGE the user answers with the code factors they have.
func (h *Handler) codeSignIn(w http.ResponseWriter, r *http.Request, a *authz, username string) {
	if username == "" {
		v := h.loginView(w, r, a, username)
		v.Error = "Enter your " + strings.ToLower(v.UsernameLabel) + "."
		h.render(w, r, http.StatusBadRequest, "login", v)
		return
	}
	step, err := h.auth.HostedUserAuth(r.Context(), *a.client.ClientId, username)
	if err == nil && step.Challenge == cognitoidp.ChallengeNameTypeSelectChallenge && !slices.ContainsFunc(step.Available, isCodeFactor) {
		// Only a password would do (no verified address, or a name the
		// client does not tell apart from one).
		v := h.loginView(w, r, a, username)
		v.Error = "This account cannot sign in with a one-time code. Enter your password."
		h.render(w, r, http.StatusBadRequest, "login", v)
		return
	}
	h.advance(w, r, a, username, step, err)
}

// codeFactors are the one-time code factors a pool allows as a first
// factor of choice-based sign-in.
func codeFactors(p *cognitoidp.UserPoolType) []string {
	var out []string
	if p.Policies != nil && p.Policies.SignInPolicy != nil {
		for _, f := range p.Policies.SignInPolicy.AllowedFirstAuthFactors {
			if isCodeFactor(f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func isCodeFactor(f string) bool {
	return f == cognitoidp.ChallengeNameTypeEmailOtp || f == cognitoidp.ChallengeNameTypeSmsOtp
}

// codeBurst codes in a row, then codeRate per second, per user.
const (
	codeBurst = 5
	codeRate  = 1.0 / 60
)

var codeLabels = map[string]string{
	cognitoidp.ChallengeNameTypeEmailOtp: "Email me a code",
	cognitoidp.ChallengeNameTypeSmsOtp:   "Text me a code",
}

// advance shows what follows a step of a sign-in: the app (signed in),
// the next challenge, or the sign-in page with the refusal.
func (h *Handler) advance(w http.ResponseWriter, r *http.Request, a *authz, username string, step *auth.HostedStep, err error) {
	if err != nil {
		h.signInFailed(w, r, a, username, err)
		return
	}
	if step.User != nil {
		h.signedIn(w, r, a, step.User)
		return
	}
	h.showChallenge(w, r, a, username, step, "")
}

// signInFailed shows a refused sign-in. Two refusals lead on instead of
// back: an unconfirmed user is sent a new code and asked for it, and a
// user whose password must be reset is sent a reset code, as Cognito's
// hosted UI does.
func (h *Handler) signInFailed(w http.ResponseWriter, r *http.Request, a *authz, username string, err error) {
	e, ok := errs.As(err)
	if !ok || errs.HTTPStatus(e) >= 500 {
		h.log.ErrorContext(r.Context(), "oauth: sign-in", "err", err)
		h.errorPage(w, r, http.StatusInternalServerError, "server_error", "Something went wrong. Please try again later.")
		return
	}
	switch e.Code {
	case errs.UserNotConfirmedException:
		h.sendConfirmation(w, r, a, username)
		return
	case errs.PasswordResetRequiredException:
		h.sendReset(w, r, a, username, "Your password must be reset. We sent you a code to choose a new one.")
		return
	}
	v := h.loginView(w, r, a, username)
	v.Error = e.Message
	if strings.HasPrefix(e.Message, "Invalid session for the user") {
		v.Error = "Your sign-in took too long. Please sign in again."
	}
	h.render(w, r, http.StatusBadRequest, "login", v)
}

// showChallenge renders the page that answers a challenge.
func (h *Handler) showChallenge(w http.ResponseWriter, r *http.Request, a *authz, username string, step *auth.HostedStep, problem string) {
	h.pageHeaders(w, a.RedirectURI)
	v := h.baseView(w, r, a)
	v.Action = siteOf(r).path("/login/respond") + "?" + a.query().Encode()
	v.Challenge, v.Session, v.Username, v.Error = step.Challenge, step.Session, username, problem
	page := "mfa"
	switch step.Challenge {
	case cognitoidp.ChallengeNameTypeNewPasswordRequired:
		page, v.Title, v.Heading = "newpassword", "Change password", "Choose a new password"
		var need []string
		_ = json.Unmarshal([]byte(step.Parameters["requiredAttributes"]), &need)
		for _, n := range need {
			name := strings.TrimPrefix(n, "userAttributes.")
			v.Fields = append(v.Fields, attributeField(name, true, r.PostFormValue("attr."+name)))
		}
	case cognitoidp.ChallengeNameTypeSoftwareTokenMfa:
		v.Title, v.Heading, v.CodeLabel = "Verify", "Two-step verification", "Code from your authenticator app"
	case cognitoidp.ChallengeNameTypeSmsMfa, cognitoidp.ChallengeNameTypeSmsOtp:
		v.Title, v.Heading, v.CodeLabel = "Verify", "Two-step verification", "Code sent by text message"
		v.Destination = step.Parameters["CODE_DELIVERY_DESTINATION"]
	case cognitoidp.ChallengeNameTypeEmailOtp:
		v.Title, v.Heading, v.CodeLabel = "Verify", "Two-step verification", "Code sent by email"
		v.Destination = step.Parameters["CODE_DELIVERY_DESTINATION"]
	case cognitoidp.ChallengeNameTypeSelectChallenge:
		page, v.Title, v.Heading, v.ChoiceLegend = "selectmfa", "Sign in", "Sign in with a one-time code", "Where should we send your code?"
		for _, c := range step.Available {
			if isCodeFactor(c) {
				v.MFAOptions = append(v.MFAOptions, ui.Option{Value: c, Label: codeLabels[c]})
			}
		}
	case cognitoidp.ChallengeNameTypeSelectMfaType:
		page, v.Title, v.Heading = "selectmfa", "Verify", "Two-step verification"
		var can []string
		_ = json.Unmarshal([]byte(step.Parameters["MFAS_CAN_CHOOSE"]), &can)
		for _, m := range can {
			v.MFAOptions = append(v.MFAOptions, ui.Option{Value: m, Label: mfaLabels[m]})
		}
	case cognitoidp.ChallengeNameTypeMfaSetup:
		if err := h.totpSetupView(r, a, step, username, r.PostFormValue("secret"), v); err != nil {
			h.signInFailed(w, r, a, username, err)
			return
		}
		page, v.Title, v.Heading = "totpsetup", "Set up two-step verification", "Set up your authenticator app"
	default:
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in step ("+step.Challenge+") is not available on this page.")
		return
	}
	if step.FirstFactor && isCodeFactor(step.Challenge) {
		v.Title, v.Heading, v.FirstFactor = "Sign in", "Sign in with a one-time code", true
	}
	status := http.StatusOK
	if problem != "" {
		status = http.StatusBadRequest
	}
	h.render(w, r, status, page, v)
}

var mfaLabels = map[string]string{
	cognitoidp.ChallengeNameTypeSoftwareTokenMfa: "Authenticator app",
	cognitoidp.ChallengeNameTypeSmsMfa:           "Text message (SMS)",
	cognitoidp.ChallengeNameTypeEmailOtp:         "Email",
}

// answerParam is the challenge response that carries a code.
var answerParam = map[string]string{
	cognitoidp.ChallengeNameTypeSoftwareTokenMfa: "SOFTWARE_TOKEN_MFA_CODE",
	cognitoidp.ChallengeNameTypeSmsMfa:           "SMS_MFA_CODE",
	cognitoidp.ChallengeNameTypeSmsOtp:           "SMS_OTP_CODE",
	cognitoidp.ChallengeNameTypeEmailOtp:         "EMAIL_OTP_CODE",
}

// challengeSubmit is POST /login/respond: the answer to a challenge.
func (h *Handler) challengeSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.checkedRequest(w, r)
	if !ok || !h.pageForm(w, r) {
		return
	}
	f := r.PostForm
	challenge, session, username := f.Get("challenge"), f.Get("session"), f.Get("username")
	// The page is shown again on a mistake, with the same session.
	again := &auth.HostedStep{Challenge: challenge, Session: session, Parameters: map[string]string{
		"CODE_DELIVERY_DESTINATION": f.Get("destination"),
	}, FirstFactor: f.Get("first") == "1"}
	responses := map[string]string{"USERNAME": username}
	switch challenge {
	case cognitoidp.ChallengeNameTypeNewPasswordRequired:
		for _, at := range formAttributes(f) {
			responses["userAttributes."+*at.Name] = *at.Value
		}
		// The page asks again for every attribute it asked for, filled in
		// or not.
		var need []string
		for k := range f {
			if name, ok := strings.CutPrefix(k, "attr."); ok && name != "" {
				need = append(need, "userAttributes."+name)
			}
		}
		slices.Sort(need)
		b, _ := json.Marshal(need)
		again.Parameters["requiredAttributes"] = string(b)
		if f.Get("password") != f.Get("password2") {
			h.showChallenge(w, r, a, username, again, "The passwords do not match.")
			return
		}
		responses["NEW_PASSWORD"] = f.Get("password")
	case cognitoidp.ChallengeNameTypeSelectMfaType:
		responses["ANSWER"] = f.Get("answer")
	case cognitoidp.ChallengeNameTypeSelectChallenge:
		// The choices are not carried back to show the page again: a
		// refused choice starts the sign-in over.
		answer := f.Get("answer")
		if !isCodeFactor(answer) {
			h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The sign-in step is not known.")
			return
		}
		// The code goes out now: a few in a row, then one a minute per
		// name typed (a user with aliases has one allowance per alias).
		if !h.codes.Allow(siteOf(r).poolID+"\x00"+strings.ToLower(username), codeRate, codeBurst) {
			v := h.loginView(w, r, a, username)
			v.Error = "Too many codes were sent to this account. Wait a minute, then try again."
			h.render(w, r, http.StatusTooManyRequests, "login", v)
			return
		}
		step, err := h.auth.HostedRespond(r.Context(), *a.client.ClientId, challenge, session, map[string]string{"USERNAME": username, "ANSWER": answer})
		h.advance(w, r, a, username, step, err)
		return
	case cognitoidp.ChallengeNameTypeMfaSetup:
		step, err := h.answerTOTPSetup(r, a, username, session, f.Get("code"), f.Get("device"))
		if err != nil && isClientError(err) && !isSessionError(err) {
			h.retryTOTPSetup(w, r, a, username, session, err)
			return
		}
		h.advance(w, r, a, username, step, err)
		return
	default:
		p, ok := answerParam[challenge]
		if !ok {
			h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The sign-in step is not known.")
			return
		}
		responses[p] = strings.TrimSpace(f.Get("code"))
	}
	step, err := h.auth.HostedRespond(r.Context(), *a.client.ClientId, challenge, session, responses)
	if err != nil && isClientError(err) && !isSessionError(err) {
		e, _ := errs.As(err)
		h.showChallenge(w, r, a, username, again, e.Message)
		return
	}
	h.advance(w, r, a, username, step, err)
}

// isSessionError reports a sign-in session that can no longer be
// answered: the user has to start again.
func isSessionError(err error) bool {
	e, ok := errs.As(err)
	return ok && strings.HasPrefix(e.Message, "Invalid session")
}
