package auth

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/caller"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// KindEvent is the record kind of auth events. The id sorts newest first
// (see eventRecordID); the keys find a user's events and an event by its
// EventId.
const KindEvent = "authevent"

const (
	eventKeyUser = "user"
	eventKeyID   = "event"
	// maxDeviceName bounds the user agent kept as DeviceName.
	maxDeviceName = 256
)

// EventContext is where a sign-in came from.
type EventContext struct {
	IP         string
	DeviceName string
}

// eventDoc is an auth event record: the event as AdminListUserAuthEvents
// shows it, and whose it is.
type eventDoc struct {
	Sub   string                   `json:"sub"`
	Event cognitoidp.AuthEventType `json:"event"`
}

// eventRecordID orders a pool's events newest first, as the store lists
// by id: the inverted creation time in fixed-width hex, then the event id
// for uniqueness.
func eventRecordID(created time.Time, eventID string) string {
	return fmt.Sprintf("%016x-%s", uint64(math.MaxInt64-created.UnixNano()), eventID)
}

// contextOf reads where a request came from: the ContextData an admin
// operation passes on behalf of its user, the UserContextData of a public
// one, and the caller of the HTTP request for what neither says.
func contextOf(ctx context.Context, data *cognitoidp.ContextDataType, userData *cognitoidp.UserContextDataType) EventContext {
	c := caller.From(ctx)
	ec := EventContext{IP: c.IP, DeviceName: c.UserAgent}
	if data != nil {
		ec.IP = deref(data.IpAddress)
		for _, h := range data.HttpHeaders {
			if strings.EqualFold(deref(h.HeaderName), "User-Agent") {
				ec.DeviceName = deref(h.HeaderValue)
			}
		}
	}
	if userData != nil && deref(userData.IpAddress) != "" {
		ec.IP = deref(userData.IpAddress)
	}
	if len(ec.DeviceName) > maxDeviceName {
		ec.DeviceName = ec.DeviceName[:maxDeviceName]
	}
	return ec
}

// eventResult is what one step adds to its sign-in's event.
type eventResult struct {
	// factor is cognitoidp.ChallengeNamePassword or ChallengeNameMfa, or
	// empty for a step that proves nothing.
	factor string
	ok     bool
	// response is the event's EventResponse after the step: Pass, Fail
	// or InProgress.
	response string
}

// eventsRecorded tells whether p keeps auth events. Cognito records them
// as part of threat protection only: without it AdminListUserAuthEvents
// and the feedback operations answer UserPoolAddOnNotEnabledException and
// a sign-in writes no event (nor pays for one).
func eventsRecorded(p *cognitoidp.UserPoolType) bool {
	if p == nil || p.UserPoolAddOns == nil || p.UserPoolAddOns.AdvancedSecurityMode == nil {
		return false
	}
	m := *p.UserPoolAddOns.AdvancedSecurityMode
	return m == cognitoidp.AdvancedSecurityModeTypeAudit || m == cognitoidp.AdvancedSecurityModeTypeEnforced
}

// recordEvent adds a step's result to the event of r's sign-in, in a pool
// that keeps events (eventsRecorded; otherwise it does nothing). A
// request without a Session started its sign-in (or, answering
// PASSWORD_VERIFIER, carries the event id its SECRET_BLOCK was issued
// with), so its event must be new; the event id's unique key refuses a
// second one (the block itself is single-use through spendAll). A request
// with a Session adds to the event of the sign-in it continues.
func (s *Service) recordEvent(ctx context.Context, tx store.Tx, r *Request, sub string, res eventResult) error {
	if !eventsRecorded(r.Pool) {
		return nil
	}
	poolID := deref(r.Pool.Id)
	fresh := r.Session == nil
	var rec *store.Record
	err := store.ErrNotFound
	if !fresh {
		rec, err = tx.Lookup(ctx, KindEvent, poolID, eventKeyID, r.eventID)
	}
	var doc eventDoc
	switch {
	case errors.Is(err, store.ErrNotFound):
		rec = nil
		doc = eventDoc{Sub: sub, Event: cognitoidp.AuthEventType{
			EventId: ptr(r.eventID), EventType: ptr(cognitoidp.EventTypeSignin), CreationDate: shape.NewTime(r.now),
			EventContextData: &cognitoidp.EventContextDataType{IpAddress: nonEmpty(r.Context.IP), DeviceName: nonEmpty(r.Context.DeviceName)},
			// Without threat protection nothing is assessed: no risk.
			EventRisk:          &cognitoidp.EventRiskType{RiskDecision: ptr(cognitoidp.RiskDecisionTypeNorisk), CompromisedCredentialsDetected: ptr(false)},
			ChallengeResponses: []cognitoidp.ChallengeResponseType{},
		}}
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(rec.Data, &doc); err != nil {
			return fmt.Errorf("auth: decode event %s: %w", rec.ID, err)
		}
	}
	if res.factor != "" {
		outcome := cognitoidp.ChallengeResponseFailure
		if res.ok {
			outcome = cognitoidp.ChallengeResponseSuccess
		}
		doc.Event.ChallengeResponses = append(doc.Event.ChallengeResponses,
			cognitoidp.ChallengeResponseType{ChallengeName: ptr(res.factor), ChallengeResponse: ptr(outcome)})
	}
	doc.Event.EventResponse = ptr(res.response)
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if rec != nil {
		rec.Data = data
		rec.Keys = eventKeys(doc.Sub, r.eventID)
		return tx.Update(ctx, rec)
	}
	err = tx.Insert(ctx, &store.Record{
		Kind: KindEvent, ID: eventRecordID(r.now, r.eventID), Scope: poolID, Data: data,
		Expires: r.now.Add(s.retention), Keys: eventKeys(sub, r.eventID),
	})
	if name, ok := store.IsKeyConflict(err); ok && name == eventKeyID {
		return errSessionUsed
	}
	return err
}

func eventKeys(sub, eventID string) []store.Key {
	return []store.Key{{Name: eventKeyUser, Value: sub}, {Name: eventKeyID, Value: eventID, Unique: true}}
}

// feedbackPurpose keys the FeedbackToken of UpdateAuthEventFeedback.
const feedbackPurpose = "auth-event-feedback"

// FeedbackToken is the token a user presents to UpdateAuthEventFeedback
// for one of their events; Cognito puts it in the links of its risk
// notification emails. It is a MAC, so nothing needs storing.
func (s *Service) FeedbackToken(poolID, sub, eventID string) string {
	return base64.RawURLEncoding.EncodeToString(s.keys.MAC(feedbackPurpose, []byte(poolID+"\x00"+sub+"\x00"+eventID)))
}

func (s *Service) checkFeedbackToken(poolID, sub, eventID, tok string) bool {
	got, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil && hmac.Equal(got, s.keys.MAC(feedbackPurpose, []byte(poolID+"\x00"+sub+"\x00"+eventID)))
}

func newEventID() string { return uuid.NewString() }

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
