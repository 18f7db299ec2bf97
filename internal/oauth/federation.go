package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/federation"
)

// Federation is sign-in through upstream identity providers, as the
// domain uses it (internal/federation implements it): the domain keeps
// the browser, the cookies and the authorization code; the federation
// service everything between the upstream redirect and the user.
type Federation interface {
	ProviderForIdentifier(ctx context.Context, poolID, identifier string) (string, error)
	Start(ctx context.Context, in federation.StartRequest) (*federation.Redirect, error)
	Finish(ctx context.Context, cb federation.Callback) (*federation.SignedIn, error)
	FinishSAML(ctx context.Context, cb federation.SAMLCallback) (*federation.SignedIn, error)
	SAMLMetadata(ctx context.Context, poolID, provider, base string) ([]byte, error)
	StartLogout(ctx context.Context, in federation.LogoutStart) (string, error)
	FinishLogout(ctx context.Context, cb federation.LogoutCallback) (string, error)
}

// federationCookie binds a sign-in at an upstream provider to the browser
// that started it.
const federationCookie = "cirro-federation"

// upstreamProvider decides whether an authorization request signs in
// through an upstream provider, and which: the one identity_provider or
// idp_identifier names, or the only one of a client that does not sign
// in with the pool itself (Cognito sends such a browser straight there).
// "" is the pool's own sign-in.
func (h *Handler) upstreamProvider(ctx context.Context, s *site, a *authz) (string, error) {
	c := a.client
	name := a.IdentityProvider
	switch {
	case name == cognitoProvider:
		return "", nil
	case name == "" && a.IDPIdentifier != "":
		if h.fed == nil {
			return "", errInvalidRequest("Sign-in through an identity provider is not available.")
		}
		n, err := h.fed.ProviderForIdentifier(ctx, s.poolID, a.IDPIdentifier)
		if errs.Is(err, errs.ResourceNotFoundException) {
			return "", errInvalidRequest("No identity provider has the identifier " + a.IDPIdentifier + ".")
		}
		if err != nil {
			return "", err
		}
		name = n
	case name == "":
		others := slices.DeleteFunc(slices.Clone(c.SupportedIdentityProviders), func(n string) bool { return n == cognitoProvider })
		if slices.Contains(c.SupportedIdentityProviders, cognitoProvider) || len(others) != 1 {
			return "", nil
		}
		name = others[0]
	}
	if !slices.Contains(c.SupportedIdentityProviders, name) {
		return "", errInvalidRequest("The identity provider " + name + " is not enabled for the app client.")
	}
	if h.fed == nil {
		return "", errInvalidRequest("Sign-in through an identity provider is not available.")
	}
	return name, nil
}

// federate sends the browser to the upstream provider of a checked
// authorization request.
func (h *Handler) federate(w http.ResponseWriter, r *http.Request, a *authz) {
	s := siteOf(r)
	cookie := s.cookie(r, federationCookie)
	red, err := h.fed.Start(r.Context(), federation.StartRequest{
		PoolID: s.poolID, ClientID: *a.client.ClientId, Provider: a.provider,
		Callback: h.idpCallback(r), Resume: a.query().Encode(), Binding: cookie,
	})
	if err != nil {
		h.failAuthz(w, r, a.authzRequest, failureError(err))
		return
	}
	if red.Binding != cookie {
		s.setCookie(w, federationCookie, red.Binding, 0)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, red.URL, http.StatusFound)
}

// idpCallback is this domain's /oauth2/idpresponse as the browser reaches
// it: the URL to register at the upstream provider.
func (h *Handler) idpCallback(r *http.Request) string { return h.siteBase(r) + "/oauth2/idpresponse" }

// siteBase is the domain as the browser reaches it: scheme, host and the
// path prefix of the path forms.
func (h *Handler) siteBase(r *http.Request) string {
	s := siteOf(r)
	if s.prefix != "" {
		return h.public.String() + s.prefix
	}
	scheme := h.public.Scheme
	if s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// samlResponse is POST /saml2/idpresponse, the assertion consumer service
// of the pool's SAML service provider.
func (h *Handler) samlResponse(w http.ResponseWriter, r *http.Request) {
	if h.fed == nil {
		h.errorPage(w, r, http.StatusNotFound, "not_found", "This page does not exist.")
		return
	}
	res, err := h.fed.FinishSAML(r.Context(), federation.SAMLCallback{PoolID: siteOf(r).poolID, Base: h.siteBase(r), Request: r})
	h.resumeFederated(w, r, res, err)
}

// samlMetadata is GET /saml2/metadata?identity_provider=<name>: the pool's
// service provider metadata for one SAML provider, to give its IdP.
func (h *Handler) samlMetadata(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("identity_provider")
	if h.fed == nil || name == "" {
		h.errorPage(w, r, http.StatusNotFound, "not_found", "This page does not exist.")
		return
	}
	doc, err := h.fed.SAMLMetadata(r.Context(), siteOf(r).poolID, name, h.siteBase(r))
	if err != nil {
		if !isClientError(err) {
			h.log.ErrorContext(r.Context(), "oauth: SAML metadata", "err", err)
		}
		h.errorPage(w, r, http.StatusNotFound, "not_found", "This SAML identity provider does not exist.")
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Write(doc)
}

// samlLogout is /saml2/logout, the end of SAML single logout (see
// internal/federation/logout.go): the IdP's LogoutResponse to a logout
// /logout started, after which the browser goes where /logout was asked
// to, or a LogoutRequest the IdP started, which ends its user's sessions
// here and goes back to the IdP with the answer. Either way the
// browser's own session on the domain, if it sent its cookie, ends.
func (h *Handler) samlLogout(w http.ResponseWriter, r *http.Request) {
	if h.fed == nil {
		h.errorPage(w, r, http.StatusNotFound, "not_found", "This page does not exist.")
		return
	}
	ctx, s := r.Context(), siteOf(r)
	next, err := h.fed.FinishLogout(ctx, federation.LogoutCallback{
		PoolID: s.poolID, Base: h.siteBase(r), Request: r,
		EndSessions: func(ctx context.Context, ss federation.SAMLSession) error {
			return h.endSAMLSessions(ctx, s.poolID, ss)
		},
	})
	if err != nil {
		if !errors.Is(err, federation.ErrLogout) {
			h.log.ErrorContext(ctx, "oauth: SAML logout", "err", err)
		}
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-out cannot be completed. Please start again from the app.")
		return
	}
	h.endSession(ctx, w, r)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusFound)
}

// idpResponse is /oauth2/idpresponse: the upstream provider's answer, by
// redirect (GET) or posted back (response_mode=form_post).
func (h *Handler) idpResponse(w http.ResponseWriter, r *http.Request) {
	s := siteOf(r)
	if h.fed == nil {
		h.errorPage(w, r, http.StatusNotFound, "not_found", "This page does not exist.")
		return
	}
	q := r.URL.Query()
	formPost := r.Method == http.MethodPost
	if formPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxPageForm)
		if err := r.ParseForm(); err != nil {
			h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "The form could not be read.")
			return
		}
		q = r.PostForm
	}
	res, err := h.fed.Finish(r.Context(), federation.Callback{
		PoolID: s.poolID, State: q.Get("state"), Code: q.Get("code"),
		Error: q.Get("error"), ErrorDescription: q.Get("error_description"),
		Binding: s.cookie(r, federationCookie), FormPost: formPost, AppleUser: q.Get("user"),
	})
	h.resumeFederated(w, r, res, err)
}

// resumeFederated ends a federated sign-in: the client's authorization
// request, checked again, is completed for the signed-in user, or
// answered with the failure.
func (h *Handler) resumeFederated(w http.ResponseWriter, r *http.Request, res *federation.SignedIn, err error) {
	var f *federation.Failure
	resume := ""
	switch {
	case errors.As(err, &f):
		resume = f.Resume
	case err != nil:
		if !isClientError(err) && !errors.Is(err, federation.ErrState) {
			h.log.ErrorContext(r.Context(), "oauth: federated sign-in", "err", err)
		}
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in cannot be completed. Please start again from the app.")
		return
	default:
		resume = res.Resume
	}
	q, perr := url.ParseQuery(resume)
	req := parseAuthz(q)
	a, cerr := h.check(r.Context(), siteOf(r), req)
	switch {
	case perr != nil:
		h.errorPage(w, r, http.StatusBadRequest, "invalid_request", "This sign-in cannot be completed. Please start again from the app.")
	case cerr != nil:
		h.failAuthz(w, r, req, cerr)
	case f != nil:
		h.failAuthz(w, r, req, failureError(f))
	default:
		h.signedInWith(w, r, a, &auth.HostedUser{PoolID: res.PoolID, Sub: res.Sub, Username: res.Username, AuthTime: res.AuthTime}, res.SAML)
	}
}

// failureError is a federation failure as the error redirected to the
// client.
func failureError(err error) error {
	var f *federation.Failure
	if errors.As(err, &f) {
		return &oauthError{Code: f.Code, Description: f.Description, status: http.StatusBadRequest}
	}
	return err
}
