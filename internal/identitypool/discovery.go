package identitypool

import (
	"encoding/json"
	"net/http"
)

// Identity tokens are verified by STS (or anyone) through two public
// documents under the issuer, as for any OpenID Connect provider:
//
//	GET /identitypool/.well-known/openid-configuration
//	GET /identitypool/.well-known/jwks.json
//
// The key never rotates, so both may be cached for an hour.

// discoveryDoc is the provider metadata STS needs: where the keys are,
// and that tokens are RS512.
type discoveryDoc struct {
	Issuer                           string   `json:"issuer"`
	JWKSURI                          string   `json:"jwks_uri"`
	ResponseTypesSupported           []string `json:"response_types_supported"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported                  []string `json:"claims_supported"`
}

// DiscoveryHandler serves the discovery document and the JWKS. Mount it
// at "GET /identitypool/.well-known/".
func (s *Service) DiscoveryHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /identitypool/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeDocument(w, discoveryDoc{
			Issuer:                           s.Issuer(),
			JWKSURI:                          s.Issuer() + "/.well-known/jwks.json",
			ResponseTypesSupported:           []string{"id_token"},
			SubjectTypesSupported:            []string{"public"},
			IDTokenSigningAlgValuesSupported: []string{string(signingAlg)},
			ClaimsSupported:                  []string{"iss", "sub", "aud", "amr", "iat", "exp", tagsClaim},
		})
	})
	mux.HandleFunc("GET /identitypool/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		set, err := s.JWKS(r.Context())
		if err != nil {
			s.log.ErrorContext(r.Context(), "identity pool JWKS failed", "error", err)
			writeError(w, http.StatusInternalServerError, "Internal server error")
			return
		}
		writeDocument(w, set)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not found")
	})
	return mux
}

func writeDocument(w http.ResponseWriter, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Access-Control-Allow-Origin", "*")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}
