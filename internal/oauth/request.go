package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// authzParams are the parameters of an authorization request, in the
// order they are carried from page to page.
var authzParams = []string{
	"response_type", "client_id", "redirect_uri", "state", "scope", "nonce",
	"code_challenge", "code_challenge_method", "identity_provider", "idp_identifier", "prompt", "lang",
}

// authzRequest is an authorization request as /oauth2/authorize receives
// it; the hosted pages carry it in their URLs' query.
type authzRequest struct {
	ResponseType, ClientID, RedirectURI, State, Scope, Nonce string
	Challenge, ChallengeMethod                               string
	IdentityProvider, IDPIdentifier, Prompt, Lang            string
}

func parseAuthz(q url.Values) *authzRequest {
	return &authzRequest{
		ResponseType: q.Get("response_type"), ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"),
		State: q.Get("state"), Scope: q.Get("scope"), Nonce: q.Get("nonce"),
		Challenge: q.Get("code_challenge"), ChallengeMethod: q.Get("code_challenge_method"),
		IdentityProvider: q.Get("identity_provider"), IDPIdentifier: q.Get("idp_identifier"),
		Prompt: q.Get("prompt"), Lang: q.Get("lang"),
	}
}

// query is the request as a query string, for the pages' links and forms.
func (a *authzRequest) query() url.Values {
	v := []string{a.ResponseType, a.ClientID, a.RedirectURI, a.State, a.Scope, a.Nonce,
		a.Challenge, a.ChallengeMethod, a.IdentityProvider, a.IDPIdentifier, a.Prompt, a.Lang}
	q := url.Values{}
	for i, name := range authzParams {
		if v[i] != "" {
			q.Set(name, v[i])
		}
	}
	return q
}

// authz is a checked authorization request: the client and the scopes
// the tokens will carry.
type authz struct {
	*authzRequest
	client *cognitoidp.UserPoolClientType
	scopes []string
	// provider is the upstream identity provider the request signs in
	// through (federation.go); "" for the pool's own sign-in.
	provider string
	// providersOnly marks a client that does not sign in with the pool
	// (no COGNITO) but lists several providers: its sign-in page offers
	// only their buttons, as Cognito's does, and no other page serves it.
	providersOnly bool
}

// fatal is a request error that must not be redirected: the redirect URI
// cannot be trusted, so the browser gets an error page.
type fatal struct{ code, msg string }

func (f *fatal) Error() string { return f.code + ": " + f.msg }

// pkceVerifier is RFC 7636's unreserved alphabet; challenges and
// verifiers are 43 to 128 of its characters.
var pkceVerifier = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// check validates an authorization request against the site's pool, in
// Cognito's order (developer guide, "Authorize endpoint"): the client
// and the redirect URI first, whose failures show an error page; then
// everything else, whose failures are redirected to the client as
// error=… (*oauthError).
func (h *Handler) check(ctx context.Context, s *site, a *authzRequest) (*authz, error) {
	if a.ClientID == "" {
		return nil, &fatal{"invalid_request", "The request has no client_id."}
	}
	c, err := h.client(ctx, s, a.ClientID)
	if err != nil {
		return nil, err
	}
	if a.RedirectURI == "" || !slices.Contains(c.CallbackURLs, a.RedirectURI) {
		return nil, &fatal{"redirect_mismatch", "The redirect URI is not registered for this app client."}
	}
	out := &authz{authzRequest: a, client: c}
	flows := c.AllowedOAuthFlows
	switch {
	case c.AllowedOAuthFlowsUserPoolClient == nil || !*c.AllowedOAuthFlowsUserPoolClient:
		return nil, errUnauthorizedClient("The app client is not enabled for OAuth flows.")
	case a.ResponseType == "":
		return nil, errInvalidRequest("response_type is required.")
	case a.ResponseType != "code" && a.ResponseType != "token":
		return nil, &oauthError{Code: "unsupported_response_type", status: http.StatusBadRequest}
	case a.ResponseType == "code" && !slices.Contains(flows, cognitoidp.OAuthFlowTypeCode),
		a.ResponseType == "token" && !slices.Contains(flows, cognitoidp.OAuthFlowTypeImplicit):
		return nil, errUnauthorizedClient("The app client is not allowed the response_type " + a.ResponseType + ".")
	}
	if a.ResponseType == "code" {
		switch {
		case a.Challenge != "" && a.ChallengeMethod == "":
			return nil, errInvalidRequest("code_challenge_method is required with code_challenge.")
		case a.ChallengeMethod != "" && a.ChallengeMethod != "S256" && a.ChallengeMethod != "plain":
			return nil, errInvalidRequest("code_challenge_method must be S256 or plain.")
		case a.ChallengeMethod != "" && !pkceVerifier.MatchString(a.Challenge):
			return nil, errInvalidRequest("code_challenge is not a valid PKCE challenge.")
		}
	}
	if out.scopes, err = grantScopes(c, a.Scope); err != nil {
		return nil, err
	}
	if out.provider, err = h.upstreamProvider(ctx, s, out); err != nil {
		return nil, err
	}
	if out.provider == "" && !slices.Contains(c.SupportedIdentityProviders, cognitoProvider) {
		if len(c.SupportedIdentityProviders) < 2 || h.fed == nil {
			return nil, errNoCognito
		}
		out.providersOnly = true
	}
	return out, nil
}

const cognitoProvider = "COGNITO"

var errNoCognito = errUnauthorizedClient("The app client does not allow sign-in with the user pool (COGNITO).")

// oidcScopes are the scopes that shape the ID token and userInfo, which
// "can only be requested if openid scope is also requested" (developer
// guide, "Authorize endpoint").
var oidcScopes = []string{"email", "phone", "profile"}

// grantScopes decides an authorization request's scopes: "Any scope used
// must be preassociated with the client or it will be ignored at
// runtime. If the client doesn't request any scopes, the authentication
// server uses all scopes associated with the client." A request left
// with no scope at all is invalid_scope.
func grantScopes(c *cognitoidp.UserPoolClientType, requested string) ([]string, error) {
	var out []string
	if strings.TrimSpace(requested) == "" {
		out = slices.Clone(c.AllowedOAuthScopes)
	} else {
		for _, sc := range strings.Fields(requested) {
			if slices.Contains(c.AllowedOAuthScopes, sc) && !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	if len(out) == 0 {
		return nil, errInvalidScope("None of the requested scopes is allowed for the app client.")
	}
	if !slices.Contains(out, "openid") && slices.ContainsFunc(out, func(sc string) bool { return slices.Contains(oidcScopes, sc) }) {
		return nil, errInvalidScope("The email, phone and profile scopes require the openid scope.")
	}
	return out, nil
}

// client reads an app client of the site's pool. An unknown client, or
// one of another pool, is fatal: there is no redirect URI to trust.
func (h *Handler) client(ctx context.Context, s *site, clientID string) (*cognitoidp.UserPoolClientType, error) {
	var c *cognitoidp.UserPoolClientType
	err := h.store.Read(ctx, func(tx store.Tx) (err error) {
		c, err = h.pools.Client(ctx, tx, clientID)
		return err
	})
	if errs.Is(err, errs.ResourceNotFoundException) || err == nil && deref(c.UserPoolId) != s.poolID {
		return nil, &fatal{"invalid_request", "The app client does not exist."}
	}
	return c, err
}

// failAuthz answers a failed authorization request: an error page for a
// fatal error, a redirect with error=… to the client otherwise.
func (h *Handler) failAuthz(w http.ResponseWriter, r *http.Request, a *authzRequest, err error) {
	var f *fatal
	var oe *oauthError
	switch {
	case errors.As(err, &f):
		h.errorPage(w, r, http.StatusBadRequest, f.code, f.msg)
	case errors.As(err, &oe):
		q := url.Values{"error": {oe.Code}}
		if oe.Description != "" {
			q.Set("error_description", oe.Description)
		}
		h.redirectTo(w, r, a, q)
	default:
		h.log.ErrorContext(r.Context(), "oauth: authorization", "err", err)
		// "It should not be the HTTP 500 error displayed to the end user
		// in the browser" (developer guide): server_error goes to the
		// client, once the redirect URI is known to be the client's.
		h.redirectTo(w, r, a, url.Values{"error": {"server_error"}})
	}
}

// redirectTo sends the browser to the request's redirect URI with params
// in the query (code flow, errors) or, for the implicit grant's tokens,
// in the fragment. The caller has checked the redirect URI.
func (h *Handler) redirectTo(w http.ResponseWriter, r *http.Request, a *authzRequest, params url.Values) {
	if a.State != "" {
		params.Set("state", a.State)
	}
	u, err := url.Parse(a.RedirectURI)
	if err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "redirect_mismatch", "The redirect URI is not valid.")
		return
	}
	if a.ResponseType == "token" && params.Get("error") == "" {
		u.Fragment, u.RawFragment = "", ""
		target := u.String() + "#" + params.Encode()
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
