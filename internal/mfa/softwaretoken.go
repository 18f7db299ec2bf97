package mfa

import (
	"context"
	"errors"
	"strings"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/user"
)

// AssociateSoftwareToken gives the user a new TOTP secret (SecretCode) to
// load into an authenticator app. The request is authorized by the user's
// access token, or during sign-in by the Session of MFA_SETUP; the secret
// waits, sealed, until VerifySoftwareToken proves the app has it, and only
// then replaces any authenticator the user had.
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *cognitoidp.AssociateSoftwareTokenRequest) (*cognitoidp.AssociateSoftwareTokenResponse, error) {
	who, err := s.setupCaller(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	secret := newSecret()
	err = s.updateUser(ctx, who, func(c *config, u *user.User) error {
		if !c.has(TOTP) {
			return errTOTPOff
		}
		u.MFA.TOTPPending = s.sealSecret(u, secret)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AssociateSoftwareTokenResponse{SecretCode: &secret, Session: who.setupSession()}, nil
}

// VerifySoftwareToken checks a code of the secret AssociateSoftwareToken
// gave and makes that secret the user's authenticator. The code's step
// counts as used: the same code does not also sign in. With the Session
// of MFA_SETUP it answers the Session that completes the challenge.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *cognitoidp.VerifySoftwareTokenRequest) (*cognitoidp.VerifySoftwareTokenResponse, error) {
	who, err := s.setupCaller(ctx, in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	err = s.updateUser(ctx, who, func(c *config, u *user.User) error {
		if !c.has(TOTP) {
			return errTOTPOff
		}
		if len(u.MFA.TOTPPending) == 0 {
			return errNotAssociated
		}
		secret, err := s.openSecret(u, u.MFA.TOTPPending)
		if err != nil {
			return err
		}
		// The replay guard belongs to a secret: a new one starts afresh.
		st, ok := totpStep(secret, *in.UserCode, now)
		if !ok {
			return errEnableTOTP
		}
		u.MFA.TOTPSecret, u.MFA.TOTPPending, u.MFA.TOTPLastStep = u.MFA.TOTPPending, nil, st
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.VerifySoftwareTokenResponse{
		Status:  ptr(cognitoidp.VerifySoftwareTokenResponseTypeSuccess),
		Session: who.completion(),
	}, nil
}

// setupCaller is whom an AssociateSoftwareToken or VerifySoftwareToken
// request speaks for: the user of the access token or of the Session,
// exactly one of which it must carry.
func (s *Service) setupCaller(ctx context.Context, accessToken, session *string) (*caller, error) {
	hasToken, hasSession := deref(accessToken) != "", deref(session) != ""
	switch {
	case hasToken == hasSession:
		return nil, errBothOrNeither
	case hasToken:
		c, err := s.Auth.SignedIn(ctx, accessToken)
		if err != nil {
			return nil, err
		}
		return &caller{poolID: c.PoolID, sub: c.Sub}, nil
	}
	clientID, raw, ok := strings.Cut(*session, setupSeparator)
	if !ok {
		return nil, errSession
	}
	var poolID string
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		c, err := s.Pools.Client(ctx, tx, clientID)
		if err != nil {
			return err
		}
		poolID = deref(c.UserPoolId)
		return nil
	})
	if err != nil {
		return nil, errSession // a client that is gone issued no session
	}
	ss, err := s.Auth.OpenSession(ctx, poolID, clientID, raw, cognitoidp.ChallengeNameTypeMfaSetup)
	if err != nil {
		return nil, err
	}
	return &caller{poolID: poolID, sub: ss.Sub, clientID: clientID, session: raw}, nil
}

// caller is the user of a setup request, and for a sign-in's setup the
// Session it came with.
type caller struct {
	poolID, sub       string
	clientID, session string
}

// setupSession is the Session AssociateSoftwareToken answers: the one it
// was given, for VerifySoftwareToken; none for an access token.
func (c *caller) setupSession() *string {
	if c.session == "" {
		return nil
	}
	return SetupSession(c.clientID, c.session)
}

// completion is the Session VerifySoftwareToken answers: the MFA_SETUP
// session itself, which RespondToAuthChallenge now accepts.
func (c *caller) completion() *string {
	if c.session == "" {
		return nil
	}
	return &c.session
}

// updateUser changes the user of c in one transaction, with the pool's
// MFA configuration at hand.
func (s *Service) updateUser(ctx context.Context, c *caller, change func(*config, *user.User) error) error {
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		cfg, err := s.configIn(ctx, tx, c.poolID)
		if err != nil {
			return err
		}
		u, rec, err := s.Users.Get(ctx, tx, c.poolID, c.sub)
		if err != nil {
			return err
		}
		if err := change(cfg, u); err != nil {
			return err
		}
		return s.Users.Save(ctx, tx, cfg.pool, u, rec)
	})
	if errors.Is(err, user.ErrNotFound) {
		return errUserNotFound
	}
	return err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr[T any](v T) *T { return &v }
