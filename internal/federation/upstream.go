package federation

import (
	"context"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// upstream is an OAuth 2.0 / OIDC provider as a sign-in sees it: its
// ProviderDetails with the discovered endpoints filled in.
type upstream struct {
	name, typ              string
	clientID, clientSecret string
	scopes                 string
	authorizeURL, tokenURL string
	attributesURL, jwksURI string
	issuer                 string
	attributesMethod       string
	tokenMethod            string
	addAttributes          bool
	mapping                map[string]string
	// idToken: the provider answers with an ID token (OIDC, Google,
	// Apple); Facebook and Login with Amazon identify the user through
	// their attributes URL only.
	idToken bool
	// basicAuth sends the client secret by HTTP Basic rather than in the
	// form (client_secret_basic, the default of OpenID Connect).
	basicAuth bool
	pkce      bool
	formPost  bool
	apple     *appleKey
}

// Types.
const (
	typeOIDC     = cognitoidp.IdentityProviderTypeTypeOidc
	typeSAML     = cognitoidp.IdentityProviderTypeTypeSaml
	typeGoogle   = cognitoidp.IdentityProviderTypeTypeGoogle
	typeFacebook = cognitoidp.IdentityProviderTypeTypeFacebook
	typeAmazon   = cognitoidp.IdentityProviderTypeTypeLoginwithamazon
	typeApple    = cognitoidp.IdentityProviderTypeTypeSigninwithapple
)

// googlePeopleAPI is Google's default attributes URL: it answers in the
// People API's own shape, not as claims, so cirro reads Google's claims
// from the ID token alone unless the URL is overridden.
const googlePeopleAPI = "https://people.googleapis.com/v1/people/me?personFields="

// upstreamOf resolves a provider's endpoints, discovering those an OIDC
// issuer publishes and the details leave out.
func (s *Service) upstreamOf(ctx context.Context, idp *cognitoidp.IdentityProviderType) (*upstream, error) {
	d := idp.ProviderDetails
	u := &upstream{
		name: deref(idp.ProviderName), typ: deref(idp.ProviderType),
		clientID: d["client_id"], clientSecret: d["client_secret"], scopes: d["authorize_scopes"],
		authorizeURL: d["authorize_url"], tokenURL: d["token_url"], attributesURL: d["attributes_url"],
		jwksURI: d["jwks_uri"], issuer: d["oidc_issuer"],
		attributesMethod: strings.ToUpper(d["attributes_request_method"]), tokenMethod: strings.ToUpper(d["token_request_method"]),
		addAttributes: d["attributes_url_add_attributes"] == "true", mapping: idp.AttributeMapping,
	}
	switch u.typ {
	case typeOIDC, typeGoogle:
		u.idToken, u.pkce = true, true
	case typeApple:
		u.idToken = true
		// Apple posts the answer back when any scope is asked for.
		u.formPost = strings.TrimSpace(u.scopes) != ""
		k, err := newAppleKey(d)
		if err != nil {
			return nil, err
		}
		u.apple = k
	case typeFacebook, typeAmazon:
		u.pkce = true
	}
	if u.typ == typeGoogle && u.attributesURL == googlePeopleAPI {
		u.attributesURL = ""
	}
	if u.idToken && u.issuer != "" && (u.authorizeURL == "" || u.tokenURL == "" || u.jwksURI == "" || u.typ == typeOIDC && u.attributesURL == "") {
		doc, err := s.discover(ctx, u.issuer)
		if err != nil {
			return nil, err
		}
		u.authorizeURL = or(u.authorizeURL, doc.AuthURL)
		u.tokenURL = or(u.tokenURL, doc.TokenURL)
		u.jwksURI = or(u.jwksURI, doc.JWKSURL)
		if u.typ == typeOIDC {
			u.attributesURL = or(u.attributesURL, doc.UserInfoURL)
		}
		// client_secret_basic is OpenID Connect's default method; a
		// provider that lists only client_secret_post gets the form.
		u.basicAuth = u.typ == typeOIDC && (len(doc.AuthMethods) == 0 || contains(doc.AuthMethods, "client_secret_basic"))
	} else if u.typ == typeOIDC {
		u.basicAuth = true
	}
	if u.authorizeURL == "" || u.tokenURL == "" || u.idToken && u.jwksURI == "" || !u.idToken && u.attributesURL == "" {
		return nil, &Failure{Code: "invalid_request", Description: "The identity provider " + u.name + " is not fully configured."}
	}
	return u, nil
}

// subjectClaim is the claim that names the user at the provider: the one
// mapped to username (by default sub, Facebook's id, Amazon's user_id).
func (u *upstream) subjectClaim() string {
	if c := u.mapping["username"]; c != "" {
		return c
	}
	switch u.typ {
	case typeFacebook:
		return "id"
	case typeAmazon:
		return "user_id"
	}
	return "sub"
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
