package template

import (
	"context"
	"fmt"
	"slices"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

const typeUserPool = "AWS::Cognito::UserPool"

// userPoolProps are AWS::Cognito::UserPool's properties. Their nested
// types are the API's: CloudFormation's property types for the pool have
// the same members.
type userPoolProps struct {
	AccountRecoverySetting      *cognitoidp.AccountRecoverySettingType      `json:"AccountRecoverySetting,omitempty"`
	AdminCreateUserConfig       *cognitoidp.AdminCreateUserConfigType       `json:"AdminCreateUserConfig,omitempty"`
	AliasAttributes             []string                                    `json:"AliasAttributes,omitempty"`
	AutoVerifiedAttributes      []string                                    `json:"AutoVerifiedAttributes,omitempty"`
	DeletionProtection          *string                                     `json:"DeletionProtection,omitempty"`
	DeviceConfiguration         *cognitoidp.DeviceConfigurationType         `json:"DeviceConfiguration,omitempty"`
	EmailAuthenticationMessage  *string                                     `json:"EmailAuthenticationMessage,omitempty"`
	EmailAuthenticationSubject  *string                                     `json:"EmailAuthenticationSubject,omitempty"`
	EmailConfiguration          *cognitoidp.EmailConfigurationType          `json:"EmailConfiguration,omitempty"`
	EmailVerificationMessage    *string                                     `json:"EmailVerificationMessage,omitempty"`
	EmailVerificationSubject    *string                                     `json:"EmailVerificationSubject,omitempty"`
	EnabledMfas                 []string                                    `json:"EnabledMfas,omitempty"`
	IssuerConfiguration         *cognitoidp.IssuerConfigurationType         `json:"IssuerConfiguration,omitempty"`
	KeyConfiguration            *cognitoidp.KeyConfigurationType            `json:"KeyConfiguration,omitempty"`
	LambdaConfig                *cognitoidp.LambdaConfigType                `json:"LambdaConfig,omitempty"`
	MfaConfiguration            *string                                     `json:"MfaConfiguration,omitempty"`
	Policies                    *cognitoidp.UserPoolPolicyType              `json:"Policies,omitempty"`
	Schema                      []cognitoidp.SchemaAttributeType            `json:"Schema,omitempty"`
	SmsAuthenticationMessage    *string                                     `json:"SmsAuthenticationMessage,omitempty"`
	SmsConfiguration            *cognitoidp.SmsConfigurationType            `json:"SmsConfiguration,omitempty"`
	SmsVerificationMessage      *string                                     `json:"SmsVerificationMessage,omitempty"`
	UserAttributeUpdateSettings *cognitoidp.UserAttributeUpdateSettingsType `json:"UserAttributeUpdateSettings,omitempty"`
	UsernameAttributes          []string                                    `json:"UsernameAttributes,omitempty"`
	UsernameConfiguration       *cognitoidp.UsernameConfigurationType       `json:"UsernameConfiguration,omitempty"`
	UserPoolAddOns              *cognitoidp.UserPoolAddOnsType              `json:"UserPoolAddOns,omitempty"`
	UserPoolName                *string                                     `json:"UserPoolName,omitempty"`
	UserPoolTags                map[string]string                           `json:"UserPoolTags,omitempty"`
	UserPoolTier                *string                                     `json:"UserPoolTier,omitempty"`
	VerificationMessageTemplate *cognitoidp.VerificationMessageTemplateType `json:"VerificationMessageTemplate,omitempty"`
	WebAuthnFactorConfiguration *string                                     `json:"WebAuthnFactorConfiguration,omitempty"`
	WebAuthnRelyingPartyID      *string                                     `json:"WebAuthnRelyingPartyID,omitempty"`
	WebAuthnUserVerification    *string                                     `json:"WebAuthnUserVerification,omitempty"`
}

// mfaFactors are EnabledMfas' values.
var mfaFactors = []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"}

// poolRenames maps request members to the properties they come from.
var poolRenames = map[string]string{
	"PoolName":                                     "UserPoolName",
	"EmailMfaConfiguration.Message":                "EmailAuthenticationMessage",
	"EmailMfaConfiguration.Subject":                "EmailAuthenticationSubject",
	"WebAuthnConfiguration.RelyingPartyId":         "WebAuthnRelyingPartyID",
	"WebAuthnConfiguration.UserVerification":       "WebAuthnUserVerification",
	"WebAuthnConfiguration.FactorConfiguration":    "WebAuthnFactorConfiguration",
	"SmsMfaConfiguration.SmsAuthenticationMessage": "SmsAuthenticationMessage",
	"SmsMfaConfiguration.SmsConfiguration":         "SmsConfiguration",
}

func init() {
	register(typeUserPool, &kind{
		props: func() any { return &userPoolProps{} },
		// CloudFormation: "Update requires: Replacement".
		replace: []string{"AliasAttributes", "UsernameAttributes", "UsernameConfiguration"},
		needs:   []string{"cognito-idp:CreateUserPool"},
		check:   checkUserPool,
		create:  createUserPool,
		update:  updateUserPool,
		remove:  deleteUserPool,
		attrs:   []string{"Arn", "ProviderName", "ProviderURL", "UserPoolId"},
		attr: func(_ context.Context, x *rc, name string) (string, error) {
			return poolAttr(x.env(), x.physical, name)
		},
	})
}

// poolAttr is one of a pool's Fn::GetAtt values. ProviderURL is the
// token issuer, so it names cirro's public URL when one is configured.
func poolAttr(env Env, id, name string) (string, error) {
	switch name {
	case "Arn":
		return env.arn("cognito-idp", env.Region, "userpool/"+id), nil
	case "ProviderName":
		return fmt.Sprintf("cognito-idp.%s.%s/%s", env.Region, env.urlSuffix(), id), nil
	case "ProviderURL":
		if env.PublicURL != "" {
			return env.PublicURL + "/" + id, nil
		}
		return fmt.Sprintf("https://cognito-idp.%s.%s/%s", env.Region, env.urlSuffix(), id), nil
	case "UserPoolId":
		return id, nil
	}
	return "", fmt.Errorf("no attribute %s", name)
}

func checkUserPool(x *rc, props any, p *problems) {
	in := props.(*userPoolProps)
	modelCheck(poolCreateRequest(x, in), poolRenames, p)
	for i, f := range in.EnabledMfas {
		if !slices.Contains(mfaFactors, f) {
			p.addf(fmt.Sprintf("EnabledMfas[%d]", i), "value %q is not one of %v", f, mfaFactors)
		}
	}
	if m := poolMfaRequest("us-east-1_placeholder", in); m != nil {
		modelCheck(m, poolRenames, p)
	}
}

// poolCreateRequest is CreateUserPool's request for the properties. MFA
// is left off when SetUserPoolMfaConfig will set it: CreateUserPool only
// knows SMS MFA, and refuses MFA without a factor.
func poolCreateRequest(x *rc, in *userPoolProps) *cognitoidp.CreateUserPoolRequest {
	req := &cognitoidp.CreateUserPoolRequest{
		AccountRecoverySetting:      in.AccountRecoverySetting,
		AdminCreateUserConfig:       in.AdminCreateUserConfig,
		AliasAttributes:             in.AliasAttributes,
		AutoVerifiedAttributes:      in.AutoVerifiedAttributes,
		DeletionProtection:          in.DeletionProtection,
		DeviceConfiguration:         in.DeviceConfiguration,
		EmailConfiguration:          in.EmailConfiguration,
		EmailVerificationMessage:    in.EmailVerificationMessage,
		EmailVerificationSubject:    in.EmailVerificationSubject,
		IssuerConfiguration:         in.IssuerConfiguration,
		KeyConfiguration:            in.KeyConfiguration,
		LambdaConfig:                in.LambdaConfig,
		MfaConfiguration:            in.MfaConfiguration,
		Policies:                    in.Policies,
		PoolName:                    ptr(x.name(in.UserPoolName, 128)),
		Schema:                      in.Schema,
		SmsAuthenticationMessage:    in.SmsAuthenticationMessage,
		SmsConfiguration:            in.SmsConfiguration,
		SmsVerificationMessage:      in.SmsVerificationMessage,
		UserAttributeUpdateSettings: in.UserAttributeUpdateSettings,
		UserPoolAddOns:              in.UserPoolAddOns,
		UserPoolTags:                in.UserPoolTags,
		UserPoolTier:                in.UserPoolTier,
		UsernameAttributes:          in.UsernameAttributes,
		UsernameConfiguration:       in.UsernameConfiguration,
		VerificationMessageTemplate: in.VerificationMessageTemplate,
	}
	if needsMfaCall(in) {
		req.MfaConfiguration = ptr(cognitoidp.UserPoolMfaTypeOff)
	}
	return req
}

func needsMfaCall(in *userPoolProps) bool {
	return (in.MfaConfiguration != nil && *in.MfaConfiguration != cognitoidp.UserPoolMfaTypeOff) ||
		len(in.EnabledMfas) > 0 || in.EmailAuthenticationMessage != nil || in.EmailAuthenticationSubject != nil ||
		in.WebAuthnRelyingPartyID != nil || in.WebAuthnUserVerification != nil || in.WebAuthnFactorConfiguration != nil
}

// poolMfaRequest turns MfaConfiguration, EnabledMfas and the email and
// passkey properties into SetUserPoolMfaConfig's request, nil when the
// pool has no MFA settings at all. A template from before EnabledMfas
// existed turns MFA on with just an SmsConfiguration: that means SMS.
func poolMfaRequest(poolID string, in *userPoolProps) *cognitoidp.SetUserPoolMfaConfigRequest {
	if !needsMfaCall(in) {
		return nil
	}
	mfa := cognitoidp.UserPoolMfaTypeOff
	if in.MfaConfiguration != nil {
		mfa = *in.MfaConfiguration
	}
	factors := in.EnabledMfas
	if len(factors) == 0 && mfa != cognitoidp.UserPoolMfaTypeOff && in.SmsConfiguration != nil {
		factors = []string{"SMS_MFA"}
	}
	req := &cognitoidp.SetUserPoolMfaConfigRequest{UserPoolId: &poolID, MfaConfiguration: &mfa}
	if slices.Contains(factors, "SMS_MFA") {
		req.SmsMfaConfiguration = &cognitoidp.SmsMfaConfigType{SmsAuthenticationMessage: in.SmsAuthenticationMessage, SmsConfiguration: in.SmsConfiguration}
	}
	if slices.Contains(factors, "SOFTWARE_TOKEN_MFA") {
		req.SoftwareTokenMfaConfiguration = &cognitoidp.SoftwareTokenMfaConfigType{Enabled: ptr(true)}
	}
	if slices.Contains(factors, "EMAIL_OTP") {
		req.EmailMfaConfiguration = &cognitoidp.EmailMfaConfigType{Message: in.EmailAuthenticationMessage, Subject: in.EmailAuthenticationSubject}
	}
	if in.WebAuthnRelyingPartyID != nil || in.WebAuthnUserVerification != nil || in.WebAuthnFactorConfiguration != nil {
		req.WebAuthnConfiguration = &cognitoidp.WebAuthnConfigurationType{RelyingPartyId: in.WebAuthnRelyingPartyID,
			UserVerification: in.WebAuthnUserVerification, FactorConfiguration: in.WebAuthnFactorConfiguration}
	}
	return req
}

func createUserPool(ctx context.Context, x *rc, props any) error {
	in := props.(*userPoolProps)
	var out cognitoidp.CreateUserPoolResponse
	if err := x.idp(ctx, "CreateUserPool", poolCreateRequest(x, in), &out); err != nil {
		return err
	}
	x.physical = *out.UserPool.Id
	if m := poolMfaRequest(x.physical, in); m != nil {
		return x.idp(ctx, "SetUserPoolMfaConfig", m, nil)
	}
	return nil
}

// updateUserPool sets the MFA factors first, then the configuration:
// UpdateUserPool checks MfaConfiguration against the factors already on.
// Custom attributes the template adds are added; Cognito allows no other
// change to a pool's schema.
func updateUserPool(ctx context.Context, x *rc, props any) error {
	in := props.(*userPoolProps)
	old, err := recorded[userPoolProps](x)
	if err != nil {
		return err
	}
	added, err := schemaAdditions(old.Schema, in.Schema)
	if err != nil {
		return err
	}
	m := poolMfaRequest(x.physical, in)
	if m == nil {
		m = &cognitoidp.SetUserPoolMfaConfigRequest{UserPoolId: &x.physical, MfaConfiguration: ptr(cognitoidp.UserPoolMfaTypeOff)}
	}
	if err := x.idp(ctx, "SetUserPoolMfaConfig", m, nil); err != nil {
		return err
	}
	c := poolCreateRequest(x, in)
	req := &cognitoidp.UpdateUserPoolRequest{
		UserPoolId:                  &x.physical,
		PoolName:                    c.PoolName,
		AccountRecoverySetting:      c.AccountRecoverySetting,
		AdminCreateUserConfig:       c.AdminCreateUserConfig,
		AutoVerifiedAttributes:      c.AutoVerifiedAttributes,
		DeletionProtection:          c.DeletionProtection,
		DeviceConfiguration:         c.DeviceConfiguration,
		EmailConfiguration:          c.EmailConfiguration,
		EmailVerificationMessage:    c.EmailVerificationMessage,
		EmailVerificationSubject:    c.EmailVerificationSubject,
		IssuerConfiguration:         c.IssuerConfiguration,
		KeyConfiguration:            c.KeyConfiguration,
		LambdaConfig:                c.LambdaConfig,
		MfaConfiguration:            m.MfaConfiguration,
		Policies:                    c.Policies,
		SmsAuthenticationMessage:    c.SmsAuthenticationMessage,
		SmsConfiguration:            c.SmsConfiguration,
		SmsVerificationMessage:      c.SmsVerificationMessage,
		UserAttributeUpdateSettings: c.UserAttributeUpdateSettings,
		UserPoolAddOns:              c.UserPoolAddOns,
		UserPoolTags:                c.UserPoolTags,
		UserPoolTier:                c.UserPoolTier,
		VerificationMessageTemplate: c.VerificationMessageTemplate,
	}
	if req.UserPoolTags == nil {
		req.UserPoolTags = map[string]string{} // tags dropped from the template go too
	}
	if err := x.idp(ctx, "UpdateUserPool", req, nil); err != nil {
		return err
	}
	if len(added) > 0 {
		return x.idp(ctx, "AddCustomAttributes", &cognitoidp.AddCustomAttributesRequest{UserPoolId: &x.physical, CustomAttributes: added}, nil)
	}
	return nil
}

// schemaAdditions returns the attributes of next that old lacks, refusing
// any other change.
func schemaAdditions(old, next []cognitoidp.SchemaAttributeType) ([]cognitoidp.SchemaAttributeType, error) {
	byName := map[string]string{}
	for _, a := range old {
		byName[str(a.Name)] = canonical(a)
	}
	var added []cognitoidp.SchemaAttributeType
	seen := map[string]bool{}
	for _, a := range next {
		seen[str(a.Name)] = true
		was, ok := byName[str(a.Name)]
		if !ok {
			added = append(added, a)
			continue
		}
		if was != canonical(a) {
			return nil, errs.Newf(errs.InvalidParameterException, "Schema: the attribute %s cannot be changed, only new attributes can be added", str(a.Name))
		}
	}
	for name := range byName {
		if !seen[name] {
			return nil, errs.Newf(errs.InvalidParameterException, "Schema: the attribute %s cannot be removed from a user pool", name)
		}
	}
	return added, nil
}

func deleteUserPool(ctx context.Context, x *rc, force bool) error {
	if force {
		// A pool this apply created and now rolls back was never in use:
		// lift its deletion protection.
		var d cognitoidp.DescribeUserPoolResponse
		if err := x.idp(ctx, "DescribeUserPool", &cognitoidp.DescribeUserPoolRequest{UserPoolId: &x.physical}, &d); err != nil {
			return ignoreNotFound(err)
		}
		if str(d.UserPool.DeletionProtection) == cognitoidp.DeletionProtectionTypeActive {
			if err := x.idp(ctx, "UpdateUserPool", &cognitoidp.UpdateUserPoolRequest{UserPoolId: &x.physical,
				DeletionProtection: ptr(cognitoidp.DeletionProtectionTypeInactive)}, nil); err != nil {
				return err
			}
		}
	}
	return ignoreNotFound(x.idp(ctx, "DeleteUserPool", &cognitoidp.DeleteUserPoolRequest{UserPoolId: &x.physical}, nil))
}

// ignoreNotFound treats deleting what is already gone as done.
func ignoreNotFound(err error) error {
	if errs.Is(err, errs.ResourceNotFoundException) {
		return nil
	}
	return err
}

// recorded binds the resource's previously applied properties.
func recorded[T any](x *rc) (*T, error) {
	out := new(T)
	if x.old == nil {
		return out, nil
	}
	var p problems
	bind(x.old.Properties, out, "", &p)
	if err := p.err("recorded state of " + x.id); err != nil {
		return nil, err
	}
	return out, nil
}
