package trigger

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// Custom authentication (developer guide, "Custom authentication challenge
// Lambda triggers"): define auth challenge decides, from the challenges
// answered so far (the session), whether to issue tokens, fail, or ask
// another challenge; create auth challenge makes a CUSTOM_CHALLENGE;
// verify auth challenge response checks the user's answer.

// Challenge names a session records.
const (
	ChallengeSRPA             = "SRP_A"
	ChallengePasswordVerifier = "PASSWORD_VERIFIER"
	ChallengeCustom           = "CUSTOM_CHALLENGE"
)

// ChallengeResult is one answered challenge of a session.
type ChallengeResult struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

// DefineAuthChallengeRequest is what define auth challenge is told.
// UserNotFound is true for a name no user has, when the app client
// prevents user existence errors (otherwise the sign-in fails before).
type DefineAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// DefineAuthChallengeResponse is the decision: the next challenge's name,
// or tokens, or failure.
type DefineAuthChallengeResponse struct {
	ChallengeName      *string `json:"challengeName"`
	IssueTokens        *bool   `json:"issueTokens"`
	FailAuthentication *bool   `json:"failAuthentication"`
}

// Issue and Fail read the decision's flags.
func (r *DefineAuthChallengeResponse) Issue() bool { return r.IssueTokens != nil && *r.IssueTokens }
func (r *DefineAuthChallengeResponse) Fail() bool {
	return r.FailAuthentication != nil && *r.FailAuthentication
}

// Next is the challenge to ask, "" for none.
func (r *DefineAuthChallengeResponse) Next() string { return deref(r.ChallengeName) }

// DefineAuthChallengeEvent is the define auth challenge event.
type DefineAuthChallengeEvent = Event[DefineAuthChallengeRequest, DefineAuthChallengeResponse]

// DefineAuthChallenge invokes define auth challenge. Unlike the other
// methods it fails when the pool has none: a custom sign-in cannot go on
// without it.
func (s *Service) DefineAuthChallenge(ctx context.Context, p *cognitoidp.UserPoolType, c Caller, req DefineAuthChallengeRequest) (*DefineAuthChallengeResponse, error) {
	arn, _ := attached(p, PointDefineAuthChallenge)
	if arn == "" {
		return nil, ErrCustomAuthNotConfigured
	}
	if req.Session == nil {
		req.Session = []ChallengeResult{}
	}
	ev := &DefineAuthChallengeEvent{Header: s.header(ctx, p, DefineAuthChallengeAuthentication, versionV1, c), Request: req}
	return call[DefineAuthChallengeResponse](ctx, s, PointDefineAuthChallenge, arn, DefineAuthChallengeAuthentication, ev)
}

// CreateAuthChallengeRequest is what create auth challenge is told.
type CreateAuthChallengeRequest struct {
	UserAttributes map[string]string `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound   bool              `json:"userNotFound"`
}

// CreateAuthChallengeResponse is the challenge: public parameters go to
// the client, private ones to verify auth challenge response, metadata
// into the session.
type CreateAuthChallengeResponse struct {
	PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeMetadata          *string           `json:"challengeMetadata"`
}

// CreateAuthChallengeEvent is the create auth challenge event.
type CreateAuthChallengeEvent = Event[CreateAuthChallengeRequest, CreateAuthChallengeResponse]

// CreateAuthChallenge invokes create auth challenge; like define auth
// challenge it is required once a custom challenge is asked.
func (s *Service) CreateAuthChallenge(ctx context.Context, p *cognitoidp.UserPoolType, c Caller, req CreateAuthChallengeRequest) (*CreateAuthChallengeResponse, error) {
	arn, _ := attached(p, PointCreateAuthChallenge)
	if arn == "" {
		return nil, ErrCustomAuthNotConfigured
	}
	if req.Session == nil {
		req.Session = []ChallengeResult{}
	}
	ev := &CreateAuthChallengeEvent{Header: s.header(ctx, p, CreateAuthChallengeAuthentication, versionV1, c), Request: req}
	return call[CreateAuthChallengeResponse](ctx, s, PointCreateAuthChallenge, arn, CreateAuthChallengeAuthentication, ev)
}

// VerifyAuthChallengeResponseRequest is what verify auth challenge
// response is told: the challenge's private parameters and the user's
// answer (the ANSWER challenge response).
type VerifyAuthChallengeResponseRequest struct {
	UserAttributes             map[string]string `json:"userAttributes"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeAnswer            string            `json:"challengeAnswer"`
	ClientMetadata             map[string]string `json:"clientMetadata,omitempty"`
	UserNotFound               bool              `json:"userNotFound"`
}

// VerifyAuthChallengeResponseResponse is the verdict.
type VerifyAuthChallengeResponseResponse struct {
	AnswerCorrect *bool `json:"answerCorrect"`
}

// Correct reads the verdict.
func (r *VerifyAuthChallengeResponseResponse) Correct() bool {
	return r.AnswerCorrect != nil && *r.AnswerCorrect
}

// VerifyAuthChallengeResponseEvent is the verify auth challenge response event.
type VerifyAuthChallengeResponseEvent = Event[VerifyAuthChallengeResponseRequest, VerifyAuthChallengeResponseResponse]

// VerifyAuthChallengeResponse invokes verify auth challenge response.
func (s *Service) VerifyAuthChallengeResponse(ctx context.Context, p *cognitoidp.UserPoolType, c Caller, req VerifyAuthChallengeResponseRequest) (*VerifyAuthChallengeResponseResponse, error) {
	arn, _ := attached(p, PointVerifyAuthChallengeResponse)
	if arn == "" {
		return nil, ErrCustomAuthNotConfigured
	}
	ev := &VerifyAuthChallengeResponseEvent{Header: s.header(ctx, p, VerifyAuthChallengeResponseAuthentication, versionV1, c), Request: req}
	return call[VerifyAuthChallengeResponseResponse](ctx, s, PointVerifyAuthChallengeResponse, arn, VerifyAuthChallengeResponseAuthentication, ev)
}
