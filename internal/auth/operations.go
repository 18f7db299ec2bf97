package auth

import (
	"context"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// InitiateAuth starts a sign-in from an app (no IAM credentials).
func (s *Service) InitiateAuth(ctx context.Context, in *cognitoidp.InitiateAuthRequest) (*cognitoidp.InitiateAuthResponse, error) {
	r, err := s.openFor(ctx, false, nil, *in.ClientId, &call{flow: *in.AuthFlow, params: in.AuthParameters})
	if err != nil {
		return nil, err
	}
	r.ClientMetadata, r.Context, r.flowSession = in.ClientMetadata, contextOf(ctx, nil, in.UserContextData), deref(in.Session)
	res, err := s.initiate(ctx, r, *in.AuthFlow, in.AuthParameters)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.InitiateAuthResponse{
		AuthenticationResult: res.tokens, ChallengeName: nonEmpty(res.challenge), ChallengeParameters: res.parameters, Session: res.session,
		AvailableChallenges: res.available,
	}, nil
}

// AdminInitiateAuth starts a sign-in from a back end (IAM credentials).
func (s *Service) AdminInitiateAuth(ctx context.Context, in *cognitoidp.AdminInitiateAuthRequest) (*cognitoidp.AdminInitiateAuthResponse, error) {
	r, err := s.openFor(ctx, true, in.UserPoolId, *in.ClientId, &call{flow: *in.AuthFlow, params: in.AuthParameters})
	if err != nil {
		return nil, err
	}
	r.ClientMetadata, r.Context, r.flowSession = in.ClientMetadata, contextOf(ctx, in.ContextData, nil), deref(in.Session)
	res, err := s.initiate(ctx, r, *in.AuthFlow, in.AuthParameters)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminInitiateAuthResponse{
		AuthenticationResult: res.tokens, ChallengeName: nonEmpty(res.challenge), ChallengeParameters: res.parameters, Session: res.session,
		AvailableChallenges: res.available,
	}, nil
}

// RespondToAuthChallenge answers a challenge from an app.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *cognitoidp.RespondToAuthChallengeRequest) (*cognitoidp.RespondToAuthChallengeResponse, error) {
	r, err := s.openFor(ctx, false, nil, *in.ClientId, &call{challenge: *in.ChallengeName, params: in.ChallengeResponses, session: in.Session})
	if err != nil {
		return nil, err
	}
	r.ClientMetadata, r.Context = in.ClientMetadata, contextOf(ctx, nil, in.UserContextData)
	res, err := s.respond(ctx, r, *in.ChallengeName, in.ChallengeResponses, in.Session)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.RespondToAuthChallengeResponse{
		AuthenticationResult: res.tokens, ChallengeName: nonEmpty(res.challenge), ChallengeParameters: res.parameters, Session: res.session,
	}, nil
}

// AdminRespondToAuthChallenge answers a challenge from a back end.
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *cognitoidp.AdminRespondToAuthChallengeRequest) (*cognitoidp.AdminRespondToAuthChallengeResponse, error) {
	r, err := s.openFor(ctx, true, in.UserPoolId, *in.ClientId, &call{challenge: *in.ChallengeName, params: in.ChallengeResponses, session: in.Session})
	if err != nil {
		return nil, err
	}
	r.ClientMetadata, r.Context = in.ClientMetadata, contextOf(ctx, in.ContextData, nil)
	res, err := s.respond(ctx, r, *in.ChallengeName, in.ChallengeResponses, in.Session)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminRespondToAuthChallengeResponse{
		AuthenticationResult: res.tokens, ChallengeName: nonEmpty(res.challenge), ChallengeParameters: res.parameters, Session: res.session,
	}, nil
}
