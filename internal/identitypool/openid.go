package identitypool

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

const (
	// openIDTokenTTL: GetOpenIdToken's token "is valid for 10 minutes".
	openIDTokenTTL = 10 * time.Minute
	// developerTokenTTL: GetOpenIdTokenForDeveloperIdentity's "If you
	// don't provide an expiration time, the token is valid for 15
	// minutes."
	developerTokenTTL = 15 * time.Minute
	// maxOpenIDTokenBytes caps what is parsed at all.
	maxOpenIDTokenBytes = 16 << 10
)

// tagsClaim is where STS reads session tags in a web identity token.
const tagsClaim = "https://aws.amazon.com/tags"

// openIDClaims are an identity token's claims, Cognito Identity's set:
// the identity is the subject, the pool the audience, and amr says how
// the identity authenticated (unauthenticated, or authenticated and by
// which providers), which is what roles' trust policies test.
type openIDClaims struct {
	Iss  string       `json:"iss"`
	Sub  string       `json:"sub"`
	Aud  string       `json:"aud"`
	Amr  []string     `json:"amr"`
	Iat  int64        `json:"iat"`
	Exp  int64        `json:"exp"`
	Tags *sessionTags `json:"https://aws.amazon.com/tags,omitempty"`
}

// sessionTags is the claim STS turns into session tags (IAM user guide,
// "Passing session tags using AssumeRoleWithWebIdentity").
type sessionTags struct {
	PrincipalTags map[string][]string `json:"principal_tags"`
}

// Issuer is the iss of identity tokens and the base of their discovery
// document. Amazon Cognito's is https://cognito-identity.amazonaws.com.
func (s *Service) Issuer() string { return s.publicURL + "/identitypool" }

// mint signs an identity token.
func (s *Service) mint(ctx context.Context, poolID, identityID string, amr []string, tags map[string]string, ttl time.Duration) (string, error) {
	k, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	c := openIDClaims{Iss: s.Issuer(), Sub: identityID, Aud: poolID, Amr: amr, Iat: now.Unix(), Exp: now.Add(ttl).Unix()}
	if len(tags) > 0 {
		c.Tags = &sessionTags{PrincipalTags: map[string][]string{}}
		for k, v := range tags {
			c.Tags.PrincipalTags[k] = []string{v}
		}
	}
	obj, err := k.signer.Sign(mustJSON(c))
	if err != nil {
		return "", fmt.Errorf("identitypool: sign: %w", err)
	}
	return obj.CompactSerialize()
}

// verifyOpenID checks an identity token cirro signed, as the enhanced
// flow presents it back under cognito-identity.amazonaws.com.
func (s *Service) verifyOpenID(ctx context.Context, tok string) (*openIDClaims, error) {
	k, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	invalid := notAuthorized("Invalid login token. Couldn't verify signed token.")
	if len(tok) > maxOpenIDTokenBytes {
		return nil, invalid
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{signingAlg})
	if err != nil || len(jws.Signatures) != 1 || jws.Signatures[0].Header.KeyID != k.kid {
		return nil, invalid
	}
	payload, err := jws.Verify(k.public.Key)
	if err != nil {
		return nil, invalid
	}
	var c openIDClaims
	if json.Unmarshal(payload, &c) != nil || c.Iss != s.Issuer() || c.Sub == "" {
		return nil, invalid
	}
	if now := s.clock.Now().Unix(); now >= c.Exp {
		return nil, notAuthorized("Invalid login token. Token expired: %d >= %d", now, c.Exp)
	}
	return &c, nil
}

// amrOf is the amr of a token for a request's logins.
func amrOf(poolID string, logins []*login) []string {
	if len(logins) == 0 {
		return []string{"unauthenticated"}
	}
	amr := []string{"authenticated"}
	for _, l := range logins {
		amr = append(amr, l.amr(poolID)...)
	}
	return amr
}

// GetOpenIdToken is the basic (classic) flow's token: the caller takes it
// to STS itself.
func (s *Service) GetOpenIdToken(ctx context.Context, in *cognitoidentity.GetOpenIdTokenInput) (*cognitoidentity.GetOpenIdTokenResponse, error) {
	g, err := s.authorize(ctx, *in.IdentityId, in.Logins, publicLogins, checkClassicFlow)
	if err != nil {
		return nil, err
	}
	tok, err := s.tokenFor(ctx, g)
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.GetOpenIdTokenResponse{IdentityId: &g.identity, Token: &tok}, nil
}

// tokenFor is the identity token of a grant: its amr and principal tags
// come from the logins the request proved.
func (s *Service) tokenFor(ctx context.Context, g *grant) (string, error) {
	return s.mint(ctx, g.pool.id(), g.identity, amrOf(g.pool.id(), g.logins), s.sessionTags(g.pool, g.logins), openIDTokenTTL)
}

// checkClassicFlow refuses the basic flow where the pool turned it off.
// A pool created without AllowClassicFlow allows it: Cognito does so
// (aws-cli #7652). Role mappings need the enhanced flow, since only
// GetCredentialsForIdentity picks the role.
func checkClassicFlow(p *poolDoc) error {
	if p.Pool.AllowClassicFlow != nil && !*p.Pool.AllowClassicFlow {
		return invalidParameter(msgClassicFlowOff)
	}
	if len(p.RoleMappings) > 0 {
		return invalidParameter(msgClassicWithMappings)
	}
	return nil
}

// GetOpenIdTokenForDeveloperIdentity registers (or finds) the identity of
// a user the developer's backend authenticated, links the logins given,
// and returns a token for it.
func (s *Service) GetOpenIdTokenForDeveloperIdentity(ctx context.Context, in *cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput) (*cognitoidentity.GetOpenIdTokenForDeveloperIdentityResponse, error) {
	ttl := developerTokenTTL
	if in.TokenDuration != nil {
		// The model bounds it (1 to 86400 seconds); this is a backstop.
		if *in.TokenDuration > 86400 {
			return nil, invalidParameter(msgTokenDurationTooLong)
		}
		ttl = time.Duration(*in.TokenDuration) * time.Second
	}
	p, err := s.readPool(ctx, *in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	logins, err := s.verifyLogins(ctx, p, in.Logins, withDeveloper)
	if err != nil {
		return nil, err
	}
	current := ""
	if in.IdentityId != nil {
		current = *in.IdentityId
	}
	id, err := s.link(ctx, p.id(), current, logins, true)
	if err != nil {
		return nil, err
	}
	tags := s.sessionTags(p, logins)
	for k, v := range in.PrincipalTags {
		tags[k] = v
	}
	tok, err := s.mint(ctx, p.id(), id, amrOf(p.id(), logins), tags, ttl)
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.GetOpenIdTokenForDeveloperIdentityResponse{IdentityId: &id, Token: &tok}, nil
}
