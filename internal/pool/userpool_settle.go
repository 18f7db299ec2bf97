package pool

import (
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// settle checks a pool's configuration beyond the model's constraints and
// fills in Cognito's defaults, in place. CreateUserPool and
// UpdateUserPool both run it on a pool assembled from the request alone
// (plus, for an update, the members that never change), which is what
// gives UpdateUserPool Cognito's replace-the-whole-configuration
// semantics: whatever the request leaves out goes back to its default.
//
// Each step may rely on the ones before it (the tier first, since several
// rules depend on it). The first violation is returned; nothing is
// written by the caller unless all pass.
func (s *Service) settle(p *cognitoidp.UserPoolType) error {
	for _, step := range []func(*cognitoidp.UserPoolType) error{
		settleTier,
		settleSignInAttributes,
		settlePasswordPolicy,
		settleSignInPolicy,
		settleVerificationMessages,
		settleInviteMessages,
		settleEmail,
		s.settleSms,
		settleLambda,
		settleAddOns,
		settleRecovery,
		settleUpdateSettings,
		settleTags,
		settleKeys,
		settleSwitches,
	} {
		if err := step(p); err != nil {
			return err
		}
	}
	return nil
}

// Cognito's defaults for a pool (see internal/pool/testdata/README.md for
// the source of each).
const (
	defaultMinimumPasswordLength = 8
	defaultTemporaryPasswordDays = 7
)

var tierRank = map[string]int{
	cognitoidp.UserPoolTierTypeLite:       0,
	cognitoidp.UserPoolTierTypeEssentials: 1,
	cognitoidp.UserPoolTierTypePlus:       2,
}

// settleTier defaults the feature plan: "Defaults to ESSENTIALS" (model).
func settleTier(p *cognitoidp.UserPoolType) error {
	if p.UserPoolTier == nil {
		p.UserPoolTier = ptr(cognitoidp.UserPoolTierTypeEssentials)
	}
	return nil
}

// requireTier refuses a feature the pool's feature plan does not include.
func requireTier(p *cognitoidp.UserPoolType, min, feature string) error {
	if tierRank[*p.UserPoolTier] < tierRank[min] {
		return errs.Newf(errs.FeatureUnavailableInTierException,
			"%s requires the %s feature plan or higher; this user pool is on the %s feature plan.", feature, min, *p.UserPoolTier)
	}
	return nil
}

func settleSignInAttributes(p *cognitoidp.UserPoolType) error {
	if len(p.AliasAttributes) > 0 && len(p.UsernameAttributes) > 0 {
		return errs.New(errs.InvalidParameterException, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	// "You can select preferred_username as required or as an alias, but
	// not both" (developer guide, User pool attributes).
	if slices.Contains(p.AliasAttributes, "preferred_username") && requiredAttribute(p.SchemaAttributes, "preferred_username") {
		return errs.New(errs.InvalidParameterException, "preferred_username can be a required attribute or an alias, but not both.")
	}
	return nil
}

// settlePasswordPolicy fills the password policy and the admin-create-user
// settings together, because the temporary password's validity lives in
// both: the current TemporaryPasswordValidityDays and the legacy
// UnusedAccountValidityDays are one setting, reported in both places.
func settlePasswordPolicy(p *cognitoidp.UserPoolType) error {
	if p.Policies == nil {
		p.Policies = &cognitoidp.UserPoolPolicyType{}
	}
	pp := p.Policies.PasswordPolicy
	if pp == nil {
		pp = &cognitoidp.PasswordPolicyType{
			MinimumLength: ptr(int32(defaultMinimumPasswordLength)), RequireUppercase: ptr(true),
			RequireLowercase: ptr(true), RequireNumbers: ptr(true), RequireSymbols: ptr(true),
		}
	}
	if pp.MinimumLength == nil {
		pp.MinimumLength = ptr(int32(defaultMinimumPasswordLength))
	}
	for _, b := range []**bool{&pp.RequireUppercase, &pp.RequireLowercase, &pp.RequireNumbers, &pp.RequireSymbols} {
		if *b == nil {
			*b = ptr(false)
		}
	}
	// "Password history isn't enforced and isn't displayed in
	// DescribeUserPool responses when you set this value to 0" (model).
	if pp.PasswordHistorySize != nil && *pp.PasswordHistorySize == 0 {
		pp.PasswordHistorySize = nil
	}
	if pp.PasswordHistorySize != nil {
		if err := requireTier(p, cognitoidp.UserPoolTierTypeEssentials, "Password history"); err != nil {
			return err
		}
	}
	ac := p.AdminCreateUserConfig
	if ac == nil {
		ac = &cognitoidp.AdminCreateUserConfigType{}
	}
	if ac.AllowAdminCreateUserOnly == nil {
		ac.AllowAdminCreateUserOnly = ptr(false)
	}
	// 0 means "not set" in both (model: "If you submit a value of 0,
	// Amazon Cognito treats it as a null value").
	days, legacy := nonZero(pp.TemporaryPasswordValidityDays), nonZero(ac.UnusedAccountValidityDays)
	if days != nil && legacy != nil && *days != *legacy {
		return errs.New(errs.InvalidParameterException, "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays")
	}
	validity := int32(defaultTemporaryPasswordDays)
	if days != nil {
		validity = *days
	} else if legacy != nil {
		validity = *legacy
	}
	pp.TemporaryPasswordValidityDays, ac.UnusedAccountValidityDays = ptr(validity), ptr(validity)
	p.Policies.PasswordPolicy, p.AdminCreateUserConfig = pp, ac
	return nil
}

func nonZero(v *int32) *int32 {
	if v == nil || *v == 0 {
		return nil
	}
	return v
}

// settleSignInPolicy defaults the first factors to a password alone.
// A password must stay allowed (CDK's AllowedFirstAuthFactors.password:
// "This must be true"), SOFTWARE_TOKEN is not a first factor (model), and
// passwordless factors need the Essentials plan (model: SignInPolicyType).
func settleSignInPolicy(p *cognitoidp.UserPoolType) error {
	sp := p.Policies.SignInPolicy
	if sp == nil || len(sp.AllowedFirstAuthFactors) == 0 {
		p.Policies.SignInPolicy = &cognitoidp.SignInPolicyType{AllowedFirstAuthFactors: []string{cognitoidp.AuthFactorTypePassword}}
		return nil
	}
	factors := sp.AllowedFirstAuthFactors
	if slices.Contains(factors, cognitoidp.AuthFactorTypeSoftwareToken) {
		return errs.New(errs.InvalidParameterException, "SOFTWARE_TOKEN is not supported as a first authentication factor.")
	}
	if !slices.Contains(factors, cognitoidp.AuthFactorTypePassword) {
		return errs.New(errs.InvalidParameterException, "AllowedFirstAuthFactors must include PASSWORD.")
	}
	if len(factors) > 1 {
		return requireTier(p, cognitoidp.UserPoolTierTypeEssentials, "Passwordless sign-in (AllowedFirstAuthFactors other than PASSWORD)")
	}
	return nil
}

// settleVerificationMessages reconciles the legacy top-level verification
// messages with VerificationMessageTemplate: each pair is one setting, so
// a value given in either place is reported in both, and two different
// values are refused. The model's patterns already require {####} in
// code messages and {##…##} in link messages.
func settleVerificationMessages(p *cognitoidp.UserPoolType) error {
	t := p.VerificationMessageTemplate
	if t == nil {
		t = &cognitoidp.VerificationMessageTemplateType{}
	}
	pairs := []struct {
		legacy, template **string
		name             string
	}{
		{&p.EmailVerificationMessage, &t.EmailMessage, "EmailVerificationMessage"},
		{&p.EmailVerificationSubject, &t.EmailSubject, "EmailVerificationSubject"},
		{&p.SmsVerificationMessage, &t.SmsMessage, "SmsVerificationMessage"},
	}
	for _, pr := range pairs {
		l, v := *pr.legacy, *pr.template
		if l != nil && v != nil && *l != *v {
			return errs.Newf(errs.InvalidParameterException,
				"%s and VerificationMessageTemplate differ; set the message in VerificationMessageTemplate only.", pr.name)
		}
		if v == nil {
			v = l
		}
		*pr.legacy, *pr.template = v, v
	}
	if t.DefaultEmailOption == nil {
		t.DefaultEmailOption = ptr(cognitoidp.DefaultEmailOptionTypeConfirmWithCode)
	}
	// "When you supply both parameters with either choice, Amazon Cognito
	// returns an error" (model: VerificationMessageTemplate).
	if t.EmailMessage != nil && t.EmailMessageByLink != nil {
		return errs.New(errs.InvalidParameterException,
			"VerificationMessageTemplate can have EmailMessage or EmailMessageByLink, not both.")
	}
	p.VerificationMessageTemplate = t
	return nil
}

// settleInviteMessages requires both placeholders in invitations: the
// user must learn the username and the temporary password.
func settleInviteMessages(p *cognitoidp.UserPoolType) error {
	inv := p.AdminCreateUserConfig.InviteMessageTemplate
	if inv == nil {
		return nil
	}
	for _, m := range []struct {
		text *string
		name string
	}{{inv.SMSMessage, "SMSMessage"}, {inv.EmailMessage, "EmailMessage"}} {
		if m.text != nil && (!strings.Contains(*m.text, "{username}") || !strings.Contains(*m.text, "{####}")) {
			return errs.Newf(errs.InvalidParameterException,
				"InviteMessageTemplate.%s must contain the {username} and {####} placeholders.", m.name)
		}
	}
	return nil
}

// settleSwitches defaults the members that are a single choice.
func settleSwitches(p *cognitoidp.UserPoolType) error {
	if p.MfaConfiguration == nil {
		p.MfaConfiguration = ptr(cognitoidp.UserPoolMfaTypeOff)
	}
	if p.DeletionProtection == nil {
		p.DeletionProtection = ptr(cognitoidp.DeletionProtectionTypeInactive)
	}
	// Any DeviceConfiguration member turns device remembering on; the
	// other reads as false.
	if d := p.DeviceConfiguration; d != nil {
		if d.ChallengeRequiredOnNewDevice == nil {
			d.ChallengeRequiredOnNewDevice = ptr(false)
		}
		if d.DeviceOnlyRememberedOnUserPrompt == nil {
			d.DeviceOnlyRememberedOnUserPrompt = ptr(false)
		}
	}
	return nil
}
