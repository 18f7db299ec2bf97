package oauth

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// wellKnownDoc serves the pool's discovery document and JWKS under its
// domain, by handing the request to internal/wellknown at the issuer's
// path: one document, whichever address it is fetched from, so its issuer
// is always the tokens' iss.
func (h *Handler) wellKnownDoc(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + siteOf(r).poolID + r.URL.Path
	r2.URL.RawPath = ""
	h.wellKnown.ServeHTTP(w, r2)
}

// customCSS serves the pool's (or the client's) UICustomization style
// sheet as a style sheet of its own, never inlined into a page, so that
// nothing in it can be read as HTML. pool.Service accepts only rules on
// Cognito's customizable classes, without @import and the like.
func (h *Handler) customCSS(w http.ResponseWriter, r *http.Request) {
	css := h.uiCustomization(r.Context(), siteOf(r).poolID, r.URL.Query().Get("client_id")).CSS
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write([]byte(strings.ReplaceAll(deref(css), "<", `\3c `)))
}

// uiCustomization is the branding for a client (its own, else the
// pool's), empty when there is none or it cannot be read.
func (h *Handler) uiCustomization(ctx context.Context, poolID, clientID string) *cognitoidp.UICustomizationType {
	in := &cognitoidp.GetUICustomizationRequest{UserPoolId: &poolID}
	if clientID != "" {
		in.ClientId = &clientID
	}
	out, err := h.pools.GetUICustomization(ctx, in)
	if err != nil || out.UICustomization == nil {
		return &cognitoidp.UICustomizationType{}
	}
	return out.UICustomization
}

// LogoHandler serves the logos of UICustomization at the ImageUrl the
// control plane hands out: /ui-assets/<poolId>/<clientId>/<version>/logo.<ext>.
func (h *Handler) LogoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/ui-assets/"), "/")
		if len(parts) != 4 || !strings.HasPrefix(parts[3], "logo.") {
			http.NotFound(w, r)
			return
		}
		img, ext, ok, err := h.pools.UILogo(r.Context(), parts[0], parts[1])
		if err != nil || !ok || "logo."+ext != parts[3] {
			http.NotFound(w, r)
			return
		}
		ct := "image/png"
		if ext == "jpg" {
			ct = "image/jpeg"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// The version in the path changes with every SetUICustomization.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(img))
	})
}
