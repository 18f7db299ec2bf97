package identitypool

import (
	"context"
	"maps"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
)

// maxDeveloperUserIdentifier is the model's limit on a
// DeveloperUserIdentifier, which a developer login's value is.
const maxDeveloperUserIdentifier = 1024

// login is one verified login of a request.
type login struct {
	provider *provider
	// subject is the user at the provider: a token's sub, or the
	// developer user identifier.
	subject string
	// clientID is the app client a user pool token was issued to: user
	// pools' role mappings are per client.
	clientID string
	// claims are the verified token's claims, for role rules and
	// principal tags.
	claims map[string]any
	// openID is set for cirro's own token (cognitoProvider), which is
	// passed through to STS as it is.
	openID *openIDClaims
	raw    string
}

func (l *login) linked() linkedLogin {
	return linkedLogin{Provider: l.provider.name, Subject: l.subject}
}

// amr are the login's entries in an OpenID token's amr claim: the
// provider, then the provider qualified by the user, in Cognito's
// spellings (<provider>:CognitoSignIn:<sub> for user pools,
// <developer provider>:<pool id>:<developer user id>).
func (l *login) amr(poolID string) []string {
	switch l.provider.kind {
	case userPoolProvider:
		return []string{l.provider.name, l.provider.name + ":CognitoSignIn:" + l.subject}
	case developerProvider:
		return []string{l.provider.name, l.provider.name + ":" + poolID + ":" + l.subject}
	}
	return []string{l.provider.name, l.provider.name + ":" + l.subject}
}

// loginPolicy says which logins beyond the public providers' tokens an
// operation accepts.
type loginPolicy int

const (
	publicLogins loginPolicy = iota
	// withDeveloper: GetOpenIdTokenForDeveloperIdentity, which a backend
	// signs, may assert developer user identifiers.
	withDeveloper
	// withCognitoToken: GetCredentialsForIdentity takes cirro's own
	// OpenID token, the enhanced flow of developer-authenticated
	// identities.
	withCognitoToken
)

// verifyLogins verifies every login of a request, in provider order, and
// fails on the first that does not verify. Tokens are checked outside
// any transaction: an OpenID Connect provider may have to be asked for
// its keys. A provider named twice (a user pool under both spellings)
// counts once, and must name one user.
func (s *Service) verifyLogins(ctx context.Context, p *poolDoc, logins map[string]string, policy loginPolicy) ([]*login, error) {
	out := make([]*login, 0, len(logins))
	for _, key := range slices.Sorted(maps.Keys(logins)) {
		l, err := s.verifyLogin(ctx, p, key, logins[key], policy)
		if err != nil {
			return nil, err
		}
		if l.openID != nil && len(logins) > 1 {
			return nil, notAuthorized(msgCognitoTokenNotAlone)
		}
		i := slices.IndexFunc(out, func(x *login) bool { return x.provider.name == l.provider.name })
		switch {
		case i < 0:
			out = append(out, l)
		case out[i].subject != l.subject:
			return nil, invalidParameter(msgTwoUsersOfProvider, l.provider.name)
		}
	}
	return out, nil
}

func (s *Service) verifyLogin(ctx context.Context, p *poolDoc, key, tok string, policy loginPolicy) (*login, error) {
	pr, ok := s.findProvider(p, key)
	if !ok {
		return nil, notAuthorized(msgUnsupportedProvider)
	}
	switch pr.kind {
	case cognitoProvider:
		if policy != withCognitoToken {
			return nil, notAuthorized(msgCognitoTokenInGetID)
		}
		c, err := s.verifyOpenID(ctx, tok)
		if err != nil {
			return nil, err
		}
		if c.Aud != p.id() {
			return nil, notAuthorized(msgCognitoTokenNotYours)
		}
		return &login{provider: pr, subject: c.Sub, openID: c, raw: tok}, nil
	case developerProvider:
		if policy != withDeveloper {
			return nil, notAuthorized(msgDeveloperLoginPublic)
		}
		if len(tok) > maxDeveloperUserIdentifier {
			return nil, invalidParameter("A developer user identifier is at most %d characters long.", maxDeveloperUserIdentifier)
		}
		return &login{provider: pr, subject: tok}, nil
	case userPoolProvider:
		return s.verifyUserPoolLogin(ctx, pr, tok)
	case oidcProvider, socialProvider:
		if pr.issuer == "" {
			return nil, notAuthorized(msgUnverifiableProvider, pr.name)
		}
		claims, sub, err := s.oidc.verify(ctx, pr.issuer, pr.audience, tok)
		if err != nil {
			return nil, err
		}
		return &login{provider: pr, subject: sub, claims: claims}, nil
	}
	return nil, notAuthorized(msgSAMLUnsupported)
}

// verifyUserPoolLogin checks a cirro user pool's ID token: its signature
// and expiry, that its issuer is the pool the logins key names, that it
// was issued to one of the app clients the identity pool lists and, when
// that client's entry asks for ServerSideTokenCheck, that it was not
// revoked since.
func (s *Service) verifyUserPoolLogin(ctx context.Context, pr *provider, tok string) (*login, error) {
	c, err := s.userPools.VerifyID(ctx, tok)
	if err != nil {
		return nil, err
	}
	if c.PoolID != pr.userPool {
		return nil, notAuthorized(msgIssuerMismatch)
	}
	i := slices.IndexFunc(pr.clients, func(e cognitoidentity.CognitoIdentityProvider) bool { return *e.ClientId == c.ClientID })
	if i < 0 {
		return nil, notAuthorized(msgUnsupportedProvider)
	}
	if check := pr.clients[i].ServerSideTokenCheck; check != nil && *check {
		if err := s.userPools.CheckIDLive(ctx, c); err != nil {
			return nil, err
		}
	}
	return &login{provider: pr, subject: c.Sub, clientID: c.ClientID, claims: c.Claims}, nil
}

// authenticated reports whether a request's logins make it an
// authenticated one: cirro's own token carries that in its amr.
func authenticated(logins []*login) bool {
	if len(logins) == 1 && logins[0].openID != nil {
		return slices.Contains(logins[0].openID.Amr, "authenticated")
	}
	return len(logins) > 0
}
