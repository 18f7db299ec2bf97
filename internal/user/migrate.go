package user

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/trigger"
)

// User migration (developer guide, "Migrate user Lambda trigger"): a name
// the pool does not know, at a sign-in with a password
// (UserMigration_Authentication, through internal/auth's password hook)
// or at ForgotPassword (UserMigration_ForgotPassword, here), is offered to
// the pool's user migration function; the user it returns is created
// with its attributes and status, and the operation goes on as if the
// user had been there. Cognito does not migrate on USER_SRP_AUTH: the
// function needs the password, which SRP never sends.

// Migration is a user migration function's answer about a name.
type Migration struct {
	Pool *cognitoidp.UserPoolType
	// Source is trigger.UserMigrationAuthentication or
	// trigger.UserMigrationForgotPassword.
	Source string
	// Name is the name the user gave, which becomes the username (or,
	// in a pool that signs in with an email address or phone number,
	// that attribute).
	Name string
	// Password is the password of a sign-in; it becomes the user's when
	// the function answers CONFIRMED.
	Password       string
	Answer         *trigger.UserMigrationResponse
	ClientID       string
	ClientMetadata map[string]string
}

// Migrate creates the user a migration at sign-in returned, sending the
// welcome message unless the function suppressed it, and returns it.
// CONFIRMED (the default at sign-in) keeps the password the user signed
// in with; RESET_REQUIRED leaves none, and the sign-in then fails with
// PasswordResetRequiredException, as Cognito's does.
//
// The welcome message is the pool's invitation template, to
// desiredDeliveryMediums (SMS when none is given, skipped without a phone
// number), with its {####} left empty: the user keeps their password.
func (s *Service) Migrate(ctx context.Context, m Migration) (*User, error) {
	nu, err := s.planMigration(ctx, m)
	if err != nil {
		return nil, err
	}
	if deref(m.Answer.MessageAction) != cognitoidp.MessageActionTypeSuppress {
		msgs, err := s.invitations(m.Pool, nu.user, m.Name, "", m.Answer.DesiredDeliveryMediums, m.ClientMetadata)
		if err != nil {
			return nil, err
		}
		for i := range msgs {
			// No temporary password stands behind {####}: the user keeps theirs.
			t := &msgs[i].Template
			t.Subject, t.Body = strings.ReplaceAll(t.Subject, "{####}", ""), strings.ReplaceAll(t.Body, "{####}", "")
			msgs[i].ClientID = m.ClientID
		}
		nu.msgs = msgs
	}
	if err := s.create(ctx, nu, isTrue(m.Answer.ForceAliasCreation), true); err != nil {
		return nil, err
	}
	return nu.user, nil
}

// planMigration checks the function's answer as AdminCreateUser checks an
// administrator's request and stages the user.
func (s *Service) planMigration(ctx context.Context, m Migration) (*newUser, error) {
	a := m.Answer
	list := make([]cognitoidp.AttributeType, 0, len(a.UserAttributes))
	for _, name := range slices.Sorted(maps.Keys(a.UserAttributes)) {
		if name == attrSub || name == "username" {
			continue // the pool's to assign
		}
		list = append(list, cognitoidp.AttributeType{Name: ptr(name), Value: ptr(a.UserAttributes[name])})
	}
	attrs, err := attrRules{pool: m.Pool, who: byAdmin}.parse(list)
	if err != nil {
		return nil, badAnswer(err)
	}
	status := StatusConfirmed
	if m.Source == trigger.UserMigrationForgotPassword || deref(a.FinalUserStatus) == StatusResetRequired {
		status = StatusResetRequired
	}
	r := rulesOf(m.Pool)
	u := s.blankUser(m.Pool, status, attrs)
	if u.Username, err = r.newUsername(m.Name, u.Sub, u.Attributes); err != nil {
		return nil, badAnswer(err)
	}
	if isTrue(a.EnableSMSMFA) && u.Attributes[attrPhone] != "" {
		u.MFA.Enabled = append(u.MFA.Enabled, MFASMS)
	}
	force := isTrue(a.ForceAliasCreation)
	err = s.Store.Read(ctx, func(tx store.Tx) error { return s.checkFree(ctx, tx, r, u, force, true) })
	if err != nil {
		return nil, err
	}
	nu := &newUser{pool: m.Pool, rules: r, user: u}
	if status == StatusConfirmed {
		nu.password = m.Password
	}
	return nu, nil
}

// badAnswer is an answer whose user cannot be created: the function's
// fault, not the caller's.
func badAnswer(err error) error {
	if e, ok := errs.As(err); ok && e.Code == errs.InvalidParameterException {
		return errs.New(errs.InvalidLambdaResponseException, "Invalid lambda response: "+e.Message)
	}
	return err
}

// forgotMigrated is ForgotPassword for a name the pool does not know and
// whose migration function knows it: the user is created in
// RESET_REQUIRED with the reset code already issued, the code is sent,
// and only then is the user committed.
func (s *Service) forgotMigrated(ctx context.Context, a *app, in *cognitoidp.ForgotPasswordRequest) (*cognitoidp.CodeDeliveryDetailsType, error) {
	answer, err := s.Triggers.UserMigration(ctx, a.pool, trigger.UserMigrationForgotPassword,
		trigger.Caller{ClientID: *a.client.ClientId, UserName: *in.Username},
		trigger.UserMigrationRequest{ClientMetadata: in.ClientMetadata})
	if err != nil {
		return nil, err
	}
	m := Migration{Pool: a.pool, Source: trigger.UserMigrationForgotPassword, Name: *in.Username, Answer: answer,
		ClientID: *a.client.ClientId, ClientMetadata: in.ClientMetadata}
	nu, err := s.planMigration(ctx, m)
	if err != nil {
		return nil, err
	}
	u := nu.user
	// "In order for users to reset their passwords in the forgot-password
	// flow, they must have either a verified email or a verified phone
	// number" (developer guide).
	c, ok := recoveryContact(a.pool, u)
	if !ok {
		return nil, errNoRecovery
	}
	code := s.issueCode(u, CodeForgotPassword, c.attr, c.to, forgotCodeTTL)
	nu.msgs = []Notice{s.compose(a.pool, message.KindForgotPassword, c, u, message.Values{Code: code, Username: u.Username},
		origin{trigger.SenderForgotPassword, *a.client.ClientId, in.ClientMetadata})}
	if err := s.create(ctx, nu, isTrue(answer.ForceAliasCreation), true); err != nil {
		return nil, err
	}
	return c.details(), nil
}

func isTrue(b *bool) bool { return b != nil && *b }
