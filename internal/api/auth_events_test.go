package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/srp/srptest"
)

// threatProtection turns on what makes a pool keep auth events:
// threat protection (AUDIT), which needs the Plus tier.
func threatProtection(in *cip.CreateUserPoolInput) {
	in.UserPoolTier = types.UserPoolTierTypePlus
	in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}
}

// In a pool with threat protection every sign-in attempt is an auth
// event, newest first: its outcome, the challenges it went through, where
// it came from; the tokens carry its EventId as event_id; feedback is
// stored.

func TestAuthEvents(t *testing.T) {
	clk := familyClock()
	f := newAuthFixtureOn(t, threatProtection, cirrotest.WithClock(clk))
	idp, poolID, clientID := f.idp, f.poolID, f.clientID
	ctx := context.Background()
	inviteUser(t, idp, poolID, "nell", "Temp-Passw0rd!")

	_, err := passwordSignIn(idp, clientID, "amy", wrongPassword)
	wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)
	clk.Advance(time.Second)
	if _, err := passwordSignIn(idp, clientID, "amy", userPassword); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	withContext, err := idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
		UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "amy", "PASSWORD": userPassword},
		ContextData: &types.ContextDataType{IpAddress: aws.String("203.0.113.7"), ServerName: aws.String("app.example.com"), ServerPath: aws.String("/login"),
			HttpHeaders: []types.HttpHeader{{HeaderName: aws.String("User-Agent"), HeaderValue: aws.String("Firefox 140")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if _, err := srpSignIn(idp, poolID, clientID, "amy", userPassword, clk.Now()); err != nil {
		t.Fatal(err)
	}

	list, err := idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("amy")})
	if err != nil {
		t.Fatal(err)
	}
	ev := list.AuthEvents
	if len(ev) != 4 || list.NextToken != nil {
		t.Fatalf("events %+v", list)
	}
	for i, want := range []types.EventResponseType{types.EventResponseTypePass, types.EventResponseTypePass, types.EventResponseTypePass, types.EventResponseTypeFail} {
		e := ev[i]
		cr := types.ChallengeResponseSuccess
		if want == types.EventResponseTypeFail {
			cr = types.ChallengeResponseFailure
		}
		if e.EventResponse != want || e.EventType != types.EventTypeSignIn || len(e.ChallengeResponses) != 1 ||
			e.ChallengeResponses[0].ChallengeName != types.ChallengeNamePassword || e.ChallengeResponses[0].ChallengeResponse != cr ||
			aws.ToString(e.EventId) == "" || e.EventRisk == nil || e.EventRisk.RiskDecision != types.RiskDecisionTypeNoRisk {
			t.Fatalf("event %d: %+v", i, e)
		}
		if i > 0 && !ev[i-1].CreationDate.After(*e.CreationDate) {
			t.Fatalf("events not newest first: %v then %v", ev[i-1].CreationDate, e.CreationDate)
		}
	}
	if c := ev[1].EventContextData; c == nil || aws.ToString(c.IpAddress) != "203.0.113.7" || aws.ToString(c.DeviceName) != "Firefox 140" {
		t.Fatalf("context data %+v", ev[1].EventContextData)
	}
	if c := ev[0].EventContextData; c == nil || aws.ToString(c.IpAddress) != "127.0.0.1" {
		t.Fatalf("caller address not recorded: %+v", c)
	}
	if id := cirrotest.Claims(t, aws.ToString(withContext.AuthenticationResult.IdToken)); id["event_id"] != aws.ToString(ev[1].EventId) {
		t.Fatalf("event_id %v, event %s", id["event_id"], aws.ToString(ev[1].EventId))
	}

	// A sign-in through NEW_PASSWORD_REQUIRED is one event: in progress,
	// then passed.
	start, err := passwordSignIn(idp, clientID, "nell", "Temp-Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	nell := func() []types.AuthEventType {
		out, err := idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("nell")})
		if err != nil {
			t.Fatal(err)
		}
		return out.AuthEvents
	}
	if e := nell(); len(e) != 1 || e[0].EventResponse != types.EventResponseTypeInProgress {
		t.Fatalf("in progress: %+v", e)
	}
	done, err := idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ClientId: &clientID,
		Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "nell", "NEW_PASSWORD": "Br4nd-new-pass!"}})
	if err != nil {
		t.Fatal(err)
	}
	e := nell()
	if len(e) != 1 || e[0].EventResponse != types.EventResponseTypePass ||
		cirrotest.Claims(t, aws.ToString(done.AuthenticationResult.AccessToken))["event_id"] != aws.ToString(e[0].EventId) {
		t.Fatalf("finished: %+v", e)
	}

	// Pages.
	var ids []string
	var token *string
	for {
		page, err := idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("amy"), MaxResults: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.AuthEvents {
			ids = append(ids, aws.ToString(e.EventId))
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(ids) != 4 || ids[3] != aws.ToString(ev[3].EventId) {
		t.Fatalf("paged ids %v", ids)
	}
	_, err = idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("nell"), NextToken: aws.String("bogus-token-from-elsewhere")})
	wantCognitoErr(t, err, "InvalidParameterException", "Invalid pagination token.")
	_, err = idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("nobody")})
	wantCognitoErr(t, err, "UserNotFoundException", "User does not exist.")

	// Feedback: by an administrator, and by the user with the event's token.
	if _, err := idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("amy"),
		EventId: ev[3].EventId, FeedbackValue: types.FeedbackValueTypeInvalid}); err != nil {
		t.Fatal(err)
	}
	_, err = idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("nell"),
		EventId: ev[3].EventId, FeedbackValue: types.FeedbackValueTypeValid})
	wantCognitoErr(t, err, "ResourceNotFoundException", "")
	sub := cirrotest.Claims(t, aws.ToString(withContext.AuthenticationResult.IdToken))["sub"].(string)
	tok := f.c.Internal().API.Auth.FeedbackToken(poolID, sub, aws.ToString(ev[2].EventId))
	_, err = idp.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("amy"),
		EventId: ev[1].EventId, FeedbackToken: &tok, FeedbackValue: types.FeedbackValueTypeValid})
	wantCognitoErr(t, err, "NotAuthorizedException", "")
	if _, err := idp.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("amy"),
		EventId: ev[2].EventId, FeedbackToken: &tok, FeedbackValue: types.FeedbackValueTypeValid}); err != nil {
		t.Fatal(err)
	}
	list, err = idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("amy")})
	if err != nil {
		t.Fatal(err)
	}
	if fb := list.AuthEvents[3].EventFeedback; fb == nil || fb.FeedbackValue != types.FeedbackValueTypeInvalid || aws.ToString(fb.Provider) != "Admin" || !fb.FeedbackDate.Equal(clk.Now()) {
		t.Fatalf("admin feedback %+v", fb)
	}
	if fb := list.AuthEvents[2].EventFeedback; fb == nil || fb.FeedbackValue != types.FeedbackValueTypeValid || aws.ToString(fb.Provider) != "User" {
		t.Fatalf("user feedback %+v", fb)
	}
}

// Without threat protection (the default) Cognito keeps no auth events:
// the event operations answer UserPoolAddOnNotEnabledException and a
// sign-in writes none. A SECRET_BLOCK stays single-use in both kinds of
// pool (by its event with threat protection, by a spent record without).
func TestAuthEventsNeedThreatProtection(t *testing.T) {
	clk := familyClock()
	c := cirrotest.Start(t, cirrotest.WithClock(clk))
	idp := c.IdentityProvider()
	ctx := context.Background()
	const addOnOff = "Threat protection is not enabled for this user pool."
	for _, on := range []bool{false, true} {
		var poolOpts []func(*cip.CreateUserPoolInput)
		if on {
			poolOpts = append(poolOpts, threatProtection)
		}
		poolID := newFamilyPool(t, idp, poolOpts...)
		clientID, _ := appClient(t, idp, poolID, allFlows)
		createConfirmed(t, idp, poolID, "amy", "amy@example.com")
		if _, err := passwordSignIn(idp, clientID, "amy", userPassword); err != nil {
			t.Fatal(err)
		}
		_, err := passwordSignIn(idp, clientID, "amy", wrongPassword)
		wantCognitoErr(t, err, "NotAuthorizedException", msgIncorrect)

		// SRP, then the same answer again.
		cl := srptest.NewClient(poolID, userPassword)
		start, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: &clientID,
			AuthParameters: map[string]string{"USERNAME": "amy", "SRP_A": cl.SRPA()}})
		if err != nil {
			t.Fatal(err)
		}
		answer, err := cl.PasswordVerifier(start.ChallengeParameters, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		in := &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier, ClientId: &clientID, ChallengeResponses: answer}
		if out, err := idp.RespondToAuthChallenge(ctx, in); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("threat protection %v: SRP: %v", on, err)
		}
		_, err = idp.RespondToAuthChallenge(ctx, in)
		wantCognitoErr(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

		events := countScoped(t, c, auth.KindEvent, poolID)
		list, err := idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("amy")})
		_, ferr := idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("amy"),
			EventId: aws.String("11111111-2222-3333-4444-555555555555"), FeedbackValue: types.FeedbackValueTypeValid})
		_, uerr := idp.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("amy"),
			EventId: aws.String("11111111-2222-3333-4444-555555555555"), FeedbackToken: aws.String("x"), FeedbackValue: types.FeedbackValueTypeValid})
		if !on {
			if events != 0 {
				t.Fatalf("a pool without threat protection stored %d auth events", events)
			}
			wantCognitoErr(t, err, "UserPoolAddOnNotEnabledException", addOnOff)
			wantCognitoErr(t, ferr, "UserPoolAddOnNotEnabledException", addOnOff)
			wantCognitoErr(t, uerr, "UserPoolAddOnNotEnabledException", addOnOff)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if events != 3 || len(list.AuthEvents) != 3 {
			t.Fatalf("threat protection: %d events stored, %d listed; want 3", events, len(list.AuthEvents))
		}
		wantCognitoErr(t, ferr, "ResourceNotFoundException", "")
		wantCognitoErr(t, uerr, "NotAuthorizedException", "")
	}
}
