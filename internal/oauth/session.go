package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/federation"
	"github.com/cirrohq/cirro/internal/store"
)

// KindSession is the record kind of single sign-on sessions; the id is
// the SHA-256 of the cookie, so the database holds no usable cookie.
const KindSession = "oauthsession"

// SessionLifetime is how long a hosted UI session signs a browser in
// without a password: Cognito's managed login session lasts an hour
// (developer guide, "Managed login": "the session cookie … is valid for
// 1 hour").
const SessionLifetime = time.Hour

type sessionDoc struct {
	Pool     string    `json:"pool"`
	Sub      string    `json:"sub"`
	Username string    `json:"username"`
	AuthTime time.Time `json:"auth_time"`
	Expires  time.Time `json:"expires"`
	// SAML is the user's session at the SAML IdP it signed in through,
	// when that IdP does single logout.
	SAML *federation.SAMLSession `json:"saml,omitempty"`
}

// sessionSAMLKey files a session under its SAML user (not unique: one
// user may be signed in on several browsers), for IdP-started logout.
const sessionSAMLKey = "saml"

func hashID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// startSession records a signed-in browser and sets its cookie. A session
// cookie the browser already had is ended first, so that signing in as
// someone else leaves nothing of the previous user behind.
func (h *Handler) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *auth.HostedUser, saml *federation.SAMLSession) error {
	s := siteOf(r)
	h.endSession(ctx, w, r)
	value := randomToken()
	now := h.clock.Now()
	doc := sessionDoc{Pool: s.poolID, Sub: u.Sub, Username: u.Username, AuthTime: u.AuthTime, Expires: now.Add(SessionLifetime), SAML: saml}
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	rec := &store.Record{Kind: KindSession, ID: hashID(value), Scope: s.poolID, Data: data, Expires: doc.Expires}
	if saml != nil {
		rec.Keys = []store.Key{{Name: sessionSAMLKey, Value: federation.LogoutKey(saml.Provider, saml.NameID)}}
	}
	err = h.store.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, rec) })
	if err != nil {
		return fmt.Errorf("oauth: start session: %w", err)
	}
	s.setCookie(w, sessionCookie, value, int(SessionLifetime/time.Second))
	return nil
}

// currentSession returns the browser's live session on this pool, nil
// when it has none.
func (h *Handler) currentSession(ctx context.Context, r *http.Request) (*sessionDoc, error) {
	s := siteOf(r)
	value := s.cookie(r, sessionCookie)
	if value == "" {
		return nil, nil
	}
	var doc sessionDoc
	err := h.store.Read(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindSession, hashID(value))
		if err != nil {
			return err
		}
		return json.Unmarshal(rec.Data, &doc)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case doc.Pool != s.poolID || !h.clock.Now().Before(doc.Expires):
		return nil, nil
	}
	return &doc, nil
}

// endSession forgets the browser's session, here and in the store.
func (h *Handler) endSession(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	s := siteOf(r)
	value := s.cookie(r, sessionCookie)
	if value == "" {
		return
	}
	err := h.store.Write(ctx, func(tx store.Tx) error {
		err := tx.Delete(ctx, KindSession, hashID(value))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		h.log.ErrorContext(ctx, "oauth: end session", "err", err)
	}
	s.setCookie(w, sessionCookie, "", -1)
}

// endSAMLSessions ends a pool's sessions of a SAML user, for a logout
// its IdP started: all of them, or the one of its SessionIndex.
func (h *Handler) endSAMLSessions(ctx context.Context, poolID string, ss federation.SAMLSession) error {
	return h.store.Write(ctx, func(tx store.Tx) error {
		recs, err := tx.List(ctx, store.Query{Kind: KindSession, Scope: poolID, KeyName: sessionSAMLKey, KeyValue: federation.LogoutKey(ss.Provider, ss.NameID)})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			var doc sessionDoc
			if err := json.Unmarshal(rec.Data, &doc); err != nil {
				return err
			}
			if doc.SAML == nil || ss.SessionIndex != "" && doc.SAML.SessionIndex != ss.SessionIndex {
				continue
			}
			if err := tx.Delete(ctx, KindSession, rec.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return nil
	})
}
