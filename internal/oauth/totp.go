package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/mfa"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/oauth/ui"
)

// SoftwareTokens is the TOTP setup of the MFA service (*mfa.Service): the
// hosted UI answers MFA_SETUP with the same AssociateSoftwareToken and
// VerifySoftwareToken an app calls.
type SoftwareTokens interface {
	AssociateSoftwareToken(ctx context.Context, in *cognitoidp.AssociateSoftwareTokenRequest) (*cognitoidp.AssociateSoftwareTokenResponse, error)
	VerifySoftwareToken(ctx context.Context, in *cognitoidp.VerifySoftwareTokenRequest) (*cognitoidp.VerifySoftwareTokenResponse, error)
}

var errNoTOTPSetup = errors.New("oauth: no MFA service to set up an authenticator with")

// base32Secret is the shape of a TOTP secret as AssociateSoftwareToken
// hands it out; a posted secret is only ever displayed again, but it must
// look like one.
var base32Secret = regexp.MustCompile(`^[A-Z2-7]{16,128}=*$`)

// totpSetupView fills the page of an MFA_SETUP challenge: a new secret
// for the user, as a QR code of its otpauth:// URI and as text. secret
// is the one already associated when the page is shown again after a
// wrong code.
func (h *Handler) totpSetupView(r *http.Request, a *authz, step *auth.HostedStep, username, secret string, v *ui.View) error {
	if h.mfa == nil {
		return errNoTOTPSetup
	}
	clientID := *a.client.ClientId
	if !base32Secret.MatchString(secret) {
		out, err := h.mfa.AssociateSoftwareToken(r.Context(), &cognitoidp.AssociateSoftwareTokenRequest{Session: mfa.SetupSession(clientID, step.Session)})
		if err != nil {
			return err
		}
		secret = deref(out.SecretCode)
	}
	issuer := deref(a.client.ClientName)
	if issuer == "" {
		issuer = "cirro"
	}
	// Key URI Format (Google Authenticator): otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER
	uri := (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + username,
		RawQuery: url.Values{"secret": {secret}, "issuer": {issuer}}.Encode()}).String()
	qr, err := ui.QRCode(uri, "QR code to add "+issuer+" to an authenticator app")
	if err != nil {
		return err
	}
	v.QRCode, v.SecretCode, v.SecretGroups = qr, secret, groups(secret, 4)
	return nil
}

// groups splits s into space-separated groups of n characters.
func groups(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

// answerTOTPSetup verifies the first code of the new authenticator
// (VerifySoftwareToken with the challenge's session), then completes
// MFA_SETUP with the session it answers.
func (h *Handler) answerTOTPSetup(r *http.Request, a *authz, username, session, code, device string) (*auth.HostedStep, error) {
	if h.mfa == nil {
		return nil, errNoTOTPSetup
	}
	clientID := *a.client.ClientId
	in := &cognitoidp.VerifySoftwareTokenRequest{Session: mfa.SetupSession(clientID, session), UserCode: &code}
	if device != "" {
		in.FriendlyDeviceName = &device
	}
	var out *cognitoidp.VerifySoftwareTokenResponse
	err := h.domainCall(in, func() (err error) {
		out, err = h.mfa.VerifySoftwareToken(r.Context(), in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h.auth.HostedRespond(r.Context(), clientID, cognitoidp.ChallengeNameTypeMfaSetup, deref(out.Session),
		map[string]string{"USERNAME": username})
}

// retryTOTPSetup shows the setup page again, with the same secret, after
// a code that did not verify.
func (h *Handler) retryTOTPSetup(w http.ResponseWriter, r *http.Request, a *authz, username, session string, err error) {
	e, _ := errs.As(err)
	step := &auth.HostedStep{Challenge: cognitoidp.ChallengeNameTypeMfaSetup, Session: session}
	h.showChallenge(w, r, a, username, step, e.Message)
}
