package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// finish ends a sign-in whose last step the user has passed. In order:
//
//  1. the token hooks (post authentication, pre token generation) see the
//     user as the step leaves them, outside any transaction, since a
//     trigger must never run inside one;
//  2. the tokens are signed;
//  3. one transaction records the step (the single-use ids it spent, the
//     change to the user, the PASS auth event) and stores the refresh
//     token, so that a sign-in costs a single write.
//
// A hook that fails ends the sign-in without tokens: the step is recorded
// as failed (its ids spent, the user unchanged) and never as PASS.
func (s *Service) finish(ctx context.Context, r *Request, out *Outcome) (*result, error) {
	u := out.User
	change := out.apply()
	preview, err := previewUser(u, change)
	if err != nil {
		return nil, err
	}
	subject, err := s.subjectOf(ctx, r, preview)
	if err != nil {
		return nil, err
	}
	req := token.IssueRequest{
		PoolID: deref(r.Pool.Id), Client: r.Client, User: subject, AuthTime: r.now,
		EventID: r.eventID, DeviceKey: r.DeviceKey,
	}
	pass := eventResult{factor: out.Factor, ok: true, response: cognitoidp.EventResponseTypePass}
	for _, h := range s.hooks {
		herr := h.BeforeIssue(ctx, r, preview, &req.Customize)
		if herr == nil {
			continue
		}
		var done *signedIn
		if errors.As(herr, &done) {
			// A hosted sign-in is complete here; its tokens come from the
			// token endpoint (HostedTokens).
			if _, err := s.commitUserThen(ctx, r, u, change, pass, nil); err != nil {
				return nil, err
			}
			if err := out.committed(ctx); err != nil {
				return nil, err
			}
			return nil, herr
		}
		fail := eventResult{factor: out.Factor, ok: true, response: cognitoidp.EventResponseTypeFail}
		if _, err := s.commitUserThen(ctx, r, u, nil, fail, nil); err != nil {
			return nil, err
		}
		return nil, herr
	}
	minted, err := s.tokens.MintTokens(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("auth: issue tokens: %w", err)
	}
	saved, err := s.commitUserThen(ctx, r, u, change, pass, func(tx store.Tx, _ *user.User) error {
		return minted.Record(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	if err := out.committed(ctx); err != nil {
		return nil, err
	}
	res := minted.Tokens.Result()
	for _, h := range s.hooks {
		if err := h.AfterIssue(ctx, r, saved, res); err != nil {
			return nil, err
		}
	}
	return &result{tokens: res}, nil
}

// committed runs Committed, if any.
func (o *Outcome) committed(ctx context.Context) error {
	if o.Committed == nil {
		return nil
	}
	return o.Committed(ctx)
}

// apply is the outcome's change to the user as one function; nil when
// there is none.
func (o *Outcome) apply() func(*user.User) error {
	change := infallible(o.UserChange)
	switch {
	case o.UserUpdate == nil:
		return change
	case change == nil:
		return o.UserUpdate
	}
	return func(u *user.User) error {
		if err := o.UserUpdate(u); err != nil {
			return err
		}
		return change(u)
	}
}

func infallible(f func(*user.User)) func(*user.User) error {
	if f == nil {
		return nil
	}
	return func(u *user.User) error { f(u); return nil }
}

// previewUser is u as change will leave it, for the hooks and the tokens,
// which come before the transaction that makes the change; u itself when
// there is nothing to change. The copy is deep (a round trip through the
// stored form) because changes write into maps and slices.
func previewUser(u *user.User, change func(*user.User) error) (*user.User, error) {
	if change == nil {
		return u, nil
	}
	data, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	var cp user.User
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, err
	}
	if err := change(&cp); err != nil {
		return nil, err
	}
	return &cp, nil
}
