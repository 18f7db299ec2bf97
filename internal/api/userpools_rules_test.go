package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

const (
	upIPE  = "InvalidParameterException"
	upRNF  = "ResourceNotFoundException"
	upTier = "FeatureUnavailableInTierException"
)

// TestUserPoolConstraints: every rule on a pool and its settings, one row
// each, with Cognito's error type (and its message where Cognito's is
// known, else cirro's). A refused request writes nothing.
func TestUserPoolConstraints(t *testing.T) {
	c := cirrotest.Start(t)
	// Without the SDK's own required-member check, as from clients that do
	// not validate: SnsCallerArn is required by this SDK's older model.
	idp := c.IdentityProvider(withoutClientValidation)
	ctx := context.Background()

	// create tries CreateUserPool on a minimal valid request edited by mod.
	create := func(mod func(*cip.CreateUserPoolInput)) func() error {
		return func() error {
			in := &cip.CreateUserPoolInput{PoolName: aws.String("refused")}
			mod(in)
			_, err := idp.CreateUserPool(ctx, in)
			return err
		}
	}
	schema := func(attrs ...types.SchemaAttributeType) func() error {
		return create(func(in *cip.CreateUserPoolInput) { in.Schema = attrs })
	}
	custom := func(name string, typ types.AttributeDataType) types.SchemaAttributeType {
		return types.SchemaAttributeType{Name: aws.String(name), AttributeDataType: typ}
	}
	strAttr := func(min, max string) types.SchemaAttributeType {
		a := custom("s", types.AttributeDataTypeString)
		a.StringAttributeConstraints = &types.StringAttributeConstraintsType{MinLength: aws.String(min), MaxLength: aws.String(max)}
		return a
	}
	lite := func(in *cip.CreateUserPoolInput) { in.UserPoolTier = types.UserPoolTierTypeLite }
	sms := &types.SmsConfigurationType{SnsCallerArn: aws.String(upRole)}
	manyTags := map[string]string{}
	for i := range 51 {
		manyTags[fmt.Sprint("k", i)] = "v"
	}

	target := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.Schema = []types.SchemaAttributeType{custom("tier", types.AttributeDataTypeString)}
	})
	litePool := newFamilyPool(t, idp, lite)
	smsPool := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) { in.SmsConfiguration = sms })
	protected := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) { in.DeletionProtection = types.DeletionProtectionTypeActive })
	fiftyCustom := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		for i := range 50 {
			in.Schema = append(in.Schema, custom(fmt.Sprint("c", i), types.AttributeDataTypeString))
		}
	})
	poolARN := func(id string) *string {
		return aws.String(upPoolARN(c, id))
	}
	clientID := newFamilyClient(t, idp, target)
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &target, Domain: aws.String("rules-ui")}); err != nil {
		t.Fatal(err)
	}
	mfa := func(pool string, mod func(*cip.SetUserPoolMfaConfigInput)) func() error {
		return func() error {
			in := &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool)}
			mod(in)
			_, err := idp.SetUserPoolMfaConfig(ctx, in)
			return err
		}
	}
	logs := func(pool string, cfgs ...types.LogConfigurationType) func() error {
		return func() error {
			_, err := idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(pool), LogConfigurations: cfgs})
			return err
		}
	}
	logGroup := &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:cognito")}
	addCustom := func(pool string, attrs ...types.SchemaAttributeType) func() error {
		return func() error {
			_, err := idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: aws.String(pool), CustomAttributes: attrs})
			return err
		}
	}

	cases := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		// Sign-in attributes.
		{"alias and username attributes", create(func(in *cip.CreateUserPoolInput) {
			in.AliasAttributes, in.UsernameAttributes = []types.AliasAttributeType{"email"}, []types.UsernameAttributeType{"email"}
		}), upIPE, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."},
		{"preferred_username alias and required", create(func(in *cip.CreateUserPoolInput) {
			in.AliasAttributes = []types.AliasAttributeType{"preferred_username"}
			in.Schema = []types.SchemaAttributeType{{Name: aws.String("preferred_username"), Required: aws.Bool(true)}}
		}), upIPE, "preferred_username can be a required attribute or an alias, but not both."},
		{"alias value not allowed", create(func(in *cip.CreateUserPoolInput) { in.AliasAttributes = []types.AliasAttributeType{"name"} }), upIPE, "Member must satisfy enum value set"},
		{"auto-verified value not allowed", create(func(in *cip.CreateUserPoolInput) { in.AutoVerifiedAttributes = []types.VerifiedAttributeType{"name"} }), upIPE, "Member must satisfy enum value set"},

		// Password and sign-in policies.
		{"password shorter than 6", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(5)}}
		}), upIPE, "Member must have value greater than or equal to 6"},
		{"password longer than 99", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(100)}}
		}), upIPE, "Member must have value less than or equal to 99"},
		{"temporary password over 365 days", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{TemporaryPasswordValidityDays: 366}}
		}), upIPE, "Member must have value less than or equal to 365"},
		{"password history over 24", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{PasswordHistorySize: aws.Int32(25)}}
		}), upIPE, "Member must have value less than or equal to 24"},
		{"password history on Lite", create(func(in *cip.CreateUserPoolInput) {
			lite(in)
			in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{PasswordHistorySize: aws.Int32(3)}}
		}), upTier, "Password history requires the ESSENTIALS feature plan"},
		{"both temporary password validities", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{TemporaryPasswordValidityDays: 2}}
			in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 3}
		}), upIPE, "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays"},
		{"first factors without password", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"EMAIL_OTP"}}}
		}), upIPE, "AllowedFirstAuthFactors must include PASSWORD."},
		{"software token as first factor", create(func(in *cip.CreateUserPoolInput) {
			in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"PASSWORD", "SOFTWARE_TOKEN"}}}
		}), upIPE, "SOFTWARE_TOKEN is not supported as a first authentication factor."},
		{"passwordless on Lite", create(func(in *cip.CreateUserPoolInput) {
			lite(in)
			in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"PASSWORD", "EMAIL_OTP"}}}
		}), upTier, "requires the ESSENTIALS feature plan"},

		// Message templates.
		{"code email without {####}", create(func(in *cip.CreateUserPoolInput) {
			in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{EmailMessage: aws.String("no code here")}
		}), upIPE, "verificationMessageTemplate.emailMessage"},
		{"code SMS without {####}", create(func(in *cip.CreateUserPoolInput) {
			in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{SmsMessage: aws.String("no code here")}
		}), upIPE, "verificationMessageTemplate.smsMessage"},
		{"link email without {##…##}", create(func(in *cip.CreateUserPoolInput) {
			in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{
				DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink, EmailMessageByLink: aws.String("no link here"),
			}
		}), upIPE, "verificationMessageTemplate.emailMessageByLink"},
		{"MFA SMS without {####}", create(func(in *cip.CreateUserPoolInput) { in.SmsAuthenticationMessage = aws.String("no code here") }), upIPE, "smsAuthenticationMessage"},
		{"code and link email together", create(func(in *cip.CreateUserPoolInput) {
			in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{
				EmailMessage: aws.String("code {####}"), EmailMessageByLink: aws.String("link {##here##}"),
			}
		}), upIPE, "VerificationMessageTemplate can have EmailMessage or EmailMessageByLink, not both."},
		{"legacy message differs from the template", create(func(in *cip.CreateUserPoolInput) {
			in.EmailVerificationMessage = aws.String("old {####}")
			in.VerificationMessageTemplate = &types.VerificationMessageTemplateType{EmailMessage: aws.String("new {####}")}
		}), upIPE, "EmailVerificationMessage and VerificationMessageTemplate differ"},
		{"invitation SMS without {username}", create(func(in *cip.CreateUserPoolInput) {
			in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{SMSMessage: aws.String("password {####}")}}
		}), upIPE, "InviteMessageTemplate.SMSMessage must contain the {username} and {####} placeholders."},
		{"invitation email without {####}", create(func(in *cip.CreateUserPoolInput) {
			in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{EmailMessage: aws.String("hello {username}")}}
		}), upIPE, "InviteMessageTemplate.EmailMessage must contain the {username} and {####} placeholders."},

		// Email and SMS.
		{"developer email without SourceArn", create(func(in *cip.CreateUserPoolInput) {
			in.EmailConfiguration = &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper}
		}), upIPE, "EmailConfiguration.SourceArn is required when EmailSendingAccount is DEVELOPER."},
		{"SourceArn not an SES identity", create(func(in *cip.CreateUserPoolInput) {
			in.EmailConfiguration = &types.EmailConfigurationType{SourceArn: aws.String("arn:aws:sns:us-east-1:123456789012:topic")}
		}), upIPE, "EmailConfiguration.SourceArn must be the ARN of an Amazon SES identity"},
		{"SMS configuration without a sender", create(func(in *cip.CreateUserPoolInput) { in.SmsConfiguration = &types.SmsConfigurationType{} }),
			upIPE, "SmsConfiguration must have SnsCallerArn or EumsSms."},
		{"SNS caller not an IAM role", create(func(in *cip.CreateUserPoolInput) {
			in.SmsConfiguration = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:user/bob")}
		}), upIPE, "SmsConfiguration.SnsCallerArn must be the ARN of an IAM role"},
		{"phone verification without SMS", create(func(in *cip.CreateUserPoolInput) {
			in.AutoVerifiedAttributes = []types.VerifiedAttributeType{"phone_number"}
		}),
			upIPE, "SMS configuration is required when phone_number is selected for auto verification"},
		{"MFA without SMS", create(func(in *cip.CreateUserPoolInput) { in.MfaConfiguration = types.UserPoolMfaTypeOn }),
			upIPE, "SMS configuration and Auto verification for phone_number are required when MFA is required/optional"},

		// Lambda triggers.
		{"trigger not an ARN", create(func(in *cip.CreateUserPoolInput) {
			in.LambdaConfig = &types.LambdaConfigType{PreSignUp: aws.String("my-function")}
		}),
			upIPE, "lambdaConfig.preSignUp"},
		{"trigger not a Lambda function", create(func(in *cip.CreateUserPoolInput) {
			in.LambdaConfig = &types.LambdaConfigType{PostConfirmation: aws.String("arn:aws:sns:us-east-1:123456789012:topic")}
		}), upIPE, "LambdaConfig.PostConfirmation must be the ARN of a Lambda function"},
		{"two pre token generation functions", create(func(in *cip.CreateUserPoolInput) {
			in.LambdaConfig = &types.LambdaConfigType{PreTokenGeneration: upLambda("a"),
				PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: upLambda("b"), LambdaVersion: "V1_0"}}
		}), upIPE, "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function."},
		{"access token customization on Lite", create(func(in *cip.CreateUserPoolInput) {
			lite(in)
			in.LambdaConfig = &types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: upLambda("b"), LambdaVersion: "V2_0"}}
		}), upTier, "requires the ESSENTIALS feature plan"},
		{"custom sender without KMS key", create(func(in *cip.CreateUserPoolInput) {
			in.LambdaConfig = &types.LambdaConfigType{CustomSMSSender: &types.CustomSMSLambdaVersionConfigType{LambdaArn: upLambda("s"), LambdaVersion: "V1_0"}}
		}), upIPE, "LambdaConfig.KMSKeyID is required with a CustomSMSSender or CustomEmailSender trigger."},

		// Other settings.
		{"threat protection on Essentials", create(func(in *cip.CreateUserPoolInput) {
			in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}
		}), upTier, "Threat protection requires the PLUS feature plan"},
		{"verification before update of an unverified attribute", create(func(in *cip.CreateUserPoolInput) {
			in.UserAttributeUpdateSettings = &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{"email"}}
		}), upIPE, "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes"},
		{"recovery priorities repeated", create(func(in *cip.CreateUserPoolInput) {
			in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
				{Name: "verified_email", Priority: aws.Int32(1)}, {Name: "verified_phone_number", Priority: aws.Int32(1)}}}
		}), upIPE, "Recovery mechanisms must have different priorities."},
		{"admin_only with another recovery", create(func(in *cip.CreateUserPoolInput) {
			in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
				{Name: "admin_only", Priority: aws.Int32(1)}, {Name: "verified_email", Priority: aws.Int32(2)}}}
		}), upIPE, "The admin_only recovery mechanism cannot be combined with another."},
		{"51 tags", create(func(in *cip.CreateUserPoolInput) { in.UserPoolTags = manyTags }), upIPE, "A user pool can have at most 50 tags."},
		{"reserved tag key", create(func(in *cip.CreateUserPoolInput) { in.UserPoolTags = map[string]string{"aws:owner": "me"} }), upIPE, "reserved for AWS use"},
		{"customer key without its ARN", create(func(in *cip.CreateUserPoolInput) {
			in.KeyConfiguration = &types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeCustomerManagedKey}
		}), upIPE, "KeyConfiguration.KmsKeyArn is required when KeyType is CUSTOMER_MANAGED_KEY."},

		// Schema.
		{"custom attribute without a type", schema(types.SchemaAttributeType{Name: aws.String("x")}), upIPE, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."},
		{"required custom attribute", schema(types.SchemaAttributeType{Name: aws.String("x"), AttributeDataType: "String", Required: aws.Bool(true)}),
			upIPE, "Required custom attributes are not supported currently."},
		{"standard attribute retyped", schema(custom("email", types.AttributeDataTypeNumber)), upIPE, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"custom name over 20 characters", schema(custom(strings.Repeat("n", 21), "String")), upIPE, "Member must have length less than or equal to 20"},
		{"string longer than 2048", schema(strAttr("0", "2049")), upIPE, "user.custom:s: String attributes cannot have a length of more than 2048"},
		{"string min above max", schema(strAttr("9", "8")), upIPE, "user.custom:s: Max length cannot be less than min length."},
		{"number min above max", schema(types.SchemaAttributeType{Name: aws.String("n"), AttributeDataType: "Number",
			NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("5"), MaxValue: aws.String("4")}}),
			upIPE, "user.custom:n: Max value cannot be less than min value."},

		// UpdateUserPool and DeleteUserPool.
		{"update an unknown pool", func() error {
			_, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(c.Region + "_nope")})
			return err
		}, upRNF, "User pool " + c.Region + "_nope does not exist."},
		{"update leaves verification out", func() error {
			_, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &target,
				UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{"email"}}})
			return err
		}, upIPE, "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes"},
		{"update turns MFA on without a factor", func() error {
			_, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &target, MfaConfiguration: types.UserPoolMfaTypeOptional})
			return err
		}, upIPE, "SMS configuration and Auto verification for phone_number are required when MFA is required/optional"},
		{"delete under deletion protection", func() error {
			_, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &protected})
			return err
		}, upIPE, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first."},
		{"delete an unknown pool", func() error {
			_, err := idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(c.Region + "_nope")})
			return err
		}, upRNF, "does not exist."},

		// AddCustomAttributes.
		{"custom attribute name taken", addCustom(target, custom("tier", "Number")), upIPE, "custom:tier: Existing attribute already has name custom:tier."},
		{"51st custom attribute", addCustom(fiftyCustom, custom("extra", "String")), upIPE, "A user pool can have at most 50 custom attributes."},
		{"required custom attribute added", addCustom(target, types.SchemaAttributeType{Name: aws.String("r"), AttributeDataType: "String", Required: aws.Bool(true)}),
			upIPE, "Required custom attributes are not supported currently."},
		{"custom attributes of an unknown pool", addCustom(c.Region+"_nope", custom("x", "String")), upRNF, "does not exist."},

		// SetUserPoolMfaConfig.
		{"MFA on without a factor", mfa(target, func(in *cip.SetUserPoolMfaConfigInput) { in.MfaConfiguration = types.UserPoolMfaTypeOn }),
			upIPE, "At least one MFA factor must be enabled when MfaConfiguration is ON or OPTIONAL."},
		{"email MFA with Cognito's email", mfa(target, func(in *cip.SetUserPoolMfaConfigInput) { in.EmailMfaConfiguration = &types.EmailMfaConfigType{} }),
			upIPE, "Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER."},
		{"email MFA on Lite", mfa(litePool, func(in *cip.SetUserPoolMfaConfigInput) { in.EmailMfaConfiguration = &types.EmailMfaConfigType{} }),
			upTier, "Email MFA requires the ESSENTIALS feature plan"},
		{"SMS MFA without SMS configuration", mfa(target, func(in *cip.SetUserPoolMfaConfigInput) { in.SmsMfaConfiguration = &types.SmsMfaConfigType{} }),
			upIPE, "SMS MFA requires an SmsConfiguration."},
		{"SMS MFA off with SMS configured", mfa(smsPool, func(in *cip.SetUserPoolMfaConfigInput) {
			in.MfaConfiguration = types.UserPoolMfaTypeOptional
			in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: true}
		}), upIPE, "Can't turn off SMS_MFA when SMS configuration is set for the user pool"},
		{"passkeys as MFA on Lite", mfa(litePool, func(in *cip.SetUserPoolMfaConfigInput) {
			in.WebAuthnConfiguration = &types.WebAuthnConfigurationType{FactorConfiguration: types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification}
		}), upTier, "Passkeys as multi-factor authentication requires the ESSENTIALS feature plan"},
		{"MFA of an unknown pool", mfa(c.Region+"_nope", func(*cip.SetUserPoolMfaConfigInput) {}), upRNF, "does not exist."},

		// Tags.
		{"tag something else", func() error {
			_, err := idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String("arn:aws:cognito-idp:us-east-1:000000000000:group/x"), Tags: map[string]string{"a": "b"}})
			return err
		}, upIPE, "ResourceArn must be the ARN of a user pool"},
		{"tag another account's pool", func() error {
			_, err := idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: aws.String("arn:aws:cognito-idp:us-east-1:999999999999:userpool/" + target), Tags: map[string]string{"a": "b"}})
			return err
		}, upRNF, "does not exist."},
		{"tag beyond 50", func() error {
			_, err := idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: poolARN(target), Tags: manyTags})
			return err
		}, upIPE, "A user pool can have at most 50 tags."},
		{"list tags of an unknown pool", func() error {
			_, err := idp.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: poolARN(c.Region + "_nope")})
			return err
		}, upRNF, "does not exist."},

		// UI customization.
		{"UI customization without a domain", func() error {
			_, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &litePool, CSS: aws.String("")})
			return err
		}, upIPE, "A domain must be associated with this user pool."},
		{"CSS outside the customizable classes", func() error {
			_, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &target, CSS: aws.String("body { color: red }")})
			return err
		}, upIPE, `CSS selector "body" is not one of the customizable classes.`},
		{"CSS with @import", func() error {
			_, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &target, CSS: aws.String("@import url(x.css);")})
			return err
		}, upIPE, "CSS must not contain @import."},
		{"logo not an image", func() error {
			_, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &target, ImageFile: []byte("GIF89a")})
			return err
		}, upIPE, "ImageFile must be a PNG or JPEG image."},
		{"UI customization of an unknown client", func() error {
			_, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &target, ClientId: aws.String("nosuchclient")})
			return err
		}, upRNF, "User pool client nosuchclient does not exist."},
		{"UI customization of another pool's client", func() error {
			_, err := idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &litePool, ClientId: &clientID})
			return err
		}, upRNF, "does not exist."},

		// Log delivery.
		{"activity logs on Essentials", logs(target, types.LogConfigurationType{EventSource: "userAuthEvents", LogLevel: "INFO", CloudWatchLogsConfiguration: logGroup}),
			upTier, "Exporting user activity logs requires the PLUS feature plan"},
		{"notification logs at INFO", logs(target, types.LogConfigurationType{EventSource: "userNotification", LogLevel: "INFO", CloudWatchLogsConfiguration: logGroup}),
			upIPE, "userNotification logs must have LogLevel ERROR and a CloudWatchLogsConfiguration."},
		{"two destinations", logs(target, types.LogConfigurationType{EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: logGroup,
			S3Configuration: &types.S3ConfigurationType{BucketArn: aws.String("arn:aws:s3:::logs")}}),
			upIPE, "Each log configuration must have exactly one destination."},
		{"one event source twice", logs(target,
			types.LogConfigurationType{EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: logGroup},
			types.LogConfigurationType{EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: logGroup}),
			upIPE, "Only one log configuration per event source is allowed: userNotification."},

		// Signing certificate.
		{"certificate of an unknown pool", func() error {
			_, err := idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: aws.String(c.Region + "_nope")})
			return err
		}, upRNF, "does not exist."},
	}

	before := upPoolCount(t, idp)
	targetBefore, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &target})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := apiError(tc.call())
			if code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("got %s: %s\nwant %s: …%s…", code, msg, tc.code, tc.msg)
			}
		})
	}
	if after := upPoolCount(t, idp); after != before {
		t.Errorf("%d pools after the refused requests, want %d", after, before)
	}
	targetAfter, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &target})
	if err != nil {
		t.Fatal(err)
	}
	if !targetAfter.UserPool.LastModifiedDate.Equal(*targetBefore.UserPool.LastModifiedDate) || len(targetAfter.UserPool.SchemaAttributes) != 21 ||
		len(targetAfter.UserPool.UserPoolTags) != 0 {
		t.Errorf("a refused request changed the pool: %+v", targetAfter.UserPool)
	}
}

func upPoolCount(t *testing.T, idp *cip.Client) int {
	t.Helper()
	n := 0
	p := cip.NewListUserPoolsPaginator(idp, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.UserPools)
	}
	return n
}
