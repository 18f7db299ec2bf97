package federation

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/cirrohq/cirro/internal/federation/samlsp"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// SAML single logout (developer guide, "Signing out SAML users with single
// sign-out"). For a provider with IDPSignout, the domain's /logout sends a
// user who signed in through it to the IdP's SingleLogoutService with a
// LogoutRequest signed by the pool's signing key (StartLogout); the IdP
// posts its LogoutResponse to /saml2/logout, which sends the browser on
// to where /logout was asked to (FinishLogout). The RelayState names a
// record of the logout in progress, as state.go's do for sign-ins.
//
// Cognito documents only that flow. An IdP may also start logout itself
// (SAML 2.0 profiles §4.4): its LogoutRequest at /saml2/logout ends the
// cirro sessions of that NameID (and SessionIndex) and is answered with a
// signed LogoutResponse to the IdP.

// KindLogout is the record kind of logouts in progress at an IdP; the id
// is the SHA-256 of the RelayState.
const KindLogout = "fedlogout"

type logoutDoc struct {
	Pool     string `json:"pool"`
	Provider string `json:"provider"`
	Request  string `json:"request"`
	After    string `json:"after"`
}

// LogoutStart asks to sign a user out of a SAML IdP.
type LogoutStart struct {
	PoolID string
	// Base is the domain as the browser reaches it (scheme, host, prefix).
	Base    string
	Session SAMLSession
	// After is where to send the browser once the IdP has answered.
	After string
}

// StartLogout returns the URL of the IdP's SingleLogoutService carrying a
// signed LogoutRequest, or "" when the provider does not do single logout
// (IDPSignout off, no HTTP-Redirect SingleLogoutService, or the provider
// is gone).
func (s *Service) StartLogout(ctx context.Context, in LogoutStart) (string, error) {
	idp, err := s.provider(ctx, in.PoolID, in.Session.Provider)
	if err != nil || deref(idp.ProviderType) != typeSAML || idp.ProviderDetails["IDPSignout"] != "true" {
		return "", nil
	}
	sp, err := s.serviceProvider(ctx, in.PoolID, idp, in.Base)
	if err != nil {
		return "", err
	}
	if !sp.SupportsLogout() {
		return "", nil
	}
	relay := random()
	id, target, err := sp.LogoutRequest(in.Session.NameID, in.Session.NameIDFormat, in.Session.SessionIndex, relay)
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(logoutDoc{Pool: in.PoolID, Provider: in.Session.Provider, Request: id, After: in.After})
	if err != nil {
		return "", err
	}
	expires := s.clock.Now().Add(stateLifetime)
	err = s.store.Write(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Record{Kind: KindLogout, ID: hashHex(relay), Scope: in.PoolID, Data: data, Expires: expires})
	})
	if err != nil {
		return "", err
	}
	return target.String(), nil
}

// LogoutCallback is what came to a domain's /saml2/logout.
type LogoutCallback struct {
	PoolID, Base string
	Request      *http.Request
	// EndSessions ends the domain's sessions of a user at a SAML IdP
	// (those of NameID; of SessionIndex too when it is not empty), for a
	// logout the IdP started. It reports whether it could.
	EndSessions func(ctx context.Context, ss SAMLSession) error
}

// ErrLogout is a message at /saml2/logout that is not a logout cirro can
// take: unknown or spent RelayState, no message, a message that does not
// verify. The domain shows an error page.
var ErrLogout = errors.New("federation: unknown or unverifiable logout message")

// FinishLogout takes a message at /saml2/logout and returns where to send
// the browser: for the IdP's LogoutResponse, where StartLogout was asked
// to; for the IdP's own LogoutRequest, back to the IdP with cirro's
// LogoutResponse.
func (s *Service) FinishLogout(ctx context.Context, cb LogoutCallback) (string, error) {
	r := cb.Request
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(nil, r.Body, samlsp.MaxResponseSize*2+64<<10)
		if err := r.ParseForm(); err != nil {
			return "", ErrLogout
		}
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	switch {
	case q.Get("SAMLResponse") != "":
		return s.logoutAnswered(ctx, cb, q.Get("RelayState"))
	case q.Get("SAMLRequest") != "":
		return s.logoutAsked(ctx, cb)
	}
	return "", ErrLogout
}

// logoutAnswered is the IdP's LogoutResponse to a logout /logout started.
func (s *Service) logoutAnswered(ctx context.Context, cb LogoutCallback, relay string) (string, error) {
	if relay == "" {
		return "", ErrLogout
	}
	var doc logoutDoc
	err := s.store.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindLogout, hashHex(relay))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(rec.Data, &doc); err != nil {
			return err
		}
		if rec.Scope != cb.PoolID || !s.clock.Now().Before(rec.Expires) {
			return store.ErrNotFound
		}
		return tx.Delete(ctx, KindLogout, rec.ID)
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrLogout
	}
	if err != nil {
		return "", err
	}
	idp, err := s.provider(ctx, doc.Pool, doc.Provider)
	if err != nil {
		return "", ErrLogout
	}
	sp, err := s.serviceProvider(ctx, doc.Pool, idp, cb.Base)
	if err != nil {
		return "", err
	}
	_, err = sp.ParseLogoutResponse(ctx, cb.Request, []string{doc.Request})
	switch {
	case errors.Is(err, samlsp.ErrStatus):
		// The IdP could not end its own session; cirro's is over all the
		// same, and the app is told the sign-out happened here.
		s.log.WarnContext(ctx, "federation: the IdP did not complete single logout", "provider", doc.Provider, "pool", doc.Pool, "err", err)
	case err != nil:
		s.log.WarnContext(ctx, "federation: SAML logout response refused", "provider", doc.Provider, "pool", doc.Pool, "err", err)
		return "", ErrLogout
	}
	return doc.After, nil
}

// logoutAsked is a LogoutRequest the IdP started: the sessions of its
// user end, and the IdP is answered.
func (s *Service) logoutAsked(ctx context.Context, cb LogoutCallback) (string, error) {
	issuer, err := samlsp.PeekIssuer(cb.Request, "SAMLRequest")
	if err != nil {
		return "", ErrLogout
	}
	var idps []*cognitoidp.IdentityProviderType
	err = s.store.Read(ctx, func(tx store.Tx) (err error) {
		idps, err = s.pools.IdentityProviderConfigs(ctx, tx, cb.PoolID, typeSAML)
		return err
	})
	if err != nil {
		return "", err
	}
	// Metadata may be fetched here: outside the transaction.
	var found *samlsp.SP
	var provider string
	for _, idp := range idps {
		if idp.ProviderDetails["IDPSignout"] != "true" {
			continue
		}
		sp, err := s.serviceProvider(ctx, cb.PoolID, idp, cb.Base)
		if err == nil && sp.IDPEntityID() == issuer {
			found, provider = sp, deref(idp.ProviderName)
			break
		}
	}
	if found == nil {
		return "", ErrLogout
	}
	in, err := found.ParseLogoutRequest(ctx, cb.Request)
	if err != nil {
		s.log.WarnContext(ctx, "federation: SAML logout request refused", "provider", provider, "pool", cb.PoolID, "err", err)
		return "", ErrLogout
	}
	ok := true
	if cb.EndSessions != nil {
		if err := cb.EndSessions(ctx, SAMLSession{Provider: provider, NameID: in.NameID, SessionIndex: in.SessionIndex}); err != nil {
			s.log.ErrorContext(ctx, "federation: ending sessions for SAML logout", "provider", provider, "pool", cb.PoolID, "err", err)
			ok = false
		}
	}
	target, err := found.LogoutResponse(in.ID, in.RelayState, ok)
	if err != nil {
		return "", err
	}
	return target.String(), nil
}

// LogoutKey is the secondary key value under which the domain files a
// session of a SAML user, so that a logout the IdP starts finds it.
func LogoutKey(provider, nameID string) string {
	b, _ := json.Marshal([]string{provider, nameID})
	return hashHex(string(b))
}
