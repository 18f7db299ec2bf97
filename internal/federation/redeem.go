package federation

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// assertion is what a provider said about the user: its subject and
// claims (SAML attributes as claims), and the raw parts the inbound
// federation trigger is shown.
type assertion struct {
	Subject string
	Issuer  string
	Claims  map[string]any

	TokenResponse, IDToken, UserInfo, SAML map[string]string
}

// tokenResponse is an OAuth 2.0 token response (RFC 6749 §5.1) with
// OpenID Connect's id_token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	IDToken     string `json:"id_token"`
	ExpiresIn   any    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// redeem exchanges the code, verifies the ID token and reads the
// attributes URL.
func (s *Service) redeem(ctx context.Context, u *upstream, st *stateDoc, code string) (*assertion, error) {
	tr, err := s.exchange(ctx, u, st, code)
	if err != nil {
		return nil, err
	}
	a := &assertion{Claims: map[string]any{}, TokenResponse: map[string]string{
		"access_token": tr.AccessToken, "token_type": tr.TokenType, "id_token": tr.IDToken,
		"expires_in": stringOf(tr.ExpiresIn), "scope": tr.Scope,
	}}
	if u.idToken {
		claims, err := s.verifyIDToken(ctx, u, st, tr.IDToken)
		if err != nil {
			return nil, err
		}
		for k, v := range claims {
			a.Claims[k] = v
		}
		a.IDToken = flatten(claims)
		if u.typ == typeOIDC {
			a.Issuer = u.issuer
		}
	}
	if u.attributesURL != "" && tr.AccessToken != "" {
		info, err := s.userInfo(ctx, u, tr.AccessToken)
		if err != nil {
			return nil, err
		}
		if sub, ok := a.Claims["sub"]; ok && info["sub"] != nil && info["sub"] != sub {
			// OpenID Connect Core §5.3.2: "the sub Claim in the UserInfo
			// Response MUST be verified to exactly match".
			return nil, errors.New("userInfo answered for another subject")
		}
		for k, v := range info {
			if k != "iss" && k != "aud" {
				a.Claims[k] = v
			}
		}
		a.UserInfo = flatten(info)
	}
	a.Subject, _ = stringify(a.Claims[u.subjectClaim()])
	if a.Subject == "" {
		return nil, fmt.Errorf("the answer has no %s claim to name the user", u.subjectClaim())
	}
	return a, nil
}

// exchange redeems the code at the token endpoint (RFC 6749 §4.1.3), the
// client authenticated by HTTP Basic or in the form.
func (s *Service) exchange(ctx context.Context, u *upstream, st *stateDoc, code string) (*tokenResponse, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {st.Callback}}
	if len(st.Verifier) > 0 {
		v, err := s.keys.Open(verifierPurpose, st.Verifier, []byte(st.Binding))
		if err != nil {
			return nil, err
		}
		form.Set("code_verifier", string(v))
	}
	secret := u.clientSecret
	if u.apple != nil {
		var err error
		if secret, err = u.apple.clientSecret(u.clientID, or(u.issuer, appleAudience), s.clock.Now()); err != nil {
			return nil, err
		}
	}
	if !u.basicAuth {
		form.Set("client_id", u.clientID)
		form.Set("client_secret", secret)
	}
	var req *http.Request
	var err error
	if u.tokenMethod == http.MethodGet {
		target, perr := url.Parse(u.tokenURL)
		if perr != nil {
			return nil, perr
		}
		q := target.Query()
		for k, v := range form {
			q[k] = v
		}
		target.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.tokenURL, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if u.basicAuth {
		// RFC 6749 §2.3.1: both parts form-urlencoded first.
		req.SetBasicAuth(url.QueryEscape(u.clientID), url.QueryEscape(secret))
	}
	var tr tokenResponse
	if err := s.doJSON(req, &tr); err != nil {
		return nil, fmt.Errorf("token endpoint: %w", err)
	}
	if tr.AccessToken == "" && tr.IDToken == "" {
		return nil, errors.New("token endpoint answered no token")
	}
	return &tr, nil
}

// signingAlgs are the ID token algorithms accepted from providers.
var signingAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.PS256}

// verifyIDToken checks the ID token's signature against the provider's
// JWKS, its issuer, audience (the client id) and expiry, and the nonce of
// this sign-in.
func (s *Service) verifyIDToken(ctx context.Context, u *upstream, st *stateDoc, raw string) (map[string]any, error) {
	if raw == "" {
		return nil, errors.New("token endpoint answered no id_token")
	}
	v := oidc.NewVerifier(u.issuer, s.keySet(u.jwksURI), &oidc.Config{
		ClientID: u.clientID, Now: s.clock.Now, SupportedSigningAlgs: signingAlgs, SkipIssuerCheck: u.issuer == "",
	})
	tok, err := v.Verify(oidc.ClientContext(ctx, s.http), raw)
	if err != nil {
		return nil, fmt.Errorf("id_token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(st.Nonce)) != 1 {
		return nil, errors.New("id_token: the nonce is not this sign-in's")
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// userInfo reads the provider's attributes URL with the access token:
// OIDC's userinfo endpoint (GET or POST, attributes_request_method), or
// a social provider's profile URL, to which Cognito appends the mapped
// attribute names when attributes_url_add_attributes is true.
func (s *Service) userInfo(ctx context.Context, u *upstream, accessToken string) (map[string]any, error) {
	target := u.attributesURL
	if u.addAttributes {
		fields := []string{u.subjectClaim()}
		for _, claim := range u.mapping {
			if !contains(fields, claim) {
				fields = append(fields, claim)
			}
		}
		target += strings.Join(fields, ",")
	}
	method := http.MethodGet
	if u.attributesMethod == http.MethodPost {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+accessToken)
	var info map[string]any
	if err := s.doJSON(req, &info); err != nil {
		return nil, fmt.Errorf("attributes URL: %w", err)
	}
	return info, nil
}

func stringOf(v any) string {
	s, _ := stringify(v)
	return s
}
