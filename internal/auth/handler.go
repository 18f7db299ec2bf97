package auth

import (
	"context"
	"time"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// Handler serves one AuthFlow of InitiateAuth or one ChallengeName of
// RespondToAuthChallenge. The core has already opened the request: the
// client and pool exist and belong together, the flow is enabled on the
// client, SECRET_HASH of a challenge answer is checked, and a challenge's
// Session is opened, current and for this client.
type Handler interface {
	Handle(ctx context.Context, r *Request) (*Outcome, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, r *Request) (*Outcome, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, r *Request) (*Outcome, error) { return f(ctx, r) }

// Step decides, once a user has passed a step of the sign-in, whether a
// further challenge stands between them and their tokens: the temporary
// password (NEW_PASSWORD_REQUIRED), and in their issues MFA and MFA_SETUP.
// passed lists the challenges the sign-in has answered so far. Steps run in
// the order they were added; the first that returns a challenge wins.
type Step interface {
	Next(ctx context.Context, r *Request, u *user.User, passed []string) (*Challenge, error)
}

// TokenHook sees tokens being issued, for a sign-in or a refresh: the pre
// token generation trigger fills in the customization before, remembered
// devices add NewDeviceMetadata to the result after. u is the user as it
// is now.
type TokenHook interface {
	BeforeIssue(ctx context.Context, r *Request, u *user.User, c *token.Customization) error
	AfterIssue(ctx context.Context, r *Request, u *user.User, res *cognitoidp.AuthenticationResultType) error
}

// Outcome is what a handler decided. Exactly one of User, Challenge and
// Tokens is set.
type Outcome struct {
	// User has passed this handler's step; the core runs the Steps and
	// issues tokens if none of them challenges.
	User *user.User
	// Factor is what the step proved, for the auth event's
	// ChallengeResponses: cognitoidp.ChallengeNamePassword or
	// cognitoidp.ChallengeNameMfa; empty for steps that prove nothing.
	Factor string
	// UserChange, if set, is applied to the user in the transaction that
	// records the step's success (it may run more than once, on a fresh
	// copy each time): a reset lockout, an upgraded hash, a new password.
	UserChange func(*user.User)
	// UserUpdate is UserChange for a change that can fail (attributes
	// given with a new password): an error leaves the user unchanged and
	// fails the step.
	UserUpdate func(*user.User) error
	// Committed, if set, runs once the step's transaction has committed
	// (the verification messages of attributes changed with a new
	// password); its error is the step's.
	Committed func(context.Context) error

	// Challenge is a further question the handler itself asks.
	Challenge *Challenge

	// Tokens were issued by the handler itself (refresh).
	Tokens *token.Tokens
}

// Challenge is a challenge to send to the client.
type Challenge struct {
	Name       string
	Parameters map[string]string
	// User is whom it is for; the Session is sealed to them.
	User *user.User
	// Data travels in the Session to the handler of Name.
	Data map[string]string
	// Stateless challenges carry their state elsewhere and get no
	// Session (PASSWORD_VERIFIER keeps it in SECRET_BLOCK).
	Stateless bool
	// Available are the AvailableChallenges of InitiateAuth's answer
	// (SELECT_CHALLENGE of USER_AUTH).
	Available []string
}

// FlowSpec registers an AuthFlow.
type FlowSpec struct {
	Name string
	// Public and Admin say which operation accepts the flow: InitiateAuth,
	// AdminInitiateAuth, or both.
	Public, Admin bool
	// Allowed are the ExplicitAuthFlows values that enable the flow.
	Allowed []string
	// Legacy enables the flow on a client configured with legacy values
	// only (ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, CUSTOM_AUTH_FLOW_ONLY),
	// which never listed it, unless the client is CUSTOM_AUTH_FLOW_ONLY.
	Legacy bool
	// Disabled is the error for a client that does not enable the flow.
	Disabled error
	Handler  Handler
	// Load, if set, reads what Handler will need in the read transaction
	// that opens the call (snapshot.go).
	Load Loader
}

// ChallengeSpec registers a ChallengeName.
type ChallengeSpec struct {
	Name    string
	Handler Handler
	// Stateless answers carry no Session (PASSWORD_VERIFIER), unless the
	// challenge was asked with one (Service.SRPChallenge); all others
	// must present the Session of the challenge they answer.
	Stateless bool
	// Load, if set, reads what Handler will need in the read transaction
	// that opens the call; without it, a challenge with a Session has the
	// Session's user and its single-use record read there (snapshot.go).
	Load Loader
}

// Request is one step of a sign-in as a handler sees it.
type Request struct {
	// Admin is set for AdminInitiateAuth and AdminRespondToAuthChallenge.
	Admin bool
	Pool  *cognitoidp.UserPoolType
	// Client is shared with concurrent requests: read it, never change it.
	Client *cognitoidp.UserPoolClientType
	// Secrets are the client's active secrets (none for a public client);
	// SECRET_HASH may be computed with any of them.
	Secrets []string
	// Name is the AuthFlow, or the ChallengeName being answered.
	Name string
	// Params are the AuthParameters or the ChallengeResponses.
	Params         map[string]string
	ClientMetadata map[string]string
	// Session is the opened Session of a challenge answer; nil for flows
	// and stateless challenges.
	Session *Session
	// Context is where the request came from, for the auth event.
	Context EventContext
	// DeviceKey is the remembered device the tokens are for, set by the
	// device handlers.
	DeviceKey string

	now time.Time
	// flowSession is the Session InitiateAuth was given (USER_AUTH
	// straight from ConfirmSignUp).
	flowSession string
	// answer is set for RespondToAuthChallenge, clear for InitiateAuth.
	answer bool
	spent  []spend
	// eventID is the auth event of this sign-in: the Session's, or a new
	// one when the sign-in started with this request.
	eventID string
	// snap is what the call read when it was opened.
	snap snapshot
}

// Param returns a parameter, "" when absent.
func (r *Request) Param(name string) string { return r.Params[name] }

// Require returns a parameter, or Cognito's error for a missing one.
func (r *Request) Require(name string) (string, error) {
	v := r.Params[name]
	if v == "" {
		return "", missing(name)
	}
	return v, nil
}

// Now is the time of the request, read once from the service's clock.
func (r *Request) Now() time.Time { return r.now }

// Spend marks a single-use id (a session, a secret block) as consumed by
// this step. The id is recorded, until expires, in the transaction that
// records the step's result, success or failure; a second use fails.
func (r *Request) Spend(id string, expires time.Time) {
	r.spent = append(r.spent, spend{id: id, expires: expires})
}

// passed is what the sign-in has answered, this request included.
func (r *Request) passed() []string {
	var out []string
	if r.Session != nil {
		out = append(out, r.Session.Passed...)
	}
	if r.answer {
		out = append(out, r.Name)
	}
	return out
}

type spend struct {
	id      string
	expires time.Time
}
