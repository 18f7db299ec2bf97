package auth

import (
	"context"

	"github.com/cirrohq/cirro/internal/user"
)

// PasswordHook is consulted by the flows that prove a password
// (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH) before
// the proof: the pre authentication and user migration triggers plug in
// here (internal/trigger/authhook), so that this package knows nothing of
// triggers.
type PasswordHook interface {
	// BeforePassword runs once the flow knows whom the sign-in names: u,
	// or nil for a name nobody has when the client hides that (the
	// sign-in will fail as a wrong password does). An error ends the
	// sign-in before anything is checked or recorded.
	BeforePassword(ctx context.Context, r *Request, u *user.User) error
	// Unknown is asked, by the flows that carry the password in the clear,
	// about a name nobody has: it may create the user (user migration)
	// and return it; nil lets the sign-in fail as for an unknown name.
	Unknown(ctx context.Context, r *Request, name, password string) (*user.User, error)
}

// AddPasswordHook appends a hook the password flows consult.
func (s *Service) AddPasswordHook(h PasswordHook) { s.passwordHooks = append(s.passwordHooks, h) }

// findForPassword is findUser for the flows that carry the password: a
// name nobody has is first offered to the hooks (password is "" for SRP,
// which cannot migrate), then the hooks see whom the sign-in names.
func (s *Service) findForPassword(ctx context.Context, r *Request, name, password string) (*user.User, error) {
	u, err := s.findUser(ctx, r, name)
	if u == nil && password != "" && (err == nil || err == errUserNotFound) {
		for _, h := range s.passwordHooks {
			m, herr := h.Unknown(ctx, r, name, password)
			if herr != nil {
				return nil, herr
			}
			if m != nil {
				u, err = m, nil
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for _, h := range s.passwordHooks {
		if err := h.BeforePassword(ctx, r, u); err != nil {
			return nil, err
		}
	}
	return u, nil
}
