package passkey

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/token"
	"github.com/cirrohq/cirro/internal/user"
)

// KindRegistration is a registration in progress, one per user (id:
// registrationID), until CompleteWebAuthnRegistration uses it or it
// expires.
const KindRegistration = "passkeyreg"

// registrationTTL is how long a registration's challenge is good for
// (ours; the options' timeout says the same to the browser).
const registrationTTL = 5 * time.Minute

// registration is the state StartWebAuthnRegistration leaves for
// CompleteWebAuthnRegistration.
type registration struct {
	ClientID       string               `json:"client"`
	RelyingPartyID string               `json:"rpId"`
	Session        webauthn.SessionData `json:"session"`
	Expires        time.Time            `json:"exp"`
}

func registrationID(poolID, sub string) string { return poolID + "/" + sub }

// algorithms are the public-key algorithms offered: ES256 and RS256,
// which every platform authenticator supports.
var algorithms = []protocol.CredentialParameter{
	{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
	{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256},
}

// signedIn is the caller of a token-authorized passkey operation, with
// their pool, user record and passkeys.
type signedIn struct {
	claims *token.AccessClaims
	pool   *cognitoidp.UserPoolType
	user   *user.User
	party  *party
	keys   []*passkey
}

func (s *Service) signedIn(ctx context.Context, accessToken *string) (*signedIn, error) {
	c, err := s.Auth.SignedIn(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	si := &signedIn{claims: c}
	err = s.Store.Read(ctx, func(tx store.Tx) (err error) {
		if si.pool, _, err = s.Pools.Pool(ctx, tx, c.PoolID); err != nil {
			return err
		}
		if si.user, _, err = s.Users.Get(ctx, tx, c.PoolID, c.Sub); err != nil {
			return err
		}
		if si.party, err = s.relyingParty(ctx, tx, si.pool); err != nil {
			return err
		}
		_, si.keys, err = userPasskeys(ctx, tx, c.PoolID, c.Sub, "", 0)
		return err
	})
	if errors.Is(err, user.ErrNotFound) {
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, err
	}
	return si, nil
}

// StartWebAuthnRegistration returns the options for registering a
// passkey of the signed-in user, and records their challenge.
func (s *Service) StartWebAuthnRegistration(ctx context.Context, in *cognitoidp.StartWebAuthnRegistrationRequest) (*cognitoidp.StartWebAuthnRegistrationResponse, error) {
	si, err := s.signedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if len(si.keys) >= maxPerUser {
		return nil, errTooMany
	}
	wa, err := ceremony(si.party.id, "")
	if err != nil {
		return nil, err
	}
	exclude := make([]protocol.CredentialDescriptor, 0, len(si.keys))
	for _, p := range si.keys {
		exclude = append(exclude, p.Credential.Descriptor())
	}
	creation, session, err := wa.BeginRegistration(webauthnUser{u: si.user},
		webauthn.WithCredentialParameters(algorithms),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			RequireResidentKey: protocol.ResidentKeyRequired(), ResidentKey: protocol.ResidentKeyRequirementRequired,
			UserVerification: si.party.uv,
		}),
		webauthn.WithExclusions(exclude),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()),
	)
	if err != nil {
		return nil, err
	}
	creation.Response.Timeout = int(registrationTTL / time.Millisecond)
	options, err := json.Marshal(creation.Response)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	reg := registration{ClientID: si.claims.ClientID, RelyingPartyID: si.party.id, Session: *session, Expires: now.Add(registrationTTL)}
	data, err := json.Marshal(reg)
	if err != nil {
		return nil, err
	}
	id := registrationID(si.claims.PoolID, si.claims.Sub)
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		// A new registration replaces one in progress.
		rec, err := tx.Get(ctx, KindRegistration, id)
		if errors.Is(err, store.ErrNotFound) {
			return tx.Insert(ctx, &store.Record{Kind: KindRegistration, ID: id, Scope: si.claims.PoolID, Data: data, Expires: reg.Expires})
		}
		if err != nil {
			return err
		}
		rec.Data, rec.Expires = data, reg.Expires
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.StartWebAuthnRegistrationResponse{CredentialCreationOptions: options}, nil
}

// CompleteWebAuthnRegistration verifies the authenticator's response to
// the registration started last and stores the passkey.
func (s *Service) CompleteWebAuthnRegistration(ctx context.Context, in *cognitoidp.CompleteWebAuthnRegistrationRequest) (*cognitoidp.CompleteWebAuthnRegistrationResponse, error) {
	si, err := s.signedIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	id := registrationID(si.claims.PoolID, si.claims.Sub)
	var reg registration
	var version int64
	err = s.Store.Read(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, KindRegistration, id)
		if errors.Is(err, store.ErrNotFound) {
			return errChallengeNotFound
		}
		if err != nil {
			return err
		}
		version = rec.Version
		return json.Unmarshal(rec.Data, &reg)
	})
	switch {
	case err != nil:
		return nil, err
	case !s.Clock.Now().Before(reg.Expires):
		return nil, errChallengeNotFound
	case reg.ClientID != si.claims.ClientID:
		return nil, errClientMismatch
	}
	cred, parsed, err := verifyRegistration(&reg, si, in.Credential)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	cred.Attestation = webauthn.CredentialAttestation{}
	pk := &passkey{
		PoolID: si.claims.PoolID, Sub: si.claims.Sub, CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID),
		RelyingPartyID: reg.RelyingPartyID, Attachment: string(parsed.AuthenticatorAttachment),
		Created: now, Credential: *cred,
	}
	for _, t := range cred.Transport {
		pk.Transports = append(pk.Transports, string(t))
	}
	pk.FriendlyName = friendlyName(pk.Attachment)
	data, err := json.Marshal(pk)
	if err != nil {
		return nil, err
	}
	recID, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		// The challenge is used once: whoever deletes this version wins.
		rec, err := tx.Get(ctx, KindRegistration, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && rec.Version != version {
			return errChallengeNotFound
		}
		if err != nil {
			return err
		}
		if err := tx.Delete(ctx, KindRegistration, id); err != nil {
			return err
		}
		n, err := tx.Count(ctx, store.Query{Kind: Kind, Scope: si.claims.PoolID, KeyName: keyUser, KeyValue: si.claims.Sub})
		if err != nil {
			return err
		}
		if n >= maxPerUser {
			return errTooMany
		}
		err = tx.Insert(ctx, &store.Record{Kind: Kind, ID: recID.String(), Scope: si.claims.PoolID, Data: data, Keys: keysOf(pk)})
		if _, dup := store.IsKeyConflict(err); dup {
			return errRegistered
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.CompleteWebAuthnRegistrationResponse{}, nil
}

// verifyRegistration checks a RegistrationResponseJSON against the
// registration: the origin and relying party first, for Cognito's
// distinct errors, then everything else by go-webauthn.
func verifyRegistration(reg *registration, si *signedIn, raw []byte) (*webauthn.Credential, *protocol.ParsedCredentialCreationData, error) {
	parsed, err := protocol.ParseCredentialCreationResponseBytes(raw)
	if err != nil {
		return nil, nil, credentialError(err)
	}
	if parsed.Response.CollectedClientData.Type != protocol.CreateCeremony {
		return nil, nil, errInvalidCredential
	}
	origin := parsed.Response.CollectedClientData.Origin
	if !allowedOrigin(reg.RelyingPartyID, origin) {
		return nil, nil, errOriginNotAllowed
	}
	rpHash := sha256.Sum256([]byte(reg.RelyingPartyID))
	if !bytes.Equal(parsed.Response.AttestationObject.AuthData.RPIDHash, rpHash[:]) {
		return nil, nil, errRPMismatch
	}
	if parsed.Response.CollectedClientData.Challenge != reg.Session.Challenge {
		return nil, nil, errChallengeNotFound
	}
	wa, err := ceremony(reg.RelyingPartyID, origin)
	if err != nil {
		return nil, nil, err
	}
	cred, err := wa.CreateCredential(webauthnUser{u: si.user, creds: credentials(si.keys)}, reg.Session, parsed)
	if err != nil {
		return nil, nil, credentialError(err)
	}
	return cred, parsed, nil
}

// credentialError is Cognito's answer to a credential go-webauthn
// refused: an algorithm or attestation it does not take is not
// supported; anything else is not valid.
func credentialError(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && (pe.Type == protocol.ErrUnsupportedAlgorithm.Type || pe.Type == protocol.ErrAttestationFormat.Type || pe.Type == protocol.ErrUnsupportedKey.Type) {
		return errNotSupported
	}
	return errInvalidCredential
}

// friendlyName is the FriendlyCredentialName of a new passkey ("an
// automatically-generated friendly name", model): cirro has no
// authenticator metadata, so it names the kind of authenticator.
func friendlyName(attachment string) string {
	switch attachment {
	case string(protocol.Platform):
		return "Platform passkey"
	case string(protocol.CrossPlatform):
		return "Security key"
	}
	return "Passkey"
}
