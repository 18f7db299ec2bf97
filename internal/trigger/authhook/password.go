package authhook

import (
	"context"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

// The password flows' hook (auth.PasswordHook): pre authentication before
// the password is checked, and user migration for a name nobody has.

// BeforePassword runs pre authentication. The developer guide's
// validationData is the request's ClientMetadata; userNotFound is sent
// only to a client that prevents user existence errors, for whom u may
// be nil.
func (h *Hooks) BeforePassword(ctx context.Context, r *auth.Request, u *user.User) error {
	if !trigger.Configured(r.Pool, trigger.PointPreAuthentication) {
		return nil
	}
	c := customState{user: u}
	if u == nil {
		c.user, c.notFound = &user.User{Username: r.Param("USERNAME")}, true
	}
	pre := trigger.PreAuthenticationRequest{UserAttributes: c.attributes(r.Pool), ValidationData: r.ClientMetadata}
	if pool.PreventsUserExistenceErrors(r.Client) {
		pre.UserNotFound = &c.notFound
	}
	return h.Triggers.PreAuthentication(ctx, r.Pool, callerOf(r, c.user.Username), pre)
}

// Unknown runs user migration (UserMigration_Authentication) and creates
// the user the function returns. A function that throws refuses the
// sign-in with its message, as Cognito passes it on.
func (h *Hooks) Unknown(ctx context.Context, r *auth.Request, name, password string) (*user.User, error) {
	if !trigger.Configured(r.Pool, trigger.PointUserMigration) {
		return nil, nil
	}
	who := callerOf(r, name)
	answer, err := h.Triggers.UserMigration(ctx, r.Pool, trigger.UserMigrationAuthentication, who, trigger.UserMigrationRequest{
		Password: password, ValidationData: r.ClientMetadata, ClientMetadata: r.ClientMetadata,
	})
	if err != nil {
		return nil, err
	}
	return h.Users.Migrate(ctx, user.Migration{
		Pool: r.Pool, Source: trigger.UserMigrationAuthentication, Name: name, Password: password, Answer: answer,
		ClientID: who.ClientID, ClientMetadata: r.ClientMetadata,
	})
}
