package oauth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
)

// tokenResponse is the token endpoint's answer (RFC 6749 §5.1), member
// for member as Cognito sends it.
type tokenResponse struct {
	IDToken      string `json:"id_token,omitempty"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int32  `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// token is POST /oauth2/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	if oe := parseForm(w, r); oe != nil {
		h.writeOAuthError(w, r, oe, false)
		return
	}
	ac, oe := h.authenticateClient(r.Context(), r)
	if oe != nil {
		_, _, basic := r.BasicAuth()
		h.writeOAuthError(w, r, oe, basic)
		return
	}
	res, err := h.grant(r.Context(), r, ac.client)
	var e *oauthError
	switch {
	case errors.As(err, &e):
		h.writeOAuthError(w, r, e, ac.basic)
	case err != nil:
		h.log.ErrorContext(r.Context(), "oauth: token", "grant_type", r.PostForm.Get("grant_type"), "err", err)
		h.writeOAuthError(w, r, errServer(), ac.basic)
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (h *Handler) grant(ctx context.Context, r *http.Request, c *cognitoidp.UserPoolClientType) (*tokenResponse, error) {
	f := r.PostForm
	gt := f.Get("grant_type")
	if gt == "" {
		return nil, errInvalidRequest("grant_type is required.")
	}
	if gt != "authorization_code" && gt != "refresh_token" && gt != "client_credentials" {
		return nil, &oauthError{Code: "unsupported_grant_type", status: http.StatusBadRequest}
	}
	if c.AllowedOAuthFlowsUserPoolClient == nil || !*c.AllowedOAuthFlowsUserPoolClient {
		// A client not enabled for OAuth may still refresh the tokens of
		// an API sign-in here (developer guide, "Token endpoint").
		if gt != "refresh_token" {
			return nil, errUnauthorizedClient("The app client is not enabled for OAuth flows.")
		}
	}
	switch gt {
	case "authorization_code":
		return h.codeGrant(ctx, r, c)
	case "refresh_token":
		return h.refreshGrant(ctx, r, c)
	}
	return h.clientCredentialsGrant(ctx, r, c)
}

func (h *Handler) codeGrant(ctx context.Context, r *http.Request, c *cognitoidp.UserPoolClientType) (*tokenResponse, error) {
	f := r.PostForm
	if !slices.Contains(c.AllowedOAuthFlows, cognitoidp.OAuthFlowTypeCode) {
		return nil, errUnauthorizedClient("The app client is not allowed the authorization code grant.")
	}
	code, redirect := f.Get("code"), f.Get("redirect_uri")
	switch {
	case code == "":
		return nil, errInvalidRequest("code is required.")
	case redirect == "":
		return nil, errInvalidRequest("redirect_uri is required.")
	}
	toks, err := h.redeemCode(ctx, codeGrant{
		poolID: siteOf(r).poolID, clientID: *c.ClientId, code: code, redirectURI: redirect, verifier: f.Get("code_verifier"),
	})
	if err != nil {
		return nil, grantError(err)
	}
	res := &tokenResponse{AccessToken: toks.AccessToken, RefreshToken: toks.RefreshToken, ExpiresIn: toks.ExpiresIn, TokenType: "Bearer"}
	if hasOpenID(toks.AccessToken) {
		res.IDToken = toks.IDToken
	}
	return res, nil
}

// hasOpenID reads the scope of an access token just minted: "An ID
// token is only returned if openid scope is requested."
func hasOpenID(accessToken string) bool {
	scope, _ := unverifiedClaim(accessToken, "scope").(string)
	return slices.Contains(strings.Fields(scope), "openid")
}

func (h *Handler) refreshGrant(ctx context.Context, r *http.Request, c *cognitoidp.UserPoolClientType) (*tokenResponse, error) {
	rt := r.PostForm.Get("refresh_token")
	if rt == "" {
		return nil, errInvalidRequest("refresh_token is required.")
	}
	toks, err := h.auth.HostedRefresh(ctx, *c.ClientId, rt)
	if err != nil {
		return nil, grantError(err)
	}
	res := &tokenResponse{AccessToken: toks.AccessToken, RefreshToken: toks.RefreshToken, ExpiresIn: toks.ExpiresIn, TokenType: "Bearer"}
	if scope, _ := unverifiedClaim(toks.AccessToken, "scope").(string); scope == token.ScopeAdmin || hasOpenID(toks.AccessToken) {
		// Tokens of an API sign-in carry aws.cognito.signin.user.admin
		// alone and always had an ID token.
		res.IDToken = toks.IDToken
	}
	return res, nil
}

// clientCredentialsGrant is the machine-to-machine grant: scopes of the
// pool's resource servers that the client is allowed. "If the client
// doesn't request any scopes, the authentication server uses all custom
// scopes associated with the client"; a scope the client is not allowed
// is invalid_scope.
func (h *Handler) clientCredentialsGrant(ctx context.Context, r *http.Request, c *cognitoidp.UserPoolClientType) (*tokenResponse, error) {
	if !slices.Contains(c.AllowedOAuthFlows, cognitoidp.OAuthFlowTypeClientCredentials) {
		return nil, errUnauthorizedClient("The app client is not allowed the client_credentials grant.")
	}
	poolID := siteOf(r).poolID
	var existing map[string]bool
	err := h.store.Read(ctx, func(tx store.Tx) (err error) {
		existing, err = h.pools.ResourceServerScopes(ctx, tx, poolID)
		return err
	})
	if err != nil {
		return nil, err
	}
	custom := func(sc string) bool { return existing[sc] && slices.Contains(c.AllowedOAuthScopes, sc) }
	var scopes []string
	if requested := strings.Fields(r.PostForm.Get("scope")); len(requested) > 0 {
		for _, sc := range requested {
			if !custom(sc) {
				return nil, errInvalidScope("The scope " + sc + " is not allowed for the app client.")
			}
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	} else {
		for _, sc := range c.AllowedOAuthScopes {
			if custom(sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	if len(scopes) == 0 {
		return nil, errInvalidScope("The app client has no resource server scope.")
	}
	toks, err := h.tokens.IssueClientToken(ctx, token.ClientRequest{PoolID: poolID, Client: c, Scopes: scopes})
	if err != nil {
		return nil, err
	}
	return &tokenResponse{AccessToken: toks.AccessToken, ExpiresIn: toks.ExpiresIn, TokenType: "Bearer"}, nil
}

// grantError maps the domain's refusals to RFC 6749 errors: a refresh
// token or code that is not (or no longer) good is invalid_grant, as is a
// user who may no longer sign in.
func grantError(err error) error {
	var oe *oauthError
	if errors.As(err, &oe) {
		return err
	}
	e, ok := errs.As(err)
	switch {
	case !ok || errs.HTTPStatus(e) >= 500:
		return err
	case e.Code == errs.InvalidParameterException:
		return errInvalidRequest(e.Message)
	}
	return errInvalidGrant(e.Message)
}
