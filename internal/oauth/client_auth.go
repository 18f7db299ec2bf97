package oauth

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// maxFormBytes bounds the body of the token and revocation endpoints.
const maxFormBytes = 64 << 10

// parseForm reads an application/x-www-form-urlencoded body, the only
// content type the token and revocation endpoints take.
func parseForm(w http.ResponseWriter, r *http.Request) *oauthError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return errInvalidRequest("Content-Type must be application/x-www-form-urlencoded.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return errInvalidRequest("The request body is not a valid form.")
	}
	// RFC 6749 §3.2: "Request and response parameters MUST NOT be
	// included more than once."
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return errInvalidRequest("The parameter " + k + " is repeated.")
		}
	}
	return nil
}

// authenticatedClient is a client the token or revocation endpoint has
// authenticated.
type authenticatedClient struct {
	client *cognitoidp.UserPoolClientType
	// basic is set when the client used HTTP Basic, which decides how a
	// failure is answered (401 with WWW-Authenticate).
	basic bool
}

// authenticateClient applies the endpoints' client authentication
// (developer guide, "Token endpoint"): a client with a secret passes
// client_id and client_secret by HTTP Basic (client_secret_basic) or in
// the body (client_secret_post); a public client names itself with
// client_id. A client of another pool does not exist here.
func (h *Handler) authenticateClient(ctx context.Context, r *http.Request) (*authenticatedClient, *oauthError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: the credentials are form-encoded before
		// Base64; undo that, but take them as they are if they were not.
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
		if body := r.PostForm.Get("client_id"); body != "" && body != id {
			return nil, errInvalidRequest("client_id in the body does not match the Authorization header.")
		}
		if r.PostForm.Get("client_secret") != "" {
			return nil, errInvalidRequest("The client used more than one authentication method.")
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" {
		return nil, errInvalidRequest("client_id is required.")
	}
	s := siteOf(r)
	var c *cognitoidp.UserPoolClientType
	err := h.store.Read(ctx, func(tx store.Tx) error {
		var err error
		if c, err = h.pools.Client(ctx, tx, id); err != nil {
			return err
		}
		if deref(c.UserPoolId) != s.poolID {
			return errUnknownClient
		}
		if deref(c.ClientSecret) == "" {
			return nil
		}
		ok, err := h.pools.VerifyClientSecret(ctx, tx, id, secret)
		if err == nil && (!ok || secret == "") {
			return errUnknownClient
		}
		return err
	})
	switch {
	case errs.Is(err, errs.ResourceNotFoundException), errors.Is(err, errUnknownClient):
		return nil, errInvalidClient("Client authentication failed.")
	case err != nil:
		h.log.ErrorContext(ctx, "oauth: client authentication", "err", err)
		return nil, errServer()
	}
	return &authenticatedClient{client: c, basic: basic}, nil
}

var errUnknownClient = errors.New("oauth: client authentication failed")

// isClientError reports a Cognito error of a client's making, as opposed
// to an internal failure.
func isClientError(err error) bool {
	e, ok := errs.As(err)
	return ok && errs.HTTPStatus(e) < 500
}
