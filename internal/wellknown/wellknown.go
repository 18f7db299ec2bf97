package wellknown

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/token"
)

// Source is what the documents are made of; *token.Service implements it.
type Source interface {
	Issuer(poolID string) string
	// JWKS answers ResourceNotFoundException for an unknown pool.
	JWKS(ctx context.Context, poolID string) (jose.JSONWebKeySet, error)
	PoolExists(ctx context.Context, poolID string) (bool, error)
	JWKSCacheTTL() time.Duration
}

// Handler serves the two documents. Mount it as the server's fallback GET
// handler ("GET /"): a "/{poolId}/…" pattern would conflict with other
// top-level prefixes such as "/_cirro/", and the fallback cannot.
type Handler struct {
	src       Source
	oauthBase func(poolID string) string
	log       *slog.Logger
	mux       *http.ServeMux
}

// Option configures a Handler.
type Option func(*Handler)

// WithOAuthBase sets where a pool's OAuth endpoints live (the hosted UI's
// domain for the pool); the default is the pool's issuer.
func WithOAuthBase(f func(poolID string) string) Option { return func(h *Handler) { h.oauthBase = f } }

// WithLogger sets the logger for internal failures.
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// New returns a Handler over src.
func New(src Source, opts ...Option) *Handler {
	h := &Handler{src: src, oauthBase: src.Issuer, log: slog.Default(), mux: http.NewServeMux()}
	for _, o := range opts {
		o(h)
	}
	h.mux.HandleFunc("GET /{poolId}/.well-known/jwks.json", h.jwks)
	h.mux.HandleFunc("GET /{poolId}/.well-known/openid-configuration", h.discovery)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) jwks(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("poolId")
	if !token.ValidPoolID(poolID) {
		h.notFound(w, poolID)
		return
	}
	set, err := h.src.JWKS(r.Context(), poolID)
	if errs.Is(err, errs.ResourceNotFoundException) {
		h.notFound(w, poolID)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if set.Keys == nil {
		set.Keys = []jose.JSONWebKey{}
	}
	h.write(w, r, set)
}

// discoveryDoc is Cognito's openid-configuration, member for member.
type discoveryDoc struct {
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
}

func (h *Handler) discovery(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("poolId")
	if !token.ValidPoolID(poolID) {
		h.notFound(w, poolID)
		return
	}
	exists, err := h.src.PoolExists(r.Context(), poolID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !exists {
		h.notFound(w, poolID)
		return
	}
	issuer := h.src.Issuer(poolID)
	oauth := strings.TrimRight(h.oauthBase(poolID), "/")
	h.write(w, r, discoveryDoc{
		AuthorizationEndpoint:             oauth + "/oauth2/authorize",
		EndSessionEndpoint:                oauth + "/logout",
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		Issuer:                            issuer,
		JWKSURI:                           issuer + "/.well-known/jwks.json",
		ResponseTypesSupported:            []string{"code", "token"},
		RevocationEndpoint:                oauth + "/oauth2/revoke",
		ScopesSupported:                   []string{"openid", "email", "phone", "profile"},
		SubjectTypesSupported:             []string{"public"},
		TokenEndpoint:                     oauth + "/oauth2/token",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		UserinfoEndpoint:                  oauth + "/oauth2/userInfo",
	})
}

// write sends a public, cacheable JSON document with a strong ETag, and
// 304 to a client that already holds it.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(h.src.JWKSCacheTTL()/time.Second)))
	hd.Set("ETag", etag)
	hd.Set("Access-Control-Allow-Origin", "*")
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(body)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// notFound answers an unknown pool as Cognito's endpoints do. The id
// echoed back is cut short: it comes from the path, not from the store.
func (h *Handler) notFound(w http.ResponseWriter, poolID string) {
	if len(poolID) > 64 {
		poolID = poolID[:64]
	}
	writeError(w, http.StatusNotFound, "User pool "+poolID+" does not exist.")
}

// fail logs an internal failure and answers without its details.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "well-known document failed", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "Internal server error")
}

func writeError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"message": msg})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
