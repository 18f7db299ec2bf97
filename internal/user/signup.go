package user

import (
	"context"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// errPasswordMissing is the model-validation answer Cognito gave when
// Password was required; it still is, unless passwordless sign-in is on.
var errPasswordMissing = invalid("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null")

// newUser is a user about to be created: validated, with the messages
// that announce it, waiting for its password hash and its commit.
type newUser struct {
	pool     *cognitoidp.UserPoolType
	rules    rules
	user     *User
	password string
	// app is the app client of a sign-up.
	app  *app
	msgs []Notice
	// delivery is the CodeDeliveryDetails of a verification code.
	delivery *cognitoidp.CodeDeliveryDetailsType
}

// SignUp registers a user through an app client. The user is
// UNCONFIRMED; when the pool verifies the user's phone number or email
// address, a code goes there first.
func (s *Service) SignUp(ctx context.Context, in *cognitoidp.SignUpRequest) (*cognitoidp.SignUpResponse, error) {
	var nu *newUser
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		nu, err = s.planSignUp(ctx, tx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.preSignUp(ctx, nu, trigger.PreSignUpSignUp, *in.ClientId, in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	// A user the pre sign-up function confirmed needs no code.
	if c, ok := verificationContact(nu.rules, nu.user); ok && nu.user.Status == StatusUnconfirmed {
		nu.msgs = append(nu.msgs, s.verificationMessage(nu.app, nu.user, c, origin{trigger.SenderSignUp, *in.ClientId, in.ClientMetadata}))
		nu.delivery = c.details()
	}
	if err := s.create(ctx, nu, false, false); err != nil {
		return nil, err
	}
	return &cognitoidp.SignUpResponse{
		UserSub:             ptr(nu.user.Sub),
		UserConfirmed:       ptr(nu.user.Status == StatusConfirmed),
		CodeDeliveryDetails: nu.delivery,
	}, nil
}

func (s *Service) planSignUp(ctx context.Context, tx store.Tx, in *cognitoidp.SignUpRequest) (*newUser, error) {
	a, err := s.app(ctx, tx, *in.ClientId)
	if err != nil {
		return nil, err
	}
	if c := a.pool.AdminCreateUserConfig; c != nil && c.AllowAdminCreateUserOnly != nil && *c.AllowAdminCreateUserOnly {
		return nil, errs.New(errs.NotAuthorizedException, "SignUp is not permitted for this user pool")
	}
	if err := a.checkSecretHash(*in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	attrs, err := attrRules{pool: a.pool, client: a.client, who: byClient}.parse(in.UserAttributes)
	if err != nil {
		return nil, err
	}
	// "If preferred_username is selected as an alias, the value can be
	// provided only when an account is confirmed" (developer guide, Aliases).
	if a.rules.alias[attrPreferredUsername] && attrs[attrPreferredUsername] != "" {
		return nil, invalid("preferred_username cannot be set at sign-up in a user pool with preferred_username as an alias; set it once the user is confirmed.")
	}
	u := s.blankUser(a.pool, StatusUnconfirmed, attrs)
	if u.Username, err = a.rules.newUsername(*in.Username, u.Sub, u.Attributes); err != nil {
		return nil, err
	}
	if err := checkRequired(a.pool, u.Attributes); err != nil {
		return nil, err
	}
	pw := deref(in.Password)
	switch {
	case pw == "" && !passwordless(a.pool):
		return nil, errPasswordMissing
	case pw != "":
		if err := password.Check(policyOf(a.pool), pw); err != nil {
			return nil, err
		}
	}
	if err := s.checkFree(ctx, tx, a.rules, u, false, false); err != nil {
		return nil, err
	}
	return &newUser{pool: a.pool, rules: a.rules, app: a, user: u, password: pw}, nil
}

// blankUser is a new user of pool p with a fresh sub and the non-empty
// attributes of attrs.
func (s *Service) blankUser(p *cognitoidp.UserPoolType, status string, attrs map[string]string) *User {
	now := s.Clock.Now()
	u := &User{
		Sub: ids.Sub(), PoolID: *p.Id, Status: status, Enabled: true,
		Attributes: map[string]string{}, Created: now, Modified: now,
	}
	for k, v := range attrs {
		if v != "" {
			u.Attributes[k] = v
		}
	}
	return u
}

// verificationMessage gives u a sign-up code and renders the message that
// carries it to c: by link when the pool confirms email addresses with a
// link (VerificationMessageTemplate.DefaultEmailOption CONFIRM_WITH_LINK).
func (s *Service) verificationMessage(a *app, u *User, c contact, o origin) Notice {
	code := s.issueCode(u, CodeSignUp, c.attr, c.to, signUpCodeTTL)
	v := message.Values{Code: code, Username: u.Username}
	if c.channel == message.ChannelEmail {
		v.LinkURL = s.confirmLink(*a.client.ClientId, u.Username, code)
	}
	return s.compose(a.pool, message.KindVerification, c, u, v, o)
}

// create hashes the new user's password, delivers its messages and only
// then inserts it (see staged.go), in the pool as it is at commit time.
// The shared lock on the pool makes a concurrent DeleteUserPool wait for
// this insert and delete the user with the pool, or this one fail with
// the pool gone: a deleted pool gets no orphan user, on any node.
func (s *Service) create(ctx context.Context, nu *newUser, force, admin bool) error {
	u := nu.user
	if nu.password != "" {
		change, err := s.prepare(ctx, u, nu.password)
		if err != nil {
			return err
		}
		change.Apply(u, u.Status == StatusForceChangePassword, u.Created)
	}
	if err := s.deliver(ctx, nu.msgs...); err != nil {
		return err
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if err := s.Pools.LockPool(ctx, tx, u.PoolID, store.LockShared); err != nil {
			return err
		}
		p, _, err := s.Pools.Pool(ctx, tx, u.PoolID)
		if err != nil {
			return err
		}
		if force {
			if err := s.takeAliases(ctx, tx, nu.rules, u); err != nil {
				return err
			}
		}
		return s.Insert(ctx, tx, p, u)
	})
	return mapConflict(err, nu.rules, true, admin)
}
