package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// HostedFlow is Request.Name while the hosted UI's token endpoint mints
// tokens (an authorization code redeemed, a single sign-on session
// reused): token hooks tell it from API sign-in by this name, as the pre
// token generation trigger's TokenGeneration_HostedAuth does.
const HostedFlow = "HOSTED_UI"

// The hosted sign-in pages (internal/oauth) sign users in through this
// service, on the same path as InitiateAuth and RespondToAuthChallenge:
// the same handlers, steps (NEW_PASSWORD_REQUIRED, MFA), lockout and auth
// events. Only the end differs. An API sign-in gets its tokens at once;
// a hosted sign-in ends where the tokens would be issued, with the user
// it authenticated, because the hosted UI issues tokens later, at its
// token endpoint, with the OAuth scopes and nonce of the authorization
// request. The hook that ends it (hostedStop) runs before every other
// token hook, so that the pre token generation trigger runs once, when
// the tokens are really made.

// HostedStep is where a hosted sign-in stands after one request: signed
// in (User), or waiting for the answer to a challenge.
type HostedStep struct {
	User *HostedUser

	Challenge  string
	Parameters map[string]string
	// Session is the sealed state to send back with the answer.
	Session string
	// Available are SELECT_CHALLENGE's choices (HostedUserAuth).
	Available []string
	// FirstFactor marks a code challenge that signs in by itself (a
	// passwordless first factor of USER_AUTH), not a second factor.
	FirstFactor bool
}

// HostedUser is a user the hosted UI has authenticated.
type HostedUser struct {
	PoolID   string
	Sub      string
	Username string
	AuthTime time.Time
}

// HostedGrant asks for the tokens of a hosted sign-in.
type HostedGrant struct {
	ClientID string
	Sub      string
	// AuthTime is when the user authenticated (the session's, for a
	// single sign-on session reused).
	AuthTime time.Time
	Scopes   []string
	Nonce    string
	// NoRefreshToken is the implicit grant.
	NoRefreshToken bool
}

type hostedKey struct{}

// signedIn carries the authenticated user from hostedStop to the hosted
// entry points, through the error return of the core: the core (finish)
// commits the step (event, lockout, user change) when this hook stops it,
// and issues nothing.
type signedIn struct{ user *HostedUser }

func (*signedIn) Error() string { return "auth: hosted sign-in complete" }

// hostedStop is the token hook that ends hosted sign-ins.
type hostedStop struct{}

func (hostedStop) BeforeIssue(ctx context.Context, r *Request, u *user.User, _ *token.Customization) error {
	if ctx.Value(hostedKey{}) == nil {
		return nil
	}
	return &signedIn{user: &HostedUser{PoolID: u.PoolID, Sub: u.Sub, Username: u.Username, AuthTime: r.now}}
}

func (hostedStop) AfterIssue(context.Context, *Request, *user.User, *cognitoidp.AuthenticationResultType) error {
	return nil
}

// EnableHostedUI registers what the hosted UI needs. Like the other
// registrations it must happen before the service serves.
func (s *Service) EnableHostedUI() {
	if !s.hostedEnabled() {
		s.hooks = append([]TokenHook{hostedStop{}}, s.hooks...)
	}
}

func (s *Service) hostedEnabled() bool {
	return len(s.hooks) > 0 && s.hooks[0] == TokenHook(hostedStop{})
}

// HostedSignIn checks a username (or alias) and password typed into the
// hosted sign-in page. The hosted UI signs in whatever the client's
// ExplicitAuthFlows (they govern the API only), so the password handler
// runs without the flow check; a confidential client's SECRET_HASH is
// computed here, since the browser never holds the secret.
func (s *Service) HostedSignIn(ctx context.Context, clientID, username, password string) (*HostedStep, error) {
	return s.hostedFlow(ctx, clientID, cognitoidp.AuthFlowTypeUserPasswordAuth, false,
		map[string]string{"USERNAME": username, "PASSWORD": password})
}

// hostedFlow runs a flow's handler for a hosted page, with SECRET_HASH
// computed for the client and, if checkEnabled, the client's
// ExplicitAuthFlows applied as for the API.
func (s *Service) hostedFlow(ctx context.Context, clientID, flow string, checkEnabled bool, params map[string]string) (*HostedStep, error) {
	r, err := s.openHosted(ctx, clientID)
	if err != nil {
		return nil, err
	}
	spec, ok := s.flows[flow]
	if !ok {
		return nil, errors.New("auth: no " + flow + " handler")
	}
	if checkEnabled && !flowEnabled(r.Client, spec) {
		return nil, spec.Disabled
	}
	r.Name, r.eventID, r.Params = flow, newEventID(), params
	s.hostedSecretHash(r, params["USERNAME"])
	return s.hostedResult(r, func(ctx context.Context) (*result, error) {
		out, err := spec.Handler.Handle(ctx, r)
		if err != nil {
			return nil, err
		}
		return s.advance(ctx, r, out)
	})(ctx)
}

// HostedUserAuth starts a choice-based sign-in (USER_AUTH) on the hosted
// pages for a name typed without a password: SELECT_CHALLENGE with the
// first factors the pool allows and the user has (or, for a name nobody
// has when the client hides that, a password only), answered with
// HostedRespond as the API's. Unlike the password form it follows the
// client's ExplicitAuthFlows: choice-based sign-in is the client's to
// allow (ALLOW_USER_AUTH).
func (s *Service) HostedUserAuth(ctx context.Context, clientID, username string) (*HostedStep, error) {
	return s.hostedFlow(ctx, clientID, cognitoidp.AuthFlowTypeUserAuth, true, map[string]string{"USERNAME": username})
}

// HostedRespond answers a challenge of a hosted sign-in (a new password,
// an MFA code …) exactly as RespondToAuthChallenge does.
func (s *Service) HostedRespond(ctx context.Context, clientID, challenge, session string, responses map[string]string) (*HostedStep, error) {
	r, err := s.openHosted(ctx, clientID)
	if err != nil {
		return nil, err
	}
	r.Params = responses
	s.hostedSecretHash(r, responses["USERNAME"])
	return s.hostedResult(r, func(ctx context.Context) (*result, error) {
		return s.respond(ctx, r, challenge, r.Params, &session)
	})(ctx)
}

func (s *Service) openHosted(ctx context.Context, clientID string) (*Request, error) {
	if !s.hostedEnabled() {
		return nil, errors.New("auth: EnableHostedUI was not called")
	}
	r, err := s.open(ctx, false, nil, clientID)
	if err != nil {
		return nil, err
	}
	r.Context = contextOf(ctx, nil, nil)
	return r, nil
}

// hostedSecretHash stands in for the client: the hosted UI has already
// established which client the browser is signing in to.
func (s *Service) hostedSecretHash(r *Request, username string) {
	if secret := deref(r.Client.ClientSecret); secret != "" && username != "" {
		if r.Params == nil {
			r.Params = map[string]string{}
		}
		r.Params["SECRET_HASH"] = user.SecretHash(secret, username, deref(r.Client.ClientId))
	}
}

// hostedResult runs one step with the hosted marker and translates the
// core's answer.
func (s *Service) hostedResult(r *Request, run func(context.Context) (*result, error)) func(context.Context) (*HostedStep, error) {
	return func(ctx context.Context) (*HostedStep, error) {
		res, err := run(context.WithValue(ctx, hostedKey{}, true))
		var done *signedIn
		if errors.As(err, &done) {
			return &HostedStep{User: done.user}, nil
		}
		if err != nil {
			return nil, err
		}
		if res.tokens != nil {
			// Only a handler that issues tokens itself (refresh) gets
			// here, and the hosted UI runs none.
			return nil, fmt.Errorf("auth: hosted step %s issued tokens", r.Name)
		}
		first := r.Name == cognitoidp.AuthFlowTypeUserAuth || r.Name == cognitoidp.ChallengeNameTypeSelectChallenge
		return &HostedStep{Challenge: res.challenge, Parameters: res.parameters, Session: deref(res.session),
			Available: res.available, FirstFactor: first}, nil
	}
}

// HostedTokens mints the tokens of a hosted sign-in at the token
// endpoint: the user as they are now (a user disabled or deleted since
// gets none), the token hooks, and the OAuth claims (scope, version 2,
// at_hash, nonce) of the authorization request.
func (s *Service) HostedTokens(ctx context.Context, g HostedGrant) (*token.Tokens, error) {
	r, err := s.open(ctx, false, nil, g.ClientID)
	if err != nil {
		return nil, err
	}
	r.Name, r.Context = HostedFlow, contextOf(ctx, nil, nil)
	u, err := s.getUser(ctx, r, deref(r.Pool.Id), g.Sub)
	if err != nil {
		return nil, err
	}
	if err := refuseState(u); err != nil {
		return nil, err
	}
	subject, err := s.subject(ctx, u)
	if err != nil {
		return nil, err
	}
	req := token.IssueRequest{
		PoolID: deref(r.Pool.Id), Client: r.Client, User: subject, AuthTime: g.AuthTime,
		Scopes: g.Scopes, OAuth: true, Nonce: g.Nonce, NoRefreshToken: g.NoRefreshToken,
	}
	hooks := s.hooks[1:] // hostedStop is first (EnableHostedUI)
	for _, h := range hooks {
		if err := h.BeforeIssue(ctx, r, u, &req.Customize); err != nil {
			return nil, err
		}
	}
	toks, err := s.tokens.IssueTokens(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("auth: issue tokens: %w", err)
	}
	res := toks.Result()
	for _, h := range hooks {
		if err := h.AfterIssue(ctx, r, u, res); err != nil {
			return nil, err
		}
	}
	return toks, nil
}

// HostedRefresh is the token endpoint's refresh_token grant, for a
// client the endpoint has authenticated: the refresh of
// REFRESH_TOKEN_AUTH (the user as they are now, the token hooks), with a
// new refresh token when the client rotates them.
func (s *Service) HostedRefresh(ctx context.Context, clientID, refreshToken string) (*token.Tokens, error) {
	r, err := s.open(ctx, false, nil, clientID)
	if err != nil {
		return nil, err
	}
	// A refresh, for the token hooks (pre token generation's
	// TokenGeneration_RefreshTokens, no post authentication).
	r.Name, r.Context = cognitoidp.AuthFlowTypeRefreshTokenAuth, contextOf(ctx, nil, nil)
	return s.tokens.Refresh(ctx, token.RefreshRequest{
		Token: refreshToken, ClientID: clientID,
		Prepare: func(ctx context.Context, g *token.Grant) (*token.Renewal, error) {
			r.Params = map[string]string{}
			s.hostedSecretHash(r, g.Username)
			return s.renew(ctx, r, g)
		},
	})
}
