package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/user"
)

// USER_AUTH is choice-based sign-in (developer guide, "Manage
// authentication methods in AWS SDKs"): InitiateAuth names the user and,
// optionally, PREFERRED_CHALLENGE. If the user can answer the preferred
// challenge the flow goes straight to it (PASSWORD and PASSWORD_SRP may
// carry PASSWORD or SRP_A in the same request, as Amplify sends them);
// otherwise it answers SELECT_CHALLENGE with AvailableChallenges, the
// first factors the pool's SignInPolicy allows and the user has: a
// password (PASSWORD, PASSWORD_SRP), a verified email address
// (EMAIL_OTP), a verified phone number (SMS_OTP), a passkey (WEB_AUTHN).
// The passwordless factors are plug-ins (FirstFactor): internal/mfa sends
// the codes, internal/passkey runs WebAuthn.
//
// After a password the MFA steps run as after any password flow; after a
// passwordless factor they do not: MFA is a factor "in addition to" a
// password (developer guide, "Adding MFA to a user pool"), and internal/mfa
// counts the passwordless challenges as settled.
//
// An unknown name, with PreventUserExistenceErrors, is answered as a user
// with a password only would be (SELECT_CHALLENGE offering PASSWORD and
// PASSWORD_SRP, or the password challenge asked for), and fails as a wrong
// password does; without it, UserNotFoundException.

// FirstFactor is a passwordless first factor of USER_AUTH, registered
// under its challenge name (EMAIL_OTP, SMS_OTP, WEB_AUTHN) with
// AddFirstFactor. The handler that answers the challenge is registered
// with HandleChallenge as any other; it ends with FirstFactorPassed.
type FirstFactor interface {
	// Available reports whether u can sign in with the factor in pool p
	// (which already allows it as a first factor).
	Available(ctx context.Context, p *cognitoidp.UserPoolType, u *user.User) (bool, error)
	// Challenge starts the factor for u: sends a code, or asks for a
	// passkey.
	Challenge(ctx context.Context, r *Request, u *user.User) (*Challenge, error)
}

// AddFirstFactor registers a passwordless first factor of USER_AUTH.
func (s *Service) AddFirstFactor(challenge string, f FirstFactor) {
	if s.firstFactors == nil {
		s.firstFactors = map[string]FirstFactor{}
	}
	s.firstFactors[challenge] = f
}

// challengeOrder is the order of AvailableChallenges.
var challengeOrder = []string{
	cognitoidp.ChallengeNameTypePassword, cognitoidp.ChallengeNameTypePasswordSrp, cognitoidp.ChallengeNameTypeWebAuthn,
	cognitoidp.ChallengeNameTypeEmailOtp, cognitoidp.ChallengeNameTypeSmsOtp,
}

// passwordChallenges are what a user with a password can always choose,
// and all an unknown name is offered.
var passwordChallenges = []string{cognitoidp.ChallengeNameTypePassword, cognitoidp.ChallengeNameTypePasswordSrp}

// dataChoices is the Session data of SELECT_CHALLENGE: what it offered.
const dataChoices = "choices"

func (s *Service) registerUserAuth() {
	s.HandleFlow(FlowSpec{
		Name: cognitoidp.AuthFlowTypeUserAuth, Public: true, Admin: true,
		Allowed:  []string{cognitoidp.ExplicitAuthFlowsTypeAllowUserAuth},
		Disabled: errs.New(errs.InvalidParameterException, "USER_AUTH flow not enabled for this client"),
		Handler:  HandlerFunc(s.startUserAuth),
	})
	s.HandleChallenge(ChallengeSpec{Name: cognitoidp.ChallengeNameTypeSelectChallenge, Handler: HandlerFunc(s.answerSelect)})
	s.HandleChallenge(ChallengeSpec{Name: cognitoidp.ChallengeNameTypePassword, Handler: HandlerFunc(s.answerPasswordChallenge)})
	s.HandleChallenge(ChallengeSpec{Name: cognitoidp.ChallengeNameTypePasswordSrp, Handler: HandlerFunc(s.answerPasswordSRPChallenge)})
}

// startUserAuth is InitiateAuth with USER_AUTH.
func (s *Service) startUserAuth(ctx context.Context, r *Request) (*Outcome, error) {
	name, err := r.Require("USERNAME")
	if err != nil {
		return nil, err
	}
	if err := r.CheckSecretHash(name); err != nil {
		return nil, err
	}
	if r.flowSession != "" {
		return s.signUpSignIn(ctx, r, name, r.flowSession)
	}
	preferred := r.Param("PREFERRED_CHALLENGE")
	pw := ""
	if preferred == cognitoidp.ChallengeNameTypePassword {
		pw = r.Param("PASSWORD") // lets user migration see it
	}
	u, err := s.findForPassword(ctx, r, name, pw)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return s.offer(ctx, r, decoyUser(name), preferred, passwordChallenges)
	}
	if err := refuseState(u); err != nil {
		return nil, err
	}
	avail, err := s.availableChallenges(ctx, r.Pool, u)
	if err != nil {
		return nil, err
	}
	if len(avail) == 0 {
		return nil, errIncorrect // nothing the user could sign in with
	}
	return s.offer(ctx, r, u, preferred, avail)
}

// offer goes to the preferred challenge if it is available, and to
// SELECT_CHALLENGE otherwise. A preferred challenge the user cannot
// answer is no error: the client learns what it can choose.
func (s *Service) offer(ctx context.Context, r *Request, u *user.User, preferred string, avail []string) (*Outcome, error) {
	if preferred != "" && slices.Contains(avail, preferred) {
		return s.startFactor(ctx, r, u, preferred)
	}
	return &Outcome{Challenge: &Challenge{
		Name: cognitoidp.ChallengeNameTypeSelectChallenge, User: u, Parameters: map[string]string{},
		Available: avail, Data: r.CarryData(map[string]string{dataChoices: strings.Join(avail, ",")}),
	}}, nil
}

// startFactor starts challenge for u (a decoy has no Sub): a password or
// SRP_A given with the request is answered at once, as the challenge
// would answer it; otherwise the challenge is asked.
func (s *Service) startFactor(ctx context.Context, r *Request, u *user.User, challenge string) (*Outcome, error) {
	name := r.Param("USERNAME")
	switch challenge {
	case cognitoidp.ChallengeNameTypePassword:
		if pw := r.Param("PASSWORD"); pw != "" {
			return s.passwordFor(ctx, r, name, pw, realUser(u))
		}
	case cognitoidp.ChallengeNameTypePasswordSrp:
		if srpA := r.Param("SRP_A"); srpA != "" {
			return s.srpChallenge(ctx, r, name, srpA, realUser(u), false)
		}
	default:
		f := s.firstFactors[challenge]
		if f == nil || u.Sub == "" {
			return nil, errChoice(challenge) // never offered, so never reached
		}
		ch, err := f.Challenge(ctx, r, u)
		if err != nil {
			return nil, err
		}
		if ch.User == nil {
			ch.User = u
		}
		return &Outcome{Challenge: ch}, nil
	}
	return &Outcome{Challenge: &Challenge{Name: challenge, User: u, Parameters: map[string]string{}, Data: r.CarryData(nil)}}, nil
}

// availableChallenges lists, in challengeOrder, the first-factor
// challenges u may choose in pool p.
func (s *Service) availableChallenges(ctx context.Context, p *cognitoidp.UserPoolType, u *user.User) ([]string, error) {
	allowed := allowedFirstFactors(p)
	var out []string
	for _, ch := range challengeOrder {
		if !slices.Contains(allowed, factorOf(ch)) {
			continue
		}
		if slices.Contains(passwordChallenges, ch) {
			if u.Password.Hash != "" {
				out = append(out, ch)
			}
			continue
		}
		f := s.firstFactors[ch]
		if f == nil {
			continue
		}
		ok, err := f.Available(ctx, p, u)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ch)
		}
	}
	return out, nil
}

// ConfiguredFactors is what GetUserAuthFactors reports as
// ConfiguredUserAuthFactors: the first factors u can sign in with by
// USER_AUTH in pool p, as AuthFactorType values.
func (s *Service) ConfiguredFactors(ctx context.Context, p *cognitoidp.UserPoolType, u *user.User) ([]string, error) {
	avail, err := s.availableChallenges(ctx, p, u)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, ch := range avail {
		if f := factorOf(ch); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// FirstFactorAllowed reports whether pool p allows factor (an
// AuthFactorType) as a first factor of USER_AUTH.
func FirstFactorAllowed(p *cognitoidp.UserPoolType, factor string) bool {
	return slices.Contains(allowedFirstFactors(p), factor)
}

// FirstFactorPassed is the outcome of a passwordless first factor whose
// proof its handler has verified: the user, unless their state refuses
// sign-in (disabled, reset required, not confirmed), with any failed
// attempts forgotten.
func (s *Service) FirstFactorPassed(u *user.User) (*Outcome, error) {
	if err := refuseState(u); err != nil {
		return nil, err
	}
	if u.Status == user.StatusUnconfirmed {
		return nil, errNotConfirmed
	}
	out := &Outcome{User: u, Factor: cognitoidp.ChallengeNamePassword}
	if u.Lockout != (user.Lockout{}) {
		out.UserChange = func(fresh *user.User) { fresh.Lockout = user.Lockout{} }
	}
	return out, nil
}

// allowedFirstFactors are the pool's SignInPolicy.AllowedFirstAuthFactors;
// a password alone when it has none.
func allowedFirstFactors(p *cognitoidp.UserPoolType) []string {
	if p.Policies != nil && p.Policies.SignInPolicy != nil && len(p.Policies.SignInPolicy.AllowedFirstAuthFactors) > 0 {
		return p.Policies.SignInPolicy.AllowedFirstAuthFactors
	}
	return []string{cognitoidp.AuthFactorTypePassword}
}

// factorOf is the AuthFactorType a first-factor challenge proves.
func factorOf(challenge string) string {
	if slices.Contains(passwordChallenges, challenge) {
		return cognitoidp.AuthFactorTypePassword
	}
	return challenge // EMAIL_OTP, SMS_OTP, WEB_AUTHN name both
}

// decoyUser stands for a name nobody has in a Session: it has no Sub.
func decoyUser(name string) *user.User { return &user.User{Username: name} }

// realUser is u, or nil for a decoy.
func realUser(u *user.User) *user.User {
	if u == nil || u.Sub == "" {
		return nil
	}
	return u
}

// errChoice refuses an answer to SELECT_CHALLENGE that was not offered
// (ours: Cognito's text is not public).
func errChoice(answer string) error {
	return errs.New(errs.InvalidParameterException, "The challenge "+answer+" is not available to the user.")
}
