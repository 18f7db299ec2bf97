package user

import (
	"context"
	"maps"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/trigger"
)

// Triggers of the directory's own flows (pre sign-up, post confirmation),
// invoked as the package documentation of internal/trigger says: outside
// any store transaction, after what the request asks for has been
// checked and before anything is committed, so that a function that
// throws, times out or answers nonsense changes nothing.

// hook reports whether the pool attaches a function at point that this
// directory invokes.
func (s *Service) hook(p *cognitoidp.UserPoolType, point trigger.Point) bool {
	return s.Triggers != nil && trigger.Configured(p, point)
}

// preSignUp asks the pool's pre sign-up function about nu and applies its
// answer: autoVerifyEmail and autoVerifyPhone mark the contacts verified;
// autoConfirmUser (SignUp only: an administrator's user is confirmed by
// its first password change) confirms the user, so no code is sent.
func (s *Service) preSignUp(ctx context.Context, nu *newUser, source, clientID string, validation []cognitoidp.AttributeType, metadata map[string]string) error {
	if !s.hook(nu.pool, trigger.PointPreSignUp) {
		return nil
	}
	u := nu.user
	attrs := maps.Clone(u.Attributes)
	resp, err := s.Triggers.PreSignUp(ctx, nu.pool, source, trigger.Caller{ClientID: clientID, UserName: u.Username},
		trigger.PreSignUpRequest{UserAttributes: attrs, ValidationData: attrMap(validation), ClientMetadata: metadata})
	if err != nil {
		return err
	}
	if err := trigger.CheckPreSignUp(resp, attrs); err != nil {
		return err
	}
	if resp == nil {
		return nil
	}
	if resp.AutoVerifyEmail {
		u.Attributes[attrEmail+verifiedSuffix] = "true"
	}
	if resp.AutoVerifyPhone {
		u.Attributes[attrPhone+verifiedSuffix] = "true"
	}
	if resp.AutoConfirmUser && source == trigger.PreSignUpSignUp {
		u.Status = StatusConfirmed
	}
	return nil
}

// postConfirmation tells the pool's post confirmation function that u, as
// it is about to be saved, is confirmed (source
// PostConfirmationConfirmSignUp or PostConfirmationConfirmForgotPassword).
//
// Cognito runs the function once the confirmation is done and answers
// with its error; whether the confirmation then stands is not documented.
// cirro invokes it before committing, so a failing function leaves the
// user as it was (still unconfirmed, the code unspent) and the request can
// simply be repeated.
func (s *Service) postConfirmation(ctx context.Context, p *cognitoidp.UserPoolType, u *User, source, clientID string, metadata map[string]string) error {
	if !s.hook(p, trigger.PointPostConfirmation) {
		return nil
	}
	return s.Triggers.PostConfirmation(ctx, p, source, trigger.Caller{ClientID: clientID, UserName: u.Username},
		trigger.PostConfirmationRequest{UserAttributes: trigger.UserAttributes(p, u.Sub, u.Status, u.Attributes), ClientMetadata: metadata})
}

// attrMap is a list of attributes as a map; nil for none, which the
// events send as null.
func attrMap(list []cognitoidp.AttributeType) map[string]string {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]string, len(list))
	for _, a := range list {
		if a.Name != nil {
			m[*a.Name] = deref(a.Value)
		}
	}
	return m
}
