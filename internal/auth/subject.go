package auth

import (
	"context"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// subject is the user as their tokens describe them (attributes, groups,
// linked identities), read in one snapshot.
func (s *Service) subject(ctx context.Context, u *user.User) (token.Subject, error) {
	var sub *token.Subject
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		sub, err = s.users.Subject(ctx, tx, u)
		return err
	})
	if err != nil {
		return token.Subject{}, err
	}
	return *sub, nil
}
