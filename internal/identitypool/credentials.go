package identitypool

import (
	"context"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidentity"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// GetCredentialsForIdentity is the enhanced flow: it authenticates the
// identity (a guest, or by its logins, or by an identity token cirro
// issued it), picks the role, and exchanges an identity token for the
// role's credentials at the configured STS. The token carries the
// principal tags, which STS makes session tags.
func (s *Service) GetCredentialsForIdentity(ctx context.Context, in *cognitoidentity.GetCredentialsForIdentityInput) (*cognitoidentity.GetCredentialsForIdentityResponse, error) {
	g, err := s.authorize(ctx, *in.IdentityId, in.Logins, withCognitoToken, nil)
	if err != nil {
		return nil, err
	}
	role, err := s.resolveRole(g.pool, g.logins, in.CustomRoleArn)
	if err != nil {
		return nil, err
	}
	if s.sts == nil {
		return nil, errs.New(errs.InvalidIdentityPoolConfigurationException, msgNoSTS)
	}
	// "If the token is for cognito-identity.amazonaws.com, it will be
	// passed through to Security Token Service with the appropriate role
	// for the token."
	var tok string
	if len(g.logins) == 1 && g.logins[0].openID != nil {
		tok = g.logins[0].raw
	} else if tok, err = s.tokenFor(ctx, g); err != nil {
		return nil, err
	}
	c, err := s.sts.assume(ctx, role, tok)
	if err != nil {
		return nil, err
	}
	return &cognitoidentity.GetCredentialsForIdentityResponse{
		IdentityId: &g.identity,
		Credentials: &cognitoidentity.Credentials{
			AccessKeyId: &c.accessKeyID, SecretKey: &c.secretKey, SessionToken: &c.sessionToken,
			Expiration: shape.NewTime(c.expiration),
		},
	}, nil
}
