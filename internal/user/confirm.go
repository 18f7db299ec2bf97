package user

import (
	"context"
	"errors"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// ConfirmSignUp confirms a user with the code sent at sign-up: the user
// becomes CONFIRMED and the email or phone number the code went to
// becomes verified, which may make it an alias that another user already
// has (AliasExistsException, unless ForceAliasCreation moves it).
//
// A client that allows USER_AUTH also gets a Session, with which
// InitiateAuth signs the user in without another code (SignUpSession).
func (s *Service) ConfirmSignUp(ctx context.Context, in *cognitoidp.ConfirmSignUpRequest) (*cognitoidp.ConfirmSignUpResponse, error) {
	auth := func(a *app) error { return a.checkSecretHash(*in.Username, in.SecretHash) }
	force := in.ForceAliasCreation != nil && *in.ForceAliasCreation
	done, err := s.confirm(ctx, *in.ClientId, *in.Username, *in.ConfirmationCode, force, auth, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	out := &cognitoidp.ConfirmSignUpResponse{}
	if s.SignUpSession != nil && slices.Contains(done.a.client.ExplicitAuthFlows, cognitoidp.ExplicitAuthFlowsTypeAllowUserAuth) {
		session, err := s.SignUpSession(done.a.pool, done.a.client, done.u, done.code.Attribute)
		if err != nil {
			return nil, err
		}
		out.Session = &session
	}
	return out, nil
}

// confirmed is what a confirmation confirmed: the user as saved, with
// the code it used, for the client it came through.
type confirmed struct {
	a    *app
	u    *User
	code Code
}

// ConfirmByLink confirms a user from the link of a CONFIRM_WITH_LINK
// email (<PublicURL>/confirmUser?client_id=…&user_name=…&confirmation_code=…).
// The link carries no SECRET_HASH, as Cognito's own does not: the code
// sent to the user's mailbox is the proof.
func (s *Service) ConfirmByLink(ctx context.Context, clientID, username, code string) error {
	_, err := s.confirm(ctx, clientID, username, code, false, func(*app) error { return nil }, nil)
	return err
}

// confirm stages the confirmation from a read, runs the post confirmation
// trigger, and commits if the user is still as read (staged.go). A wrong
// code is counted at once.
func (s *Service) confirm(ctx context.Context, clientID, name, code string, force bool, auth func(*app) error, metadata map[string]string) (*confirmed, error) {
	var done *confirmed
	err := untilCurrent(func() error {
		var a *app
		var u *User
		var rec *store.Record
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if a, err = s.app(ctx, tx, clientID); err != nil {
				return err
			}
			if err := auth(a); err != nil {
				return err
			}
			u, rec, err = s.find(ctx, tx, a.pool, name)
			switch {
			case errors.Is(err, ErrNotFound) && a.hidesUsers():
				return errCodeMismatch
			case errors.Is(err, ErrNotFound):
				return errUserClientNotFound
			case err != nil:
				return err
			case u.Status != StatusUnconfirmed:
				return errCannotConfirm(u.Status)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.codeError(u, CodeSignUp, code); err != nil {
			if err == errCodeMismatch {
				return s.countAttempt(ctx, a.pool, rec, CodeSignUp, code) // the attempt must be saved, and counted
			}
			return err
		}
		c, err := s.spendCode(u, CodeSignUp, code)
		if err != nil {
			return err
		}
		u.Status = StatusConfirmed
		verifyWithCode(u, c)
		if err := s.postConfirmation(ctx, a.pool, u, trigger.PostConfirmationConfirmSignUp, clientID, metadata); err != nil {
			return err
		}
		err = s.Store.Write(ctx, func(tx store.Tx) error {
			cur, err := current(ctx, tx, rec)
			if err != nil {
				return err
			}
			u.Modified = s.Clock.Now()
			if force {
				if err := s.takeAliases(ctx, tx, a.rules, u); err != nil {
					return err
				}
			}
			return mapConflict(s.Save(ctx, tx, a.pool, u, cur), a.rules, false, false)
		})
		done = &confirmed{a: a, u: u, code: c}
		return err
	})
	return done, err
}

// AdminConfirmSignUp confirms a user without a code. Nothing becomes
// verified: "If the user account was confirmed by the administrator …
// there might not be a verified email or phone number" (developer guide).
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *cognitoidp.AdminConfirmSignUpRequest) (*cognitoidp.AdminConfirmSignUpResponse, error) {
	err := untilCurrent(func() error {
		var p *cognitoidp.UserPoolType
		var u *User
		var rec *store.Record
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if p, u, rec, err = s.adminUser(ctx, tx, *in.UserPoolId, *in.Username); err != nil {
				return err
			}
			if u.Status != StatusUnconfirmed {
				return errCannotConfirm(u.Status)
			}
			return nil
		})
		if err != nil {
			return err
		}
		u.Status = StatusConfirmed
		delete(u.Codes, CodeSignUp)
		if err := s.postConfirmation(ctx, p, u, trigger.PostConfirmationConfirmSignUp, "", in.ClientMetadata); err != nil {
			return err
		}
		return s.commitStaged(ctx, p, u, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminConfirmSignUpResponse{}, nil
}
