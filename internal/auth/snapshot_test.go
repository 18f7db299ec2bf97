package auth

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// srpStart is InitiateAuth USER_SRP_AUTH for amy; srpFinish answers it.
func (h *harness) srpStart() (*srptest.Client, *cognitoidp.InitiateAuthResponse, error) {
	cl := srptest.NewClient(deref(h.pool.Id), amyPassword)
	out, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeUserSrpAuth),
		ClientId: &h.clientID, AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
	return cl, out, err
}

func (h *harness) srpFinish(cl *srptest.Client, start *cognitoidp.InitiateAuthResponse) (*cognitoidp.RespondToAuthChallengeResponse, error) {
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{
		ChallengeName: ptr(cognitoidp.ChallengeNameTypePasswordVerifier), ClientId: &h.clientID, ChallengeResponses: answer})
}

// Each call reads its client, pool, user and the user's groups afresh in
// its one read transaction: a change made between the two round trips of
// SRP, or between two sign-ins, is seen by the next call.
func TestEachCallReadsAfresh(t *testing.T) {
	h := newHarness(t, password.FastParams())

	// A group joined after InitiateAuth is in the tokens of the answer.
	cl, start, err := h.srpStart()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.pools.CreateGroup(h.ctx, &cognitoidp.CreateGroupRequest{UserPoolId: h.pool.Id, GroupName: ptr("admins")}); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.users.AdminAddUserToGroup(h.ctx, &cognitoidp.AdminAddUserToGroupRequest{UserPoolId: h.pool.Id, GroupName: ptr("admins"), Username: ptr("amy")}); err != nil {
		t.Fatal(err)
	}
	out, err := h.srpFinish(cl, start)
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("PASSWORD_VERIFIER: %v %v", out, err)
	}
	if groups := idClaims(t, *out.AuthenticationResult.IdToken)["cognito:groups"]; !slices.Equal(toStrings(groups), []string{"admins"}) {
		t.Errorf("cognito:groups = %v, want [admins]", groups)
	}
	// A replayed answer is refused, from the same snapshot read.
	if _, err := h.srpFinish(cl, start); err != errSessionUsed {
		t.Errorf("replayed PASSWORD_VERIFIER: %v, want %v", err, errSessionUsed)
	}

	// A user disabled after InitiateAuth cannot answer.
	cl, start, err = h.srpStart()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.users.AdminDisableUser(h.ctx, &cognitoidp.AdminDisableUserRequest{UserPoolId: h.pool.Id, Username: ptr("amy")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srpFinish(cl, start); err != errDisabled {
		t.Errorf("PASSWORD_VERIFIER of a user disabled since InitiateAuth: %v, want %v", err, errDisabled)
	}
	if _, err := h.svc.users.AdminEnableUser(h.ctx, &cognitoidp.AdminEnableUserRequest{UserPoolId: h.pool.Id, Username: ptr("amy")}); err != nil {
		t.Fatal(err)
	}

	// A flow the client stops allowing is refused by the next call.
	if _, err := h.passwordAuth("amy", amyPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.pools.UpdateUserPoolClient(h.ctx, &cognitoidp.UpdateUserPoolClientRequest{UserPoolId: h.pool.Id, ClientId: &h.clientID,
		ExplicitAuthFlows: []string{cognitoidp.ExplicitAuthFlowsTypeAllowUserSrpAuth, cognitoidp.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.passwordAuth("amy", amyPassword); !errs.Is(err, errs.InvalidParameterException) {
		t.Errorf("USER_PASSWORD_AUTH after the client dropped it: %v", err)
	}
}

func idClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(data, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}
