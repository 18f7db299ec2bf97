package user

import (
	"context"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/password"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// AdminCreateUser creates a user in FORCE_CHANGE_PASSWORD with a temporary
// password, given or generated to the pool's policy, and sends the
// invitation unless MessageAction is SUPPRESS; RESEND re-invites an
// existing user with a new temporary password.
//
// Unlike Cognito, which keeps the user when the invitation cannot be
// delivered (aws/aws-sdk#438), cirro creates nothing then: the caller
// gets CodeDeliveryFailureException and may simply try again.
func (s *Service) AdminCreateUser(ctx context.Context, in *cognitoidp.AdminCreateUserRequest) (*cognitoidp.AdminCreateUserResponse, error) {
	if deref(in.MessageAction) == cognitoidp.MessageActionTypeResend {
		return s.reinvite(ctx, in)
	}
	var nu *newUser
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		nu, err = s.planCreate(ctx, tx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.preSignUp(ctx, nu, trigger.PreSignUpAdminCreateUser, "", in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	if err := s.create(ctx, nu, forceAlias(in), true); err != nil {
		return nil, err
	}
	return &cognitoidp.AdminCreateUserResponse{User: nu.user.ToUserType()}, nil
}

func forceAlias(in *cognitoidp.AdminCreateUserRequest) bool {
	return in.ForceAliasCreation != nil && *in.ForceAliasCreation
}

func (s *Service) planCreate(ctx context.Context, tx store.Tx, in *cognitoidp.AdminCreateUserRequest) (*newUser, error) {
	p, _, err := s.Pools.Pool(ctx, tx, *in.UserPoolId)
	if err != nil {
		return nil, err
	}
	r := rulesOf(p)
	attrs, err := attrRules{pool: p, who: byAdmin}.parse(in.UserAttributes)
	if err != nil {
		return nil, err
	}
	// Administrators may leave required attributes out ("Administrators
	// can create users without giving values for required attributes",
	// developer guide), not verify what is not there.
	for _, attr := range contactAttrs {
		if attrs[attr+verifiedSuffix] == "true" && attrs[attr] == "" {
			return nil, invalid("A value for " + attr + " is required to set " + attr + verifiedSuffix + " to true.")
		}
	}
	u := s.blankUser(p, StatusForceChangePassword, attrs)
	if u.Username, err = r.newUsername(*in.Username, u.Sub, u.Attributes); err != nil {
		return nil, err
	}
	pw, err := temporaryPassword(p, in.TemporaryPassword)
	if err != nil {
		return nil, err
	}
	if pw == "" {
		u.Status = StatusConfirmed // a passwordless user has nothing to change
	}
	if err := s.checkFree(ctx, tx, r, u, forceAlias(in), true); err != nil {
		return nil, err
	}
	nu := &newUser{pool: p, rules: r, user: u, password: pw}
	if deref(in.MessageAction) != cognitoidp.MessageActionTypeSuppress {
		if nu.msgs, err = s.invitations(p, u, *in.Username, pw, in.DesiredDeliveryMediums, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	return nu, nil
}

// temporaryPassword is the given temporary password, checked against the
// policy with AdminCreateUser's wording, or a generated one; none in a
// passwordless pool that was given none ("Amazon Cognito generates one
// for you unless you have passwordless options active", model).
func temporaryPassword(p *cognitoidp.UserPoolType, given *string) (string, error) {
	if pw := deref(given); pw != "" {
		return pw, password.CheckAdmin(policyOf(p), pw)
	}
	if passwordless(p) {
		return "", nil
	}
	return password.Generate(policyOf(p)), nil
}

// invitations renders the invitation for each DesiredDeliveryMediums
// ("The default value is SMS", model). A medium asked for explicitly
// needs its attribute; the default SMS is skipped for a user without a
// phone number. {username} is the name the administrator gave (the email
// or phone number in a username-attributes pool), {####} the password.
// "If your template doesn't have this placeholder, Amazon Cognito doesn't
// deliver the invitation message" (model).
func (s *Service) invitations(p *cognitoidp.UserPoolType, u *User, name, pw string, mediums []string, metadata map[string]string) ([]Notice, error) {
	explicit := len(mediums) > 0
	if !explicit {
		mediums = []string{cognitoidp.DeliveryMediumTypeSms}
	}
	var msgs []Notice
	for _, medium := range slices.Compact(slices.Sorted(slices.Values(mediums))) {
		attr, label := attrEmail, "Email"
		if medium == cognitoidp.DeliveryMediumTypeSms {
			attr, label = attrPhone, "Sms"
		}
		to := u.Attributes[attr]
		switch {
		case to == "" && explicit:
			// Real Cognito: "No email provided but desired delivery
			// medium was Email".
			return nil, errs.New(errs.InvalidParameterException, "No "+attr+" provided but desired delivery medium was "+label)
		case to == "":
			continue
		}
		c := contactOf(attr, to)
		if pw != "" && !message.TemplateFor(p, message.KindInvitation, c.channel).HasCode() {
			continue
		}
		msgs = append(msgs, s.compose(p, message.KindInvitation, c, u, message.Values{Code: pw, Username: name},
			origin{source: trigger.SenderAdminCreateUser, metadata: metadata}))
	}
	return msgs, nil
}

// reinvite is MessageAction RESEND: "resend the invitation message to a
// user that already exists, and … reset the temporary-password duration
// with a new temporary password" (model). Only a user who has not yet
// chosen a password can be re-invited.
func (s *Service) reinvite(ctx context.Context, in *cognitoidp.AdminCreateUserRequest) (*cognitoidp.AdminCreateUserResponse, error) {
	var out *User
	err := untilCurrent(func() error {
		var p *cognitoidp.UserPoolType
		var u *User
		var rec *store.Record
		var pw string
		var msgs []Notice
		err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
			if p, u, rec, err = s.adminUser(ctx, tx, *in.UserPoolId, *in.Username); err != nil {
				return err
			}
			if u.Status != StatusForceChangePassword {
				return errs.New(errs.UnsupportedUserStateException, "Resend not possible. "+u.Username+" status is not FORCE_CHANGE_PASSWORD")
			}
			if pw, err = temporaryPassword(p, in.TemporaryPassword); err != nil {
				return err
			}
			msgs, err = s.invitations(p, u, *in.Username, pw, in.DesiredDeliveryMediums, in.ClientMetadata)
			return err
		})
		if err != nil {
			return err
		}
		var change *PasswordChange
		if pw != "" {
			if change, err = s.prepare(ctx, u, pw); err != nil {
				return err
			}
		}
		if err := s.deliver(ctx, msgs...); err != nil {
			return err
		}
		return s.Store.Write(ctx, func(tx store.Tx) error {
			cur, err := current(ctx, tx, rec)
			if err != nil {
				return err
			}
			now := s.Clock.Now()
			if change != nil {
				change.Apply(u, true, now)
			}
			u.Modified = now
			out = u
			return s.Save(ctx, tx, p, u, cur)
		})
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.AdminCreateUserResponse{User: out.ToUserType()}, nil
}
