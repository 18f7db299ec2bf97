package auth

import (
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// FuzzChallengeAnswers sends the sign-in service what a client controls
// and the service must decode: SRP_A, a Session, a SECRET_BLOCK, a
// PASSWORD_CLAIM_SIGNATURE and a TIMESTAMP, for USER_SRP_AUTH and the
// challenges that take a Session. Whatever they hold, the answer is a
// Cognito client error (never a fault, a panic or tokens), and the user
// can still sign in afterwards. Seeds include a real SRP round's values,
// so that mutations start from well-formed ones.
//
//	go test ./internal/auth -run '^$' -fuzz FuzzChallengeAnswers -fuzztime 30s
func FuzzChallengeAnswers(f *testing.F) {
	h := newHarness(f, password.FastParams())
	cl := srptest.NewClient(deref(h.pool.Id), amyPassword)
	start, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeUserSrpAuth), ClientId: &h.clientID,
		AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
	if err != nil {
		f.Fatal(err)
	}
	answer, err := cl.PasswordVerifier(start.ChallengeParameters, h.clock.Now())
	if err != nil {
		f.Fatal(err)
	}
	// The real answer with its signature spoilt: a wrong proof (one, since
	// the block is single-use), not a sign-in.
	sig := []byte(answer["PASSWORD_CLAIM_SIGNATURE"])
	sig[0] ^= 1
	f.Add(cl.SRPA(), "", answer["PASSWORD_CLAIM_SECRET_BLOCK"], string(sig), answer["TIMESTAMP"])
	f.Add("0", "x", "", "", "")
	f.Add("ffffffffffffffff", "AAAA.BBBB", "e30=", "AAAA", "Mon Nov 23 12:00:00 UTC 2026")
	f.Add("", "\x00\xff", "!!!", "\xff", "Tue Nov  3 05:07:09 UTC 2026")

	clientError := func(t *testing.T, what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: accepted", what)
		}
		if _, ok := errs.As(err); !ok || errs.HTTPStatus(err) >= 500 {
			t.Fatalf("%s: %v (status %d), want a Cognito client error", what, err, errs.HTTPStatus(err))
		}
	}
	f.Fuzz(func(t *testing.T, srpA, session, block, sig, ts string) {
		if _, err := h.svc.InitiateAuth(h.ctx, &cognitoidp.InitiateAuthRequest{AuthFlow: ptr(cognitoidp.AuthFlowTypeUserSrpAuth), ClientId: &h.clientID,
			AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": srpA}}); err != nil {
			clientError(t, "SRP_A", err)
		}
		pv := map[string]string{"USERNAME": "amy", "PASSWORD_CLAIM_SECRET_BLOCK": block, "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}
		for _, s := range []*string{nil, &session} {
			_, err := h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{ChallengeName: ptr(cognitoidp.ChallengeNameTypePasswordVerifier),
				ClientId: &h.clientID, ChallengeResponses: pv, Session: s})
			clientError(t, "PASSWORD_VERIFIER", err)
		}
		for _, name := range []string{cognitoidp.ChallengeNameTypeNewPasswordRequired, cognitoidp.ChallengeNameTypeSelectChallenge} {
			_, err := h.svc.RespondToAuthChallenge(h.ctx, &cognitoidp.RespondToAuthChallengeRequest{ChallengeName: &name, ClientId: &h.clientID,
				ChallengeResponses: map[string]string{"USERNAME": "amy", "NEW_PASSWORD": "Fuzz-Passw0rd!", "ANSWER": "PASSWORD"}, Session: &session})
			clientError(t, name, err)
		}
		// A password sign-in still works: nothing above locked amy out or
		// changed her (wrong proofs count, but right ones reset the count).
		if out, err := h.passwordAuth("amy", amyPassword); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("amy's sign-in after the fuzzed answers: %v", err)
		}
	})
}
