package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// Cognito's userInfo errors (developer guide, "userInfo endpoint").
const (
	msgBadUserInfo   = "Bad OAuth2 request at UserInfo Endpoint"
	msgInvalidBearer = "Access token is expired, disabled, or deleted, or the user has globally signed out."
)

// profileClaims are the attributes of the profile scope (developer
// guide, "userInfo endpoint"); custom attributes come with it too.
var profileClaims = []string{
	"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
	"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address",
}

var scopeClaims = map[string][]string{
	"email": {"email", "email_verified"},
	"phone": {"phone_number", "phone_number_verified"},
}

// userInfo is GET and POST /oauth2/userInfo: the attributes of the
// access token's user, as far as its scopes reach. The token must come
// from the token endpoint and carry openid; API sign-in tokens "don't
// contain any scopes" the endpoint accepts.
func (h *Handler) userInfo(w http.ResponseWriter, r *http.Request) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		bearerError(w, http.StatusBadRequest, "invalid_request", msgBadUserInfo)
		return
	}
	ctx := r.Context()
	c, err := h.tokens.VerifyAccess(ctx, strings.TrimSpace(raw))
	if err != nil || c.PoolID != siteOf(r).poolID || !c.HasScope("openid") {
		if err != nil && !isClientError(err) {
			h.log.ErrorContext(ctx, "oauth: userInfo", "err", err)
			bearerError(w, http.StatusInternalServerError, "server_error", "")
			return
		}
		bearerError(w, http.StatusUnauthorized, "invalid_token", msgInvalidBearer)
		return
	}
	claims, err := h.userClaims(ctx, c)
	if errors.Is(err, user.ErrNotFound) {
		bearerError(w, http.StatusUnauthorized, "invalid_token", msgInvalidBearer)
		return
	}
	if err != nil {
		h.log.ErrorContext(ctx, "oauth: userInfo", "err", err)
		bearerError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	writeJSON(w, http.StatusOK, claims)
}

// userClaims are the user's attributes the client may read and the
// token's scopes reach: with openid alone every readable attribute; with
// profile, email or phone, those scopes' attributes. Values are the
// stored strings ("email_verified": "true"), and username is added, as
// Cognito's userInfo answers.
func (h *Handler) userClaims(ctx context.Context, c *token.AccessClaims) (map[string]string, error) {
	var u *user.User
	var client *cognitoidp.UserPoolClientType
	err := h.store.Read(ctx, func(tx store.Tx) (err error) {
		if u, _, err = h.users.Get(ctx, tx, c.PoolID, c.Sub); err != nil {
			return err
		}
		client, err = h.pools.Client(ctx, tx, c.ClientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	narrowed := c.HasScope("profile") || c.HasScope("email") || c.HasScope("phone")
	reach := func(name string) bool {
		if !narrowed {
			return true
		}
		if c.HasScope("profile") && (slices.Contains(profileClaims, name) || strings.HasPrefix(name, "custom:")) {
			return true
		}
		for sc, names := range scopeClaims {
			if c.HasScope(sc) && slices.Contains(names, name) {
				return true
			}
		}
		return false
	}
	out := map[string]string{"sub": u.Sub}
	for name, v := range u.Attributes {
		if strings.HasPrefix(name, "dev:") || name == "sub" {
			continue
		}
		if (len(client.ReadAttributes) == 0 || slices.Contains(client.ReadAttributes, name)) && reach(name) {
			out[name] = v
		}
	}
	out["username"] = u.Username
	return out, nil
}

// bearerError answers a protected-resource error (RFC 6750 §3).
func bearerError(w http.ResponseWriter, status int, code, desc string) {
	v := `error="` + code + `"`
	if desc != "" {
		v += `, error_description="` + desc + `"`
	}
	w.Header().Set("WWW-Authenticate", "Bearer "+v)
	body := map[string]string{"error": code}
	if desc != "" {
		body["error_description"] = desc
	}
	writeJSON(w, status, body)
}

// unverifiedClaim reads a claim of a JWT this server has just signed.
// It verifies nothing and must not be used on tokens from outside.
func unverifiedClaim(jwt, name string) any {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m[name]
}
