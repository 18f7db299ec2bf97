package auth

import (
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// registerBuiltins wires Cognito's password-based flows. Which operation
// takes which flow is from the model (AuthFlowType) and AWS's answer
// quoted in moto #4836: USER_PASSWORD_AUTH is InitiateAuth's,
// ADMIN_USER_PASSWORD_AUTH and its legacy name ADMIN_NO_SRP_AUTH are
// AdminInitiateAuth's, the others are both's.
func (s *Service) registerBuiltins() {
	flowOff := errs.New(errs.InvalidParameterException, "Auth flow not enabled for this client")
	s.HandleFlow(FlowSpec{
		Name: cognitoidp.AuthFlowTypeUserSrpAuth, Public: true, Admin: true,
		Allowed: []string{cognitoidp.ExplicitAuthFlowsTypeAllowUserSrpAuth}, Legacy: true,
		Disabled: errs.New(errs.InvalidParameterException, "USER_SRP_AUTH is not enabled for the client."),
		Handler:  HandlerFunc(s.startSRP), Load: s.loadSRPStart,
	})
	s.HandleFlow(FlowSpec{
		Name: cognitoidp.AuthFlowTypeUserPasswordAuth, Public: true,
		Allowed:  []string{cognitoidp.ExplicitAuthFlowsTypeAllowUserPasswordAuth, cognitoidp.ExplicitAuthFlowsTypeUserPasswordAuth},
		Disabled: errs.New(errs.InvalidParameterException, "USER_PASSWORD_AUTH flow not enabled for this client"),
		Handler:  HandlerFunc(s.passwordFlow), Load: s.loadPasswordFlow,
	})
	for _, name := range []string{cognitoidp.AuthFlowTypeAdminUserPasswordAuth, cognitoidp.AuthFlowTypeAdminNoSrpAuth} {
		s.HandleFlow(FlowSpec{
			Name: name, Admin: true,
			Allowed:  []string{cognitoidp.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, cognitoidp.ExplicitAuthFlowsTypeAdminNoSrpAuth},
			Disabled: flowOff,
			Handler:  HandlerFunc(s.passwordFlow), Load: s.loadPasswordFlow,
		})
	}
	for _, name := range []string{cognitoidp.AuthFlowTypeRefreshTokenAuth, cognitoidp.AuthFlowTypeRefreshToken} {
		s.HandleFlow(FlowSpec{
			Name: name, Public: true, Admin: true,
			Allowed: []string{cognitoidp.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}, Legacy: true,
			Disabled: flowOff,
			Handler:  HandlerFunc(s.refreshFlow), Load: s.loadRefresh,
		})
	}
	s.HandleChallenge(ChallengeSpec{Name: cognitoidp.ChallengeNameTypePasswordVerifier, Handler: HandlerFunc(s.answerSRP), Stateless: true, Load: s.loadSRPAnswer})
	s.HandleChallenge(ChallengeSpec{Name: cognitoidp.ChallengeNameTypeNewPasswordRequired, Handler: HandlerFunc(s.answerNewPassword)})
	s.AddStep(newPasswordStep{})
}
