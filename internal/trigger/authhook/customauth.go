package authhook

import (
	"context"
	"encoding/json"
	"errors"
	"maps"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
	"github.com/cirrohq/cirro/internal/user"
)

// CUSTOM_AUTH, as the developer guide's "Custom authentication challenge
// Lambda triggers" describes it: InitiateAuth runs pre authentication,
// then define auth challenge with an empty session; each time it asks
// CUSTOM_CHALLENGE, create auth challenge makes one, whose public
// parameters (and USERNAME) go to the client; RespondToAuthChallenge's
// ANSWER goes to verify auth challenge response, the verdict is appended
// to the session, and define auth challenge decides again: another
// challenge, tokens (issueTokens), or failure (failAuthentication).
//
// The session history, the challenge's private parameters and metadata
// travel in the sealed Session, so that any node can take the answer.
//
// SRP inside CUSTOM_AUTH (amazon-cognito-identity-js with
// authenticationFlowType CUSTOM_AUTH, Amplify's CUSTOM_WITH_SRP): the
// client sends SRP_A (and CHALLENGE_NAME SRP_A) with the flow, the
// session define auth challenge first sees is [SRP_A: true], and when it
// asks PASSWORD_VERIFIER, internal/auth asks it (auth.Service.SRPChallenge)
// with a Session carrying the history. A wrong password fails the sign-in
// there, as in USER_SRP_AUTH (lockout included); a right one reaches
// afterPassword, a Step, which appends [PASSWORD_VERIFIER: true] and asks
// define auth challenge again.

// Messages shared with internal/auth (errors.go there), which keeps its
// own unexported.
var (
	errIncorrect     = errs.New(errs.NotAuthorizedException, "Incorrect username or password.")
	errUserNotFound  = errs.New(errs.UserNotFoundException, "User does not exist.")
	errDisabled      = errs.New(errs.NotAuthorizedException, "User is disabled.")
	errNotConfirmed  = errs.New(errs.UserNotConfirmedException, "User is not confirmed.")
	errResetRequired = errs.New(errs.PasswordResetRequiredException, "Password reset required for the user")
	errFlowOff       = errs.New(errs.InvalidParameterException, "Auth flow not enabled for this client")
	// Ours: define auth challenge asked PASSWORD_VERIFIER of a sign-in
	// that did not start with SRP_A, or asked it twice.
	errNoSRPA = errs.New(errs.InvalidLambdaResponseException, "Invalid lambda response: PASSWORD_VERIFIER can only follow SRP_A, sent with CUSTOM_AUTH")
)

// Keys of the challenge's Session data.
const (
	dataSession  = "session"
	dataPrivate  = "private"
	dataMetadata = "metadata"
)

func (h *Hooks) registerCustomAuth(a *auth.Service) {
	h.auth = a
	a.AddFirstStep(afterPassword{h})
	a.HandleFlow(auth.FlowSpec{
		Name: cognitoidp.AuthFlowTypeCustomAuth, Public: true, Admin: true,
		Allowed:  []string{cognitoidp.ExplicitAuthFlowsTypeAllowCustomAuth, cognitoidp.ExplicitAuthFlowsTypeCustomAuthFlowOnly},
		Disabled: errFlowOff,
		Handler:  auth.HandlerFunc(h.startCustom),
	})
	a.HandleChallenge(auth.ChallengeSpec{Name: cognitoidp.ChallengeNameTypeCustomChallenge, Handler: auth.HandlerFunc(h.answerCustom)})
}

// startCustom is InitiateAuth with CUSTOM_AUTH.
func (h *Hooks) startCustom(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	name, err := r.Require("USERNAME")
	if err != nil {
		return nil, err
	}
	if err := r.CheckSecretHash(name); err != nil {
		return nil, err
	}
	if !trigger.Configured(r.Pool, trigger.PointDefineAuthChallenge) {
		return nil, trigger.ErrCustomAuthNotConfigured // checked before the user, as Cognito does
	}
	u, err := h.find(ctx, r, name)
	if err != nil {
		return nil, err
	}
	c := customState{user: u, name: name}
	if u == nil {
		// Unknown, and the client hides that: the triggers are told, and
		// the sign-in can only fail.
		c.user, c.notFound = &user.User{Username: name}, true
	} else if err := refuse(u); err != nil {
		return nil, err
	}
	pre := trigger.PreAuthenticationRequest{UserAttributes: c.attributes(r.Pool), ValidationData: r.ClientMetadata}
	if pool.PreventsUserExistenceErrors(r.Client) {
		pre.UserNotFound = &c.notFound
	}
	if err := h.Triggers.PreAuthentication(ctx, r.Pool, callerOf(r, c.user.Username), pre); err != nil {
		return nil, err
	}
	if c.srpA = r.Param("SRP_A"); c.srpA != "" {
		c.session = []trigger.ChallengeResult{{ChallengeName: trigger.ChallengeSRPA, ChallengeResult: true}}
	}
	return h.define(ctx, r, &c)
}

// answerCustom is RespondToAuthChallenge with CUSTOM_CHALLENGE.
func (h *Hooks) answerCustom(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	answer, err := r.Require("ANSWER")
	if err != nil {
		return nil, err
	}
	c, err := h.resume(ctx, r)
	if err != nil {
		return nil, err
	}
	var private map[string]string
	if err := json.Unmarshal([]byte(r.Session.Data[dataPrivate]), &private); err != nil {
		return nil, errSession
	}
	verdict, err := h.Triggers.VerifyAuthChallengeResponse(ctx, r.Pool, callerOf(r, c.user.Username), trigger.VerifyAuthChallengeResponseRequest{
		UserAttributes: c.attributes(r.Pool), PrivateChallengeParameters: private, ChallengeAnswer: answer,
		ClientMetadata: r.ClientMetadata, UserNotFound: c.notFound,
	})
	if err != nil {
		return nil, err
	}
	c.session = append(c.session, trigger.ChallengeResult{
		ChallengeName: trigger.ChallengeCustom, ChallengeResult: verdict.Correct(), ChallengeMetadata: r.Session.Data[dataMetadata],
	})
	out, err := h.define(ctx, r, c)
	if errors.Is(err, errIncorrect) {
		// A failed sign-in ends its session: without this, the same
		// Session could be answered again with the history before the
		// failure, a fresh set of guesses each time.
		if serr := h.spend(ctx, r); serr != nil {
			return nil, serr
		}
	}
	return out, err
}

// define asks define auth challenge what comes next and acts on it.
func (h *Hooks) define(ctx context.Context, r *auth.Request, c *customState) (*auth.Outcome, error) {
	who := callerOf(r, c.user.Username)
	attrs := c.attributes(r.Pool)
	d, err := h.Triggers.DefineAuthChallenge(ctx, r.Pool, who, trigger.DefineAuthChallengeRequest{
		UserAttributes: attrs, Session: c.session, ClientMetadata: r.ClientMetadata, UserNotFound: c.notFound,
	})
	if err != nil {
		return nil, err
	}
	switch {
	case d.Fail():
		return nil, errIncorrect
	case d.Issue():
		if c.notFound {
			return nil, errIncorrect
		}
		return &auth.Outcome{User: c.user}, nil
	case d.Next() == trigger.ChallengeCustom:
	case d.Next() == trigger.ChallengePasswordVerifier:
		return h.askPassword(ctx, r, c)
	default:
		return nil, errs.New(errs.InvalidLambdaResponseException, "Invalid lambda response: challengeName must be CUSTOM_CHALLENGE when neither issueTokens nor failAuthentication is set")
	}
	ch, err := h.Triggers.CreateAuthChallenge(ctx, r.Pool, who, trigger.CreateAuthChallengeRequest{
		UserAttributes: attrs, ChallengeName: trigger.ChallengeCustom, Session: c.session,
		ClientMetadata: r.ClientMetadata, UserNotFound: c.notFound,
	})
	if err != nil {
		return nil, err
	}
	params := maps.Clone(ch.PublicChallengeParameters)
	if params == nil {
		params = map[string]string{}
	}
	params["USERNAME"] = c.user.Username
	history, _ := json.Marshal(c.session)
	private, _ := json.Marshal(ch.PrivateChallengeParameters)
	data := map[string]string{dataSession: string(history), dataPrivate: string(private)}
	if ch.ChallengeMetadata != nil {
		data[dataMetadata] = *ch.ChallengeMetadata
	}
	return &auth.Outcome{Challenge: &auth.Challenge{Name: trigger.ChallengeCustom, Parameters: params, User: c.user, Data: data}}, nil
}

// askPassword is PASSWORD_VERIFIER asked by define auth challenge: only
// right after SRP_A, whose value came with InitiateAuth.
func (h *Hooks) askPassword(ctx context.Context, r *auth.Request, c *customState) (*auth.Outcome, error) {
	if c.srpA == "" || len(c.session) != 1 {
		return nil, errNoSRPA
	}
	var u *user.User
	if !c.notFound {
		u = c.user
	}
	history, _ := json.Marshal(c.session)
	ch, err := h.auth.SRPChallenge(ctx, r, c.name, c.srpA, u, map[string]string{dataSession: string(history)})
	if err != nil {
		return nil, err
	}
	return &auth.Outcome{Challenge: ch}, nil
}

// afterPassword takes a CUSTOM_AUTH sign-in back from PASSWORD_VERIFIER
// (askPassword) once the password is proved: define auth challenge sees
// the history with [PASSWORD_VERIFIER: true] and asks a custom challenge
// (the Step's challenge), issues tokens (nil: the Steps after this one,
// MFA among them, and then the tokens) or fails the sign-in.
type afterPassword struct{ h *Hooks }

func (a afterPassword) Next(ctx context.Context, r *auth.Request, u *user.User, _ []string) (*auth.Challenge, error) {
	if r.Name != cognitoidp.ChallengeNameTypePasswordVerifier || r.Session == nil || r.Session.Data[dataSession] == "" {
		return nil, nil
	}
	c := &customState{user: u, name: r.Session.Username}
	if err := json.Unmarshal([]byte(r.Session.Data[dataSession]), &c.session); err != nil {
		return nil, errSession
	}
	c.session = append(c.session, trigger.ChallengeResult{ChallengeName: trigger.ChallengePasswordVerifier, ChallengeResult: true})
	out, err := a.h.define(ctx, r, c)
	if errors.Is(err, errIncorrect) {
		// As answerCustom: a failed sign-in ends its session.
		if serr := a.h.spend(ctx, r); serr != nil {
			return nil, serr
		}
	}
	if err != nil {
		return nil, err
	}
	if out.Challenge != nil {
		return out.Challenge, nil
	}
	return nil, nil // issue tokens
}

// customState is a custom sign-in between two steps.
type customState struct {
	user     *user.User
	name     string
	notFound bool
	session  []trigger.ChallengeResult
	// srpA is the SRP_A InitiateAuth brought, for PASSWORD_VERIFIER.
	srpA string
}

func (c *customState) attributes(p *cognitoidp.UserPoolType) map[string]string {
	if c.notFound {
		return map[string]string{}
	}
	return trigger.UserAttributes(p, c.user.Sub, c.user.Status, c.user.Attributes)
}

// resume rebuilds the state a CUSTOM_CHALLENGE Session carries. The user
// is read again: one disabled or deleted meanwhile gets no further.
func (h *Hooks) resume(ctx context.Context, r *auth.Request) (*customState, error) {
	c := &customState{name: r.Session.Username}
	if err := json.Unmarshal([]byte(r.Session.Data[dataSession]), &c.session); err != nil {
		return nil, errSession
	}
	if r.Session.Sub == "" {
		c.user, c.notFound = &user.User{Username: r.Session.Username}, true
		return c, nil
	}
	err := h.Store.Read(ctx, func(tx store.Tx) (err error) {
		c.user, _, err = h.Users.Get(ctx, tx, poolID(r), r.Session.Sub)
		return err
	})
	if isNotFound(err) {
		return nil, errIncorrect
	}
	if err != nil {
		return nil, err
	}
	return c, refuse(c.user)
}

// find looks the user up; an unknown name is UserNotFoundException, or nil
// when the client prevents user existence errors.
func (h *Hooks) find(ctx context.Context, r *auth.Request, name string) (*user.User, error) {
	var u *user.User
	err := h.Store.Read(ctx, func(tx store.Tx) (err error) {
		u, _, err = h.Users.FindForSignIn(ctx, tx, r.Pool, name)
		return err
	})
	if isNotFound(err) || errs.Is(err, errs.UserNotFoundException) {
		if pool.PreventsUserExistenceErrors(r.Client) {
			return nil, nil
		}
		return nil, errUserNotFound
	}
	return u, err
}

// spend records the answered Session as used, in internal/auth's own
// record of spent sessions (auth.KindSpent), as its core does when it
// records a step.
func (h *Hooks) spend(ctx context.Context, r *auth.Request) error {
	err := h.Store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: auth.KindSpent, ID: r.Session.ID, Scope: poolID(r), Data: []byte("{}"), Expires: r.Session.Expires})
	})
	if errors.Is(err, store.ErrExists) {
		return nil
	}
	return err
}

// refuse stops users who may not sign in at all.
func refuse(u *user.User) error {
	switch {
	case !u.Enabled:
		return errDisabled
	case u.Status == user.StatusResetRequired:
		return errResetRequired
	case u.Status == user.StatusUnconfirmed:
		return errNotConfirmed
	}
	return nil
}

var errSession = errs.New(errs.NotAuthorizedException, "Invalid session for the user.")

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
