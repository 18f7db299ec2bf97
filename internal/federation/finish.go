package federation

import (
	"context"
	"errors"
	"regexp"
)

// errorCode is the shape of an OAuth 2.0 error code (RFC 6749 §4.1.2.1):
// an upstream's error passes to the client only in that shape.
var errorCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

// Finish completes a sign-in at /oauth2/idpresponse. A state that is
// unknown, expired, used, or not this browser's is a plain error (the
// domain shows an error page: there is no client to send it to); every
// failure after that is a *Failure, sent back to the client.
func (s *Service) Finish(ctx context.Context, cb Callback) (*SignedIn, error) {
	st, err := s.takeState(ctx, cb.PoolID, cb.State, cb.Binding, !cb.FormPost)
	if err != nil {
		return nil, err
	}
	if cb.Error != "" {
		code := cb.Error
		if !errorCode.MatchString(code) {
			code = "invalid_request"
		}
		return nil, &Failure{Resume: st.Resume, Code: code, Description: cb.ErrorDescription}
	}
	if cb.Code == "" {
		return nil, &Failure{Resume: st.Resume, Code: "invalid_request", Description: "The identity provider returned no authorization code."}
	}
	idp, err := s.provider(ctx, st.Pool, st.Provider)
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, err)
	}
	u, err := s.upstreamOf(ctx, idp)
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, err)
	}
	if cb.FormPost && !u.formPost {
		// Only a provider asked for form_post may answer cross-site.
		return nil, ErrState
	}
	a, err := s.redeem(ctx, u, st, cb.Code)
	if err == nil && u.typ == typeApple && cb.FormPost {
		appleUser(a, cb.AppleUser)
	}
	if err != nil {
		var f *Failure
		if !errors.As(err, &f) {
			s.log.WarnContext(ctx, "federation: upstream answer refused", "provider", u.name, "pool", st.Pool, "err", err)
			err = &Failure{Code: "invalid_request", Description: "The answer of the identity provider could not be verified."}
		}
		return nil, s.upstreamFailure(ctx, st.Resume, err)
	}
	out, err := s.signIn(ctx, st, idp, a)
	if err != nil {
		return nil, s.upstreamFailure(ctx, st.Resume, err)
	}
	out.Resume = st.Resume
	return out, nil
}
