package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/pool"
	"github.com/cirrohq/cirro/internal/store"
)

// sessionPurpose seals Session strings.
const sessionPurpose = "auth-session"

// KindSpent records a consumed Session or SECRET_BLOCK until it would have
// expired anyway; the id is the session's.
const KindSpent = "authspent"

// Session is the state of an unfinished sign-in, sealed into the Session
// string of a challenge.
type Session struct {
	ID       string `json:"id"`
	PoolID   string `json:"pool"`
	ClientID string `json:"client"`
	Sub      string `json:"sub"`
	Username string `json:"username"`
	// Challenge is the challenge the session answers.
	Challenge string `json:"challenge"`
	// Passed are the challenges the sign-in has answered before.
	Passed  []string          `json:"passed,omitempty"`
	EventID string            `json:"event,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
	Expires time.Time         `json:"exp"`
}

// sessionAD binds sealed state to the pool and client it was issued for:
// presented to another client, it does not open.
func sessionAD(poolID, clientID string) []byte { return []byte(poolID + "\x00" + clientID) }

// newSession is the session that carries challenge ch of r's sign-in.
func (r *Request) newSession(ch *Challenge) *Session {
	return &Session{
		ID: uuid.NewString(), PoolID: deref(r.Pool.Id), ClientID: deref(r.Client.ClientId),
		Sub: ch.User.Sub, Username: ch.User.Username, Challenge: ch.Name,
		Passed: r.passed(), EventID: r.eventID, Data: ch.Data,
		Expires: r.now.Add(pool.ClientAuthSession(r.Client)),
	}
}

func (s *Service) sealSession(ss *Session) (string, error) {
	b, err := json.Marshal(ss)
	if err != nil {
		return "", fmt.Errorf("auth: encode session: %w", err)
	}
	return s.keys.SealToken(sessionPurpose, b, sessionAD(ss.PoolID, ss.ClientID)), nil
}

// openSession opens the Session a challenge answer presents. Tampered,
// foreign, expired and mismatched sessions are refused with Cognito's
// "Invalid session for the user." family of errors; whether it was already
// used is decided when the answer is recorded (spendAll).
func (s *Service) openSession(r *Request, raw string) (*Session, error) {
	if raw == "" {
		return nil, missing("Session")
	}
	b, err := s.keys.OpenToken(sessionPurpose, raw, sessionAD(deref(r.Pool.Id), deref(r.Client.ClientId)))
	if err != nil {
		return nil, errSessionInvalid
	}
	var ss Session
	if err := json.Unmarshal(b, &ss); err != nil {
		return nil, errSessionInvalid
	}
	switch {
	case !r.now.Before(ss.Expires):
		return nil, errSessionExpired
	case ss.Challenge != r.Name:
		return nil, errChallengeMatch
	}
	return &ss, nil
}

// checkUnspent refuses a session or secret block already used. It is an
// early, friendly answer for replays; spendAll decides races.
func (s *Service) checkUnspent(ctx context.Context, r *Request, id string) error {
	_, err := s.get(ctx, r, KindSpent, id)
	switch {
	case err == nil:
		return errSessionUsed
	case errors.Is(err, store.ErrNotFound):
		return nil
	}
	return err
}

// spendAll records the single-use ids r consumed. A second use of one
// fails the whole transaction with errSessionUsed, so nothing the answer
// would have changed is changed.
func spendAll(ctx context.Context, tx store.Tx, poolID string, spent []spend) error {
	for _, sp := range spent {
		err := tx.Insert(ctx, &store.Record{Kind: KindSpent, ID: sp.id, Scope: poolID, Data: []byte("{}"), Expires: sp.expires})
		if errors.Is(err, store.ErrExists) {
			return errSessionUsed
		}
		if err != nil {
			return err
		}
	}
	return nil
}
