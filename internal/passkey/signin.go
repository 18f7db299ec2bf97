package passkey

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/cirrohq/cirro/internal/auth"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// dataAssertion is the Session data of WEB_AUTHN: the assertion's
// go-webauthn session (challenge, allowed credentials, user
// verification) and relying party.
const dataAssertion = "webauthn"

type assertion struct {
	RelyingPartyID string               `json:"rpId"`
	Session        webauthn.SessionData `json:"session"`
}

// firstFactor is WEB_AUTHN as a first factor of USER_AUTH.
type firstFactor struct{ s *Service }

// Available reports a user with a passkey in a pool with a relying party.
func (f firstFactor) Available(ctx context.Context, p *cognitoidp.UserPoolType, u *user.User) (bool, error) {
	var n int
	err := f.s.Store.Read(ctx, func(tx store.Tx) error {
		if _, err := f.s.relyingParty(ctx, tx, p); err != nil {
			return err
		}
		var err error
		n, err = tx.Count(ctx, store.Query{Kind: Kind, Scope: u.PoolID, KeyName: keyUser, KeyValue: u.Sub})
		return err
	})
	if errors.Is(err, errConfigMissing) || errors.Is(err, errNotEnabled) {
		return false, nil
	}
	return n > 0, err
}

// Challenge asks u for an assertion by one of their passkeys:
// CREDENTIAL_REQUEST_OPTIONS is the PublicKeyCredentialRequestOptions as
// JSON, the challenge sealed in the Session.
func (f firstFactor) Challenge(ctx context.Context, r *auth.Request, u *user.User) (*auth.Challenge, error) {
	var pt *party
	var keys []*passkey
	err := f.s.Store.Read(ctx, func(tx store.Tx) (err error) {
		if pt, err = f.s.relyingParty(ctx, tx, r.Pool); err != nil {
			return err
		}
		_, keys, err = userPasskeys(ctx, tx, u.PoolID, u.Sub, "", 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errSignIn // deleted since it was offered
	}
	wa, err := ceremony(pt.id, "")
	if err != nil {
		return nil, err
	}
	opts, session, err := wa.BeginLogin(webauthnUser{u: u, creds: credentials(keys)}, webauthn.WithUserVerification(pt.uv))
	if err != nil {
		return nil, err
	}
	options, err := json.Marshal(opts.Response)
	if err != nil {
		return nil, err
	}
	state, err := json.Marshal(assertion{RelyingPartyID: pt.id, Session: *session})
	if err != nil {
		return nil, err
	}
	return &auth.Challenge{
		Name: cognitoidp.ChallengeNameTypeWebAuthn, User: u,
		Parameters: map[string]string{"CREDENTIAL_REQUEST_OPTIONS": string(options)},
		Data:       r.CarryData(map[string]string{dataAssertion: string(state)}),
	}, nil
}

// answer is WEB_AUTHN's answer: CREDENTIAL, an AuthenticationResponseJSON.
// A refused assertion counts toward the lockout as a wrong password does
// and leaves the Session for another try; an accepted one advances the
// passkey's signature counter.
func (s *Service) answer(ctx context.Context, r *auth.Request) (*auth.Outcome, error) {
	raw, err := r.Require("CREDENTIAL")
	if err != nil {
		return nil, err
	}
	var st assertion
	if err := json.Unmarshal([]byte(r.Session.Data[dataAssertion]), &st); err != nil {
		return nil, auth.ErrSessionInvalid
	}
	u, err := s.Auth.SessionUser(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.Auth.CheckLockout(ctx, r, u, cognitoidp.ChallengeNamePassword); err != nil {
		return nil, err
	}
	var keys []*passkey
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		_, keys, err = userPasskeys(ctx, tx, u.PoolID, u.Sub, "", 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	cred, ok := verifyAssertion(&st, u, keys, raw)
	if ok {
		ok, err = s.advance(ctx, u, cred)
		if err != nil {
			return nil, err
		}
	}
	if !ok {
		if err := s.Auth.FailChallenge(ctx, r, u, cognitoidp.ChallengeNamePassword); err != nil {
			return nil, err
		}
		return nil, errSignIn
	}
	return s.Auth.FirstFactorPassed(u)
}

// verifyAssertion checks an assertion against the challenge of the
// session and the user's passkeys as stored now (a passkey deleted since
// the challenge no longer signs in): origin for the relying party,
// challenge, relying party hash, signature, user presence, and user
// verification when required.
func verifyAssertion(st *assertion, u *user.User, keys []*passkey, raw string) (*webauthn.Credential, bool) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(raw))
	if err != nil {
		return nil, false
	}
	origin := parsed.Response.CollectedClientData.Origin
	if !allowedOrigin(st.RelyingPartyID, origin) {
		return nil, false
	}
	wa, err := ceremony(st.RelyingPartyID, origin)
	if err != nil {
		return nil, false
	}
	cred, err := wa.ValidateLogin(webauthnUser{u: u, creds: credentials(keys)}, st.Session, parsed)
	if err != nil {
		return nil, false
	}
	return cred, true
}

// advance records an accepted assertion on its passkey: the new
// signature count, which must exceed the stored one unless the
// authenticator keeps none (both zero), as WebAuthn §7.2 step 21 asks;
// checked in the transaction that writes it, so two sign-ins with one
// signature cannot both pass.
func (s *Service) advance(ctx context.Context, u *user.User, cred *webauthn.Credential) (bool, error) {
	id := base64.RawURLEncoding.EncodeToString(cred.ID)
	ok := false
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		rec, p, err := byCredentialID(ctx, tx, u.PoolID, u.Sub, id)
		if errors.Is(err, errNotFound) {
			ok = false
			return nil
		}
		if err != nil {
			return err
		}
		stored, got := p.Credential.Authenticator.SignCount, cred.Authenticator.SignCount
		if !bytes.Equal(p.Credential.ID, cred.ID) || (stored != 0 || got != 0) && got <= stored {
			ok = false
			return nil
		}
		p.Credential.Authenticator.SignCount = got
		p.Credential.Flags = cred.Flags
		p.LastUsed = s.Clock.Now()
		data, err := json.Marshal(p)
		if err != nil {
			return err
		}
		rec.Data, rec.Keys = data, keysOf(p)
		ok = true
		return tx.Update(ctx, rec)
	})
	return ok, err
}
