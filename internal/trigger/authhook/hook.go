package authhook

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

// Hooks holds what the hooks need.
type Hooks struct {
	Triggers *trigger.Service
	Users    *user.Service
	Store    store.Store
	// auth is the sign-in service Register added the hooks to.
	auth *auth.Service
}

// Register adds the hooks to a: the token hook, the password hook, and
// the CUSTOM_AUTH flow with its CUSTOM_CHALLENGE challenge. CUSTOM_AUTH
// is always served, as by Cognito, which answers a pool without the
// define auth challenge trigger "Custom auth lambda trigger is not
// configured for the user pool." (trigger.ErrCustomAuthNotConfigured).
func Register(a *auth.Service, h *Hooks) {
	a.AddTokenHook(h)
	a.AddPasswordHook(h)
	h.registerCustomAuth(a)
}

// BeforeIssue runs post authentication (not for a refresh, which
// authenticates no one) and pre token generation.
func (h *Hooks) BeforeIssue(ctx context.Context, r *auth.Request, u *user.User, c *token.Customization) error {
	refresh := r.Name == cognitoidp.AuthFlowTypeRefreshTokenAuth || r.Name == cognitoidp.AuthFlowTypeRefreshToken
	post := !refresh && trigger.Configured(r.Pool, trigger.PointPostAuthentication)
	pre := trigger.Configured(r.Pool, trigger.PointPreTokenGeneration)
	if !post && !pre {
		return nil
	}
	attrs := trigger.UserAttributes(r.Pool, u.Sub, u.Status, u.Attributes)
	who := callerOf(r, u.Username)
	if post {
		err := h.Triggers.PostAuthentication(ctx, r.Pool, who, trigger.PostAuthenticationRequest{
			UserAttributes: attrs, ClientMetadata: r.ClientMetadata,
		})
		if err != nil {
			return err
		}
	}
	if !pre {
		return nil
	}
	var subject *token.Subject
	err := h.Store.Read(ctx, func(tx store.Tx) (err error) {
		subject, err = h.Users.Subject(ctx, tx, u)
		return err
	})
	if err != nil {
		return err
	}
	cz, err := h.Triggers.PreTokenGeneration(ctx, r.Pool, tokenSource(r.Name), who, trigger.TokenGenerationInput{
		UserAttributes: attrs, Groups: subject.Groups, ClientMetadata: r.ClientMetadata,
	})
	if err != nil || cz == nil {
		return err
	}
	*c = *cz
	return nil
}

// AfterIssue implements auth.TokenHook; the triggers have nothing to add.
func (h *Hooks) AfterIssue(context.Context, *auth.Request, *user.User, *cognitoidp.AuthenticationResultType) error {
	return nil
}

// tokenSource is the pre token generation source of a step that issues
// tokens, named by the flow or challenge it answers.
func tokenSource(step string) string {
	switch step {
	case cognitoidp.AuthFlowTypeRefreshTokenAuth, cognitoidp.AuthFlowTypeRefreshToken:
		return trigger.TokenGenerationRefreshTokens
	case cognitoidp.ChallengeNameTypeNewPasswordRequired:
		return trigger.TokenGenerationNewPasswordChallenge
	case cognitoidp.ChallengeNameTypeDeviceSrpAuth, cognitoidp.ChallengeNameTypeDevicePasswordVerifier:
		return trigger.TokenGenerationAuthenticateDevice
	case auth.HostedFlow:
		return trigger.TokenGenerationHostedAuth
	}
	return trigger.TokenGenerationAuthentication
}

func callerOf(r *auth.Request, username string) trigger.Caller {
	c := trigger.Caller{UserName: username}
	if r.Client != nil && r.Client.ClientId != nil {
		c.ClientID = *r.Client.ClientId
	}
	return c
}

func poolID(r *auth.Request) string {
	if r.Pool == nil || r.Pool.Id == nil {
		return ""
	}
	return *r.Pool.Id
}

func isNotFound(err error) bool { return errors.Is(err, user.ErrNotFound) }
