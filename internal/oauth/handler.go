package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/oauth/ui"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/ratelimit"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// Config assembles a Handler.
type Config struct {
	Store  store.Store
	Clock  clock.Clock
	Keys   *secrets.Keyring
	Pools  *pool.Service
	Users  *user.Service
	Tokens *token.Service
	Auth   *auth.Service
	// PublicURL is cirro's base URL: the path forms of the domains hang
	// below it, and prefix domains are served on its scheme and port.
	PublicURL string
	// WellKnown serves /<poolId>/.well-known/…; a domain's own
	// /.well-known/ paths are answered by it.
	WellKnown http.Handler
	// MFA sets up authenticators for MFA_SETUP; without it the hosted UI
	// cannot answer that challenge.
	MFA SoftwareTokens
	// Federation signs users in through upstream identity providers;
	// without it identity_provider and idp_identifier are refused.
	Federation Federation
	Log        *slog.Logger
}

// Handler serves pools' domains.
type Handler struct {
	store     store.Store
	clock     clock.Clock
	keys      *secrets.Keyring
	pools     *pool.Service
	users     *user.Service
	tokens    *token.Service
	auth      *auth.Service
	wellKnown http.Handler
	mfa       SoftwareTokens
	fed       Federation
	log       *slog.Logger
	public    *url.URL
	pages     *ui.Pages
	mux       *http.ServeMux
	// codes throttles the one-time codes the sign-in page sends, per
	// user: the page is open to anyone, and each code is a message to
	// someone's inbox or phone.
	codes *ratelimit.Limiter
}

// New checks cfg and returns a Handler. It enables the sign-in service's
// hosted entry points, so it must be called before the server serves.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil || cfg.Clock == nil || cfg.Keys == nil || cfg.Pools == nil || cfg.Users == nil ||
		cfg.Tokens == nil || cfg.Auth == nil || cfg.WellKnown == nil {
		return nil, errors.New("oauth: Store, Clock, Keys, Pools, Users, Tokens, Auth and WellKnown are required")
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("oauth: PublicURL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	pages, err := ui.New()
	if err != nil {
		return nil, err
	}
	h := &Handler{
		store: cfg.Store, clock: cfg.Clock, keys: cfg.Keys, pools: cfg.Pools, users: cfg.Users,
		tokens: cfg.Tokens, auth: cfg.Auth, wellKnown: cfg.WellKnown, mfa: cfg.MFA, fed: cfg.Federation, log: cfg.Log, public: u, pages: pages,
		codes: ratelimit.New(cfg.Clock),
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	cfg.Auth.EnableHostedUI()
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /oauth2/authorize", h.authorize)
	m.HandleFunc("POST /oauth2/token", h.token)
	m.HandleFunc("OPTIONS /oauth2/token", h.preflight)
	m.HandleFunc("GET /oauth2/userInfo", h.userInfo)
	m.HandleFunc("POST /oauth2/userInfo", h.userInfo)
	m.HandleFunc("OPTIONS /oauth2/userInfo", h.preflight)
	m.HandleFunc("POST /oauth2/revoke", h.revoke)
	m.HandleFunc("OPTIONS /oauth2/revoke", h.preflight)
	m.HandleFunc("GET /oauth2/idpresponse", h.idpResponse)
	m.HandleFunc("POST /oauth2/idpresponse", h.idpResponse)
	m.HandleFunc("POST /saml2/idpresponse", h.samlResponse)
	m.HandleFunc("GET /saml2/metadata", h.samlMetadata)
	m.HandleFunc("GET /saml2/logout", h.samlLogout)
	m.HandleFunc("POST /saml2/logout", h.samlLogout)
	m.HandleFunc("GET /logout", h.logout)
	m.HandleFunc("GET /login", h.loginPage)
	m.HandleFunc("POST /login", h.loginSubmit)
	m.HandleFunc("POST /login/respond", h.challengeSubmit)
	m.HandleFunc("GET /signup", h.signUpPage)
	m.HandleFunc("POST /signup", h.signUpSubmit)
	m.HandleFunc("GET /confirm", h.confirmPage)
	m.HandleFunc("POST /confirm", h.confirmSubmit)
	m.HandleFunc("POST /confirm/resend", h.resendSubmit)
	m.HandleFunc("GET /forgotPassword", h.forgotPage)
	m.HandleFunc("POST /forgotPassword", h.forgotSubmit)
	m.HandleFunc("GET /confirmForgotPassword", h.resetPage)
	m.HandleFunc("POST /confirmForgotPassword", h.resetSubmit)
	m.HandleFunc("GET /error", h.errorEndpoint)
	m.HandleFunc("GET /.well-known/openid-configuration", h.wellKnownDoc)
	m.HandleFunc("GET /.well-known/jwks.json", h.wellKnownDoc)
	m.HandleFunc("GET /static/custom.css", h.customCSS)
	m.Handle("GET /static/", ui.Static())
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.errorPage(w, r, http.StatusNotFound, "not_found", "This page does not exist.")
	})
	h.mux = m
}

// site is the domain a request came in on.
type site struct {
	poolID string
	// prefix is the path the domain's endpoints hang below: "" on the
	// domain's own host, "/domain/<prefix>" or "/<poolId>" in path form.
	prefix string
	// secure is set for a request that came over TLS.
	secure bool
}

// path is one of the domain's paths as the browser sees it.
func (s *site) path(p string) string { return s.prefix + p }

type siteKey struct{}

func siteOf(r *http.Request) *site { return r.Context().Value(siteKey{}).(*site) }

// endpointRoots are the first path segments of this package's endpoints,
// recognised after /<poolId>/ (never .well-known: internal/wellknown
// serves the issuer's documents there).
var endpointRoots = map[string]bool{
	"oauth2": true, "login": true, "logout": true, "signup": true, "confirm": true,
	"forgotPassword": true, "confirmForgotPassword": true, "static": true, "error": true, "saml2": true,
}

// Wrap serves pool domains and passes every other request to next.
func (h *Handler) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s, rest, ok := h.route(r); ok {
			h.serveSite(w, r, s, rest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// route finds the domain of a request. A host lookup costs a store read,
// so the hosts cirro's API is reached on (the public URL's, localhost, IP
// literals) skip it.
func (h *Handler) route(r *http.Request) (*site, string, bool) {
	secure := r.TLS != nil
	host := hostOnly(r.Host)
	if host != "" && host != "localhost" && !strings.EqualFold(host, h.public.Hostname()) && net.ParseIP(host) == nil {
		poolID, err := h.pools.PoolForHost(r.Context(), r.Host)
		if err == nil {
			return &site{poolID: poolID, secure: secure}, r.URL.Path, true
		}
		if !errs.Is(err, errs.ResourceNotFoundException) {
			h.log.ErrorContext(r.Context(), "oauth: domain lookup", "host", host, "err", err)
		}
	}
	first, rest := splitFirst(r.URL.Path)
	switch {
	case first == "domain":
		prefix, rest := splitFirst(rest)
		if prefix == "" {
			return nil, "", false
		}
		poolID, err := h.pools.PoolForHost(r.Context(), h.pools.PrefixHost(prefix))
		if err != nil {
			return nil, "", false
		}
		return &site{poolID: poolID, prefix: "/domain/" + prefix, secure: secure}, rest, true
	case token.ValidPoolID(first):
		root, _ := splitFirst(rest)
		if !endpointRoots[root] {
			return nil, "", false
		}
		ok, err := h.tokens.PoolExists(r.Context(), first)
		if err != nil || !ok {
			return nil, "", false
		}
		return &site{poolID: first, prefix: "/" + first, secure: secure}, rest, true
	}
	return nil, "", false
}

func (h *Handler) serveSite(w http.ResponseWriter, r *http.Request, s *site, rest string) {
	// Who is calling goes into auth events, as it does for the API.
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	ctx := caller.With(r.Context(), &caller.Caller{RequestID: uuid.NewString(), IP: ip, UserAgent: r.UserAgent()})
	r2 := r.Clone(context.WithValue(ctx, siteKey{}, s))
	r2.URL.Path, r2.URL.RawPath = rest, ""
	if r2.URL.Path == "" {
		r2.URL.Path = "/"
	}
	h.mux.ServeHTTP(w, r2)
}

// splitFirst splits "/a/b/c" into "a" and "/b/c".
func splitFirst(p string) (string, string) {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// hostOnly is the host name of a Host header, lower-cased, without port
// or the trailing dot of a fully-qualified name.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		hostport = h
	}
	return strings.TrimSuffix(strings.ToLower(hostport), ".")
}

// OAuthBase is where a pool's OAuth endpoints are, for the discovery
// document: the pool's custom domain, else its prefix domain, on the
// public URL's scheme and port (as Cognito's document names the pool's
// domain); a pool without a domain has them in path form below its
// issuer.
func (h *Handler) OAuthBase(poolID string) string {
	var prefix, custom string
	err := h.store.Read(context.Background(), func(tx store.Tx) (err error) {
		prefix, custom, err = h.pools.PoolDomains(context.Background(), tx, poolID)
		return err
	})
	host := ""
	switch {
	case err != nil:
		h.log.Error("oauth: pool domains", "pool", poolID, "err", err)
	case custom != "":
		host = custom
	case prefix != "":
		host = h.pools.PrefixHost(prefix)
	}
	if host == "" {
		return h.tokens.Issuer(poolID)
	}
	if port := h.public.Port(); port != "" {
		host = net.JoinHostPort(host, port)
	}
	return h.public.Scheme + "://" + host
}
