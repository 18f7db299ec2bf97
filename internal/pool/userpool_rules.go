package pool

import (
	"slices"
	"strings"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// The settle steps for the pool's connections to other services (email,
// SMS, Lambda, KMS) and its remaining structured settings. Resource ARNs
// are checked for the service they must name; whether the resource
// exists, or whether Cognito could use it, cannot be known here.

// settleEmail defaults to Cognito's own sender and requires an SES
// identity when the pool sends through the developer's SES (model:
// EmailConfigurationType).
func settleEmail(p *cognitoidp.UserPoolType) error {
	e := p.EmailConfiguration
	if e == nil {
		e = &cognitoidp.EmailConfigurationType{}
	}
	if e.EmailSendingAccount == nil {
		e.EmailSendingAccount = ptr(cognitoidp.EmailSendingAccountTypeCognitoDefault)
	}
	if e.SourceArn != nil {
		if err := sesIdentity.check("EmailConfiguration.SourceArn", *e.SourceArn); err != nil {
			return err
		}
	} else if *e.EmailSendingAccount == cognitoidp.EmailSendingAccountTypeDeveloper {
		return errs.New(errs.InvalidParameterException, "EmailConfiguration.SourceArn is required when EmailSendingAccount is DEVELOPER.")
	}
	p.EmailConfiguration = e
	return nil
}

// settleSms checks the SMS sender: an SNS role or an End User Messaging
// SMS configuration, "but not both" (model: SmsConfigurationType), the
// latter in the pool's own Region. Verifying phone numbers needs one.
func (s *Service) settleSms(p *cognitoidp.UserPoolType) error {
	if c := p.SmsConfiguration; c != nil {
		sns := c.SnsCallerArn != nil && *c.SnsCallerArn != ""
		switch {
		case sns && c.EumsSms != nil:
			return errs.New(errs.InvalidParameterException, "SmsConfiguration can have SnsCallerArn or EumsSms, not both.")
		case !sns && c.EumsSms == nil:
			return errs.New(errs.InvalidParameterException, "SmsConfiguration must have SnsCallerArn or EumsSms.")
		case sns:
			if err := iamRole.check("SmsConfiguration.SnsCallerArn", *c.SnsCallerArn); err != nil {
				return err
			}
		default:
			if err := iamRole.check("SmsConfiguration.EumsSms.CallerArn", *c.EumsSms.CallerArn); err != nil {
				return err
			}
			if r := c.EumsSms.Region; r != nil && *r != s.Region {
				return errs.Newf(errs.InvalidParameterException, "SmsConfiguration.EumsSms.Region must be the user pool's Region, %s.", s.Region)
			}
		}
	}
	if slices.Contains(p.AutoVerifiedAttributes, "phone_number") && p.SmsConfiguration == nil {
		return errs.New(errs.InvalidParameterException, "SMS configuration is required when phone_number is selected for auto verification")
	}
	return nil
}

// settleLambda checks that every trigger names a Lambda function and keeps
// the two spellings of the pre token generation trigger in step: "If you
// also set an ARN in PreTokenGenerationConfig, its value must be
// identical to PreTokenGeneration" (model), and either one given alone is
// reported in both, the legacy one as version V1_0.
func settleLambda(p *cognitoidp.UserPoolType) error {
	l := p.LambdaConfig
	if l == nil {
		l = &cognitoidp.LambdaConfigType{}
	}
	triggers := map[string]*string{
		"PreSignUp": l.PreSignUp, "CustomMessage": l.CustomMessage, "PostConfirmation": l.PostConfirmation,
		"PreAuthentication": l.PreAuthentication, "PostAuthentication": l.PostAuthentication,
		"DefineAuthChallenge": l.DefineAuthChallenge, "CreateAuthChallenge": l.CreateAuthChallenge,
		"VerifyAuthChallengeResponse": l.VerifyAuthChallengeResponse, "PreTokenGeneration": l.PreTokenGeneration,
		"UserMigration": l.UserMigration,
	}
	if c := l.PreTokenGenerationConfig; c != nil {
		triggers["PreTokenGenerationConfig.LambdaArn"] = c.LambdaArn
	}
	if c := l.CustomSMSSender; c != nil {
		triggers["CustomSMSSender.LambdaArn"] = c.LambdaArn
	}
	if c := l.CustomEmailSender; c != nil {
		triggers["CustomEmailSender.LambdaArn"] = c.LambdaArn
	}
	if c := l.InboundFederation; c != nil {
		triggers["InboundFederation.LambdaArn"] = c.LambdaArn
	}
	for _, name := range sortedKeys(triggers) {
		if v := triggers[name]; v != nil {
			if err := lambdaFunction.check("LambdaConfig."+name, *v); err != nil {
				return err
			}
		}
	}
	if l.KMSKeyID != nil {
		if err := kmsKey.check("LambdaConfig.KMSKeyID", *l.KMSKeyID); err != nil {
			return err
		}
	} else if l.CustomSMSSender != nil || l.CustomEmailSender != nil {
		// Custom senders receive codes encrypted under this key.
		return errs.New(errs.InvalidParameterException, "LambdaConfig.KMSKeyID is required with a CustomSMSSender or CustomEmailSender trigger.")
	}
	c := l.PreTokenGenerationConfig
	switch {
	case c != nil && l.PreTokenGeneration != nil && *c.LambdaArn != *l.PreTokenGeneration:
		return errs.New(errs.InvalidParameterException, "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function.")
	case c == nil && l.PreTokenGeneration != nil:
		l.PreTokenGenerationConfig = &cognitoidp.PreTokenGenerationVersionConfigType{
			LambdaArn: l.PreTokenGeneration, LambdaVersion: ptr(cognitoidp.PreTokenGenerationLambdaVersionTypeV10),
		}
	case c != nil:
		l.PreTokenGeneration = c.LambdaArn
		// Versions 2 and 3 customize access tokens, an Essentials feature.
		if *c.LambdaVersion != cognitoidp.PreTokenGenerationLambdaVersionTypeV10 {
			if err := requireTier(p, cognitoidp.UserPoolTierTypeEssentials, "Access token customization (pre token generation "+*c.LambdaVersion+")"); err != nil {
				return err
			}
		}
	}
	p.LambdaConfig = l
	return nil
}

// settleAddOns: threat protection is a Plus feature (model: UserPoolAddOns).
func settleAddOns(p *cognitoidp.UserPoolType) error {
	a := p.UserPoolAddOns
	if a == nil {
		return nil
	}
	on := *a.AdvancedSecurityMode != cognitoidp.AdvancedSecurityModeTypeOff ||
		(a.AdvancedSecurityAdditionalFlows != nil && a.AdvancedSecurityAdditionalFlows.CustomAuthMode != nil)
	if on {
		return requireTier(p, cognitoidp.UserPoolTierTypePlus, "Threat protection")
	}
	return nil
}

// settleRecovery checks the account recovery mechanisms: each once, at
// distinct priorities, and admin_only (which turns self-service recovery
// off) alone.
func settleRecovery(p *cognitoidp.UserPoolType) error {
	if p.AccountRecoverySetting == nil {
		return nil
	}
	ms := p.AccountRecoverySetting.RecoveryMechanisms
	names, priorities := map[string]bool{}, map[int32]bool{}
	for _, m := range ms {
		if names[*m.Name] {
			return errs.Newf(errs.InvalidParameterException, "Recovery mechanism %s is listed twice.", *m.Name)
		}
		if priorities[*m.Priority] {
			return errs.New(errs.InvalidParameterException, "Recovery mechanisms must have different priorities.")
		}
		names[*m.Name], priorities[*m.Priority] = true, true
	}
	if names[cognitoidp.RecoveryOptionNameTypeAdminOnly] && len(ms) > 1 {
		return errs.New(errs.InvalidParameterException, "The admin_only recovery mechanism cannot be combined with another.")
	}
	return nil
}

// settleUpdateSettings: an attribute can wait for verification before an
// update only if the pool verifies it. A pool created through the API
// without these settings has none (research: docs/research/cognito-defaults.md).
func settleUpdateSettings(p *cognitoidp.UserPoolType) error {
	if u := p.UserAttributeUpdateSettings; u != nil {
		for _, a := range u.AttributesRequireVerificationBeforeUpdate {
			if !slices.Contains(p.AutoVerifiedAttributes, a) {
				return errs.New(errs.InvalidParameterException, "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")
			}
		}
		if u.AttributesRequireVerificationBeforeUpdate == nil {
			u.AttributesRequireVerificationBeforeUpdate = []string{}
		}
	}
	return nil
}

// maxTags is Cognito's limit: "A user pool can have as many as 50 tags"
// (model: TagResource).
const maxTags = 50

func settleTags(p *cognitoidp.UserPoolType) error {
	if p.UserPoolTags == nil {
		p.UserPoolTags = map[string]string{}
	}
	return checkTags(p.UserPoolTags)
}

// checkTags applies the AWS tagging rules the model cannot express: at
// most 50 tags, and no keys in the reserved aws: namespace.
func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return errs.Newf(errs.InvalidParameterException, "A user pool can have at most %d tags.", maxTags)
	}
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errs.Newf(errs.InvalidParameterException, "Tag keys starting with aws: are reserved for AWS use: %s", k)
		}
	}
	return nil
}

// settleKeys: a customer managed key must be named, and only then.
func settleKeys(p *cognitoidp.UserPoolType) error {
	k := p.KeyConfiguration
	if k == nil {
		return nil
	}
	managed := k.KeyType != nil && *k.KeyType == cognitoidp.EncryptionKeyTypeCustomerManagedKey
	switch {
	case managed && k.KmsKeyArn == nil:
		return errs.New(errs.InvalidParameterException, "KeyConfiguration.KmsKeyArn is required when KeyType is CUSTOMER_MANAGED_KEY.")
	case !managed && k.KmsKeyArn != nil:
		return errs.New(errs.InvalidParameterException, "KeyConfiguration.KmsKeyArn is allowed only when KeyType is CUSTOMER_MANAGED_KEY.")
	case managed:
		return kmsKey.check("KeyConfiguration.KmsKeyArn", *k.KmsKeyArn)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
