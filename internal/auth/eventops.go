package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/pagination"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// defaultEventPage: "Returns 60 events if you set MaxResults to 0, or if
// you don't include a MaxResults parameter." (model)
const defaultEventPage = 60

// Feedback providers: "if you submit event feedback in the Amazon Cognito
// console, this value is Admin" (model, EventFeedbackType.Provider).
const (
	providerAdmin = "Admin"
	providerUser  = "User"
)

// AdminListUserAuthEvents lists a user's sign-in events, newest first.
func (s *Service) AdminListUserAuthEvents(ctx context.Context, in *cognitoidp.AdminListUserAuthEventsRequest) (*cognitoidp.AdminListUserAuthEventsResponse, error) {
	limit := defaultEventPage
	if in.MaxResults != nil && *in.MaxResults > 0 {
		limit = int(*in.MaxResults)
	}
	out := &cognitoidp.AdminListUserAuthEventsResponse{AuthEvents: []cognitoidp.AuthEventType{}}
	err := s.store.Read(ctx, func(tx store.Tx) error {
		u, err := s.eventUser(ctx, tx, *in.UserPoolId, *in.Username)
		if err != nil {
			return err
		}
		scope := u.PoolID + "/" + u.Sub
		after, err := pagination.Cursor(s.keys, "AdminListUserAuthEvents", scope, in.NextToken)
		if err != nil {
			return err
		}
		recs, err := tx.List(ctx, store.Query{Kind: KindEvent, Scope: u.PoolID, KeyName: eventKeyUser, KeyValue: u.Sub, After: after, Limit: limit + 1})
		if err != nil {
			return err
		}
		if len(recs) > limit {
			recs = recs[:limit]
			out.NextToken = pagination.Token(s.keys, "AdminListUserAuthEvents", scope, recs[limit-1].ID)
		}
		for _, rec := range recs {
			var doc eventDoc
			if err := json.Unmarshal(rec.Data, &doc); err != nil {
				return fmt.Errorf("auth: decode event %s: %w", rec.ID, err)
			}
			out.AuthEvents = append(out.AuthEvents, doc.Event)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AdminUpdateAuthEventFeedback records an administrator's verdict on an
// event.
func (s *Service) AdminUpdateAuthEventFeedback(ctx context.Context, in *cognitoidp.AdminUpdateAuthEventFeedbackRequest) (*cognitoidp.AdminUpdateAuthEventFeedbackResponse, error) {
	err := s.setFeedback(ctx, *in.UserPoolId, *in.Username, *in.EventId, *in.FeedbackValue, providerAdmin, nil)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminUpdateAuthEventFeedbackResponse{}, nil
}

// UpdateAuthEventFeedback records a user's verdict on one of their
// events, authorized by the event's FeedbackToken.
func (s *Service) UpdateAuthEventFeedback(ctx context.Context, in *cognitoidp.UpdateAuthEventFeedbackRequest) (*cognitoidp.UpdateAuthEventFeedbackResponse, error) {
	check := func(u *user.User) error {
		if !s.checkFeedbackToken(u.PoolID, u.Sub, *in.EventId, *in.FeedbackToken) {
			return errFeedbackToken
		}
		return nil
	}
	err := s.setFeedback(ctx, *in.UserPoolId, *in.Username, *in.EventId, *in.FeedbackValue, providerUser, check)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateAuthEventFeedbackResponse{}, nil
}

func (s *Service) setFeedback(ctx context.Context, poolID, username, eventID, value, provider string, check func(*user.User) error) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		u, err := s.eventUser(ctx, tx, poolID, username)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(u); err != nil {
				return err
			}
		}
		rec, err := tx.Lookup(ctx, KindEvent, poolID, eventKeyID, eventID)
		if errors.Is(err, store.ErrNotFound) {
			return errEventNotFound
		}
		if err != nil {
			return err
		}
		var doc eventDoc
		if err := json.Unmarshal(rec.Data, &doc); err != nil {
			return fmt.Errorf("auth: decode event %s: %w", rec.ID, err)
		}
		if doc.Sub != u.Sub {
			return errEventNotFound
		}
		doc.Event.EventFeedback = &cognitoidp.EventFeedbackType{
			FeedbackValue: &value, Provider: &provider, FeedbackDate: shape.NewTime(s.clock.Now()),
		}
		if rec.Data, err = json.Marshal(doc); err != nil {
			return err
		}
		rec.Keys = eventKeys(doc.Sub, eventID)
		return tx.Update(ctx, rec)
	})
}

// eventUser is the user an event operation names, in a pool that keeps
// events.
func (s *Service) eventUser(ctx context.Context, tx store.Tx, poolID, name string) (*user.User, error) {
	p, _, err := s.pools.Pool(ctx, tx, poolID)
	if err != nil {
		return nil, err
	}
	if !eventsRecorded(p) {
		return nil, errAddOnOff
	}
	return s.userNamedIn(ctx, tx, p, name)
}

// namedUser finds the user an operation names: by username or alias, or
// by sub ("If username isn't an alias attribute in your user pool, this
// value must be the sub of a local user", model).
func (s *Service) namedUser(ctx context.Context, tx store.Tx, poolID, name string) (*user.User, error) {
	p, _, err := s.pools.Pool(ctx, tx, poolID)
	if err != nil {
		return nil, err
	}
	return s.userNamedIn(ctx, tx, p, name)
}

func (s *Service) userNamedIn(ctx context.Context, tx store.Tx, p *cognitoidp.UserPoolType, name string) (*user.User, error) {
	poolID := deref(p.Id)
	u, _, err := s.users.FindForSignIn(ctx, tx, p, name)
	if isNotFound(err) {
		if _, perr := uuid.Parse(name); perr == nil {
			u, _, err = s.users.Get(ctx, tx, poolID, name)
		}
	}
	if isNotFound(err) {
		return nil, errUserNotFound
	}
	return u, err
}
