package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
)

// Test fixtures shared by the user-pool tests.
const (
	upRole = "arn:aws:iam::123456789012:role/CognitoSMS"
	upSES  = "arn:aws:ses:us-east-1:123456789012:identity/noreply@example.com"
	upKMS  = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// upPoolARN is the ARN of a pool of c, under c's configured account.
func upPoolARN(c *cirrotest.Server, id string) string {
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", c.Region, c.Internal().Config.AccountID, id)
}

func upLambda(name string) *string {
	return aws.String("arn:aws:lambda:us-east-1:123456789012:function:" + name)
}

// fullPool sets every member of CreateUserPool that the SDK can send to a
// value other than its default. Cognito's own rules make a few members
// exclusive: UsernameAttributes (vs AliasAttributes), and
// VerificationMessageTemplate.EmailMessage with the legacy
// EmailVerificationMessage (vs EmailMessageByLink); legacyPool covers
// those.
func fullPool() *cip.CreateUserPoolInput {
	str := func(name string, mutable bool, min, max string) types.SchemaAttributeType {
		return types.SchemaAttributeType{
			Name: aws.String(name), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(mutable),
			StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String(min), MaxLength: aws.String(max)},
		}
	}
	return &cip.CreateUserPoolInput{
		PoolName: aws.String("round-trip"),
		Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &types.PasswordPolicyType{
				MinimumLength: aws.Int32(12), RequireUppercase: true, RequireNumbers: true,
				PasswordHistorySize: aws.Int32(5), TemporaryPasswordValidityDays: 3,
			},
			SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"PASSWORD", "EMAIL_OTP", "WEB_AUTHN"}},
		},
		DeletionProtection: types.DeletionProtectionTypeActive,
		LambdaConfig: &types.LambdaConfigType{
			PreSignUp: upLambda("pre-sign-up"), CustomMessage: upLambda("custom-message"),
			PostConfirmation: upLambda("post-confirmation"), PreAuthentication: upLambda("pre-auth"),
			PostAuthentication: upLambda("post-auth"), DefineAuthChallenge: upLambda("define"),
			CreateAuthChallenge: upLambda("create"), VerifyAuthChallengeResponse: upLambda("verify"),
			PreTokenGeneration: upLambda("pre-token"), UserMigration: upLambda("migrate"),
			PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: upLambda("pre-token"), LambdaVersion: "V2_0"},
			CustomSMSSender:          &types.CustomSMSLambdaVersionConfigType{LambdaArn: upLambda("sms-sender"), LambdaVersion: "V1_0"},
			CustomEmailSender:        &types.CustomEmailLambdaVersionConfigType{LambdaArn: upLambda("email-sender"), LambdaVersion: "V1_0"},
			InboundFederation:        &types.InboundFederationLambdaType{LambdaArn: upLambda("federation"), LambdaVersion: "V1_0"},
			KMSKeyID:                 aws.String(upKMS),
		},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{"email", "phone_number"},
		AliasAttributes:        []types.AliasAttributeType{"email", "phone_number", "preferred_username"},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink,
			EmailMessageByLink: aws.String("Verify: {##Click here##}"), EmailSubjectByLink: aws.String("Your link"),
			EmailSubject: aws.String("Your code"), SmsMessage: aws.String("SMS code {####}"),
		},
		SmsAuthenticationMessage:    aws.String("Sign-in code {####}"),
		MfaConfiguration:            types.UserPoolMfaTypeOptional,
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{"email"}},
		DeviceConfiguration:         &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper, SourceArn: aws.String(upSES),
			ReplyToEmailAddress: aws.String("help@example.com"), From: aws.String("Example <noreply@example.com>"),
			ConfigurationSet: aws.String("tracking"),
		},
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String(upRole), ExternalId: aws.String("ext"), SnsRegion: aws.String("us-west-2")},
		UserPoolTags:     map[string]string{"team": "identity", "env": "test"},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{
			AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 3,
			InviteMessageTemplate: &types.MessageTemplateType{
				SMSMessage:   aws.String("Hi {username}, password {####}"),
				EmailMessage: aws.String("Welcome {username}: {####}"), EmailSubject: aws.String("Welcome"),
			},
		},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(false),
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("3"), MaxLength: aws.String("256")}},
			str("tenant", false, "1", "64"),
			{Name: aws.String("level"), AttributeDataType: types.AttributeDataTypeNumber,
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1"), MaxValue: aws.String("10")}},
			{Name: aws.String("vip"), AttributeDataType: types.AttributeDataTypeBoolean},
			{Name: aws.String("joined"), AttributeDataType: types.AttributeDataTypeDatetime},
			{Name: aws.String("internal"), AttributeDataType: types.AttributeDataTypeString, DeveloperOnlyAttribute: aws.Bool(true)},
		},
		UserPoolAddOns: &types.UserPoolAddOnsType{
			AdvancedSecurityMode:            types.AdvancedSecurityModeTypeEnforced,
			AdvancedSecurityAdditionalFlows: &types.AdvancedSecurityAdditionalFlowsType{CustomAuthMode: types.AdvancedSecurityEnabledModeTypeAudit},
		},
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{{Name: "verified_email", Priority: aws.Int32(1)}, {Name: "verified_phone_number", Priority: aws.Int32(2)}}},
		UserPoolTier:           types.UserPoolTierTypePlus,
		KeyConfiguration:       &types.KeyConfigurationType{KeyType: types.EncryptionKeyTypeCustomerManagedKey, KmsKeyArn: aws.String(upKMS)},
		IssuerConfiguration:    &types.IssuerConfigurationType{Type: types.IssuerTypeUpdated},
	}
}

// legacyPool sets the members fullPool cannot: the legacy verification
// messages, the code-style template they mirror, and UsernameAttributes.
func legacyPool() *cip.CreateUserPoolInput {
	return &cip.CreateUserPoolInput{
		PoolName:                 aws.String("legacy"),
		UsernameAttributes:       []types.UsernameAttributeType{"email"},
		EmailVerificationMessage: aws.String("Code: {####}"),
		EmailVerificationSubject: aws.String("Verify"),
		SmsVerificationMessage:   aws.String("SMS: {####}"),
		SmsConfiguration:         &types.SmsConfigurationType{SnsCallerArn: aws.String(upRole)},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			EmailMessage: aws.String("Code: {####}"), EmailSubject: aws.String("Verify"), SmsMessage: aws.String("SMS: {####}"),
		},
	}
}

// upContains fails unless every member set in want (a non-zero value)
// is in got with the same value, recursively. Both are SDK structs,
// compared through their JSON forms, whose names are the wire names.
func upContains(t *testing.T, path string, got, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %v, want an object", path, got)
			return
		}
		for k, v := range w {
			upContains(t, path+"."+k, g[k], v)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %v", path, got, w)
			return
		}
		for i := range w {
			upContains(t, fmt.Sprintf("%s[%d]", path, i), g[i], w[i])
		}
	default:
		if w == nil || w == false || w == "" || w == float64(0) {
			return // not set in the request
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}

func upGeneric(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var g any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestCreateUserPoolRoundTrip: every member set on CreateUserPool comes
// back identically from DescribeUserPool (custom attributes under their
// custom: or dev:custom: names).
func TestCreateUserPoolRoundTrip(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	for _, in := range []*cip.CreateUserPoolInput{fullPool(), legacyPool()} {
		t.Run(*in.PoolName, func(t *testing.T) {
			created, err := idp.CreateUserPool(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: created.UserPool.Id})
			if err != nil {
				t.Fatal(err)
			}
			p := out.UserPool
			want := upGeneric(t, in).(map[string]any)
			got := upGeneric(t, p).(map[string]any)
			if got["Name"] != want["PoolName"] {
				t.Errorf("Name %v, want %v", got["Name"], want["PoolName"])
			}
			schema := in.Schema
			for _, k := range []string{"PoolName", "Schema"} {
				delete(want, k)
			}
			upContains(t, "UserPool", got, want)
			attrs := map[string]types.SchemaAttributeType{}
			for _, a := range p.SchemaAttributes {
				attrs[*a.Name] = a
			}
			for _, a := range schema {
				name := *a.Name
				if a.AttributeDataType != "" {
					name = "custom:" + name
					if aws.ToBool(a.DeveloperOnlyAttribute) {
						name = "dev:" + name
					}
				}
				g, ok := attrs[name]
				if !ok {
					t.Errorf("no schema attribute %s", name)
					continue
				}
				a.Name = g.Name
				upContains(t, "SchemaAttributes."+name, upGeneric(t, g), upGeneric(t, a))
			}
			if !sameTime(created.UserPool.CreationDate, p.CreationDate) || !sameTime(created.UserPool.LastModifiedDate, p.LastModifiedDate) {
				t.Errorf("dates: created %v/%v, described %v/%v", created.UserPool.CreationDate, created.UserPool.LastModifiedDate, p.CreationDate, p.LastModifiedDate)
			}
			created.UserPool.CreationDate, created.UserPool.LastModifiedDate = p.CreationDate, p.LastModifiedDate
			if !reflect.DeepEqual(created.UserPool, p) {
				t.Errorf("CreateUserPool and DescribeUserPool differ:\n%+v\n%+v", created.UserPool, p)
			}
		})
	}
}

// upWirePool is the UserPool member of the last response the recorder
// saw, with the id, ARN and dates replaced by the golden placeholders.
func upWirePool(t *testing.T, rec *recorder, c *cirrotest.Server) map[string]any {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var body map[string]map[string]any
	if err := json.Unmarshal(rec.last, &body); err != nil {
		t.Fatalf("%v: %s", err, rec.last)
	}
	p := body["UserPool"]
	id, _ := p["Id"].(string)
	if !strings.HasPrefix(id, c.Region+"_") || len(id) != len(c.Region)+10 {
		t.Errorf("pool id %q is not like %s_AbC123xyZ", id, c.Region)
	}
	if want := upPoolARN(c, id); p["Arn"] != want {
		t.Errorf("Arn %v, want %s", p["Arn"], want)
	}
	created, _ := p["CreationDate"].(float64)
	if created == 0 || p["LastModifiedDate"] != created {
		t.Errorf("dates %v / %v, want equal epoch seconds", p["CreationDate"], p["LastModifiedDate"])
	}
	p["Id"], p["Arn"], p["CreationDate"], p["LastModifiedDate"] = "<ID>", "<ARN>", "<DATE>", "<DATE>"
	return p
}

// TestDefaultUserPool: a pool created with a name only is, on the wire,
// testdata/default_user_pool.json, from CreateUserPool and DescribeUserPool;
// its id and ARN are Cognito's, in the configured region and account.
func TestDefaultUserPool(t *testing.T) {
	c := cirrotest.Start(t, cirrotest.WithRegion("eu-west-3"), cirrotest.WithConfig(func(cfg *config.Config) { cfg.AccountID = "111122223333" }))
	rec := &recorder{next: &http.Client{Timeout: 30 * time.Second}}
	idp := c.IdentityProvider(func(o *cip.Options) { o.HTTPClient = rec })
	ctx := context.Background()
	b, err := os.ReadFile(filepath.Join("..", "pool", "testdata", "default_user_pool.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]any
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	out, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	equalJSON(t, "CreateUserPool", upWirePool(t, rec, c), golden)
	if _, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: out.UserPool.Id}); err != nil {
		t.Fatal(err)
	}
	equalJSON(t, "DescribeUserPool", upWirePool(t, rec, c), golden)
}

// TestUpdateUserPoolReplaces: an update replaces the whole configuration.
// Members it leaves out go back to their defaults (so the fully
// configured pool becomes the default pool again), except what no update
// changes: the schema, sign-in attributes, username case sensitivity,
// tags, key and issuer configuration, and (unless given) the name.
func TestUpdateUserPoolReplaces(t *testing.T) {
	// Dev mode: the SDK signs with the real time, which the fake clock
	// would otherwise judge skewed once it moves.
	clk := clock.NewFake(time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC))
	c := cirrotest.Start(t, cirrotest.WithClock(clk), cirrotest.WithDevMode())
	rec := &recorder{next: &http.Client{Timeout: 30 * time.Second}}
	idp := c.IdentityProvider(func(o *cip.Options) { o.HTTPClient = rec })
	ctx := context.Background()
	full, err := idp.CreateUserPool(ctx, fullPool())
	if err != nil {
		t.Fatal(err)
	}
	id := full.UserPool.Id
	clk.Advance(time.Hour)
	if _, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: id}); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	var body map[string]map[string]any
	err = json.Unmarshal(rec.last, &body)
	rec.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	got := body["UserPool"]
	if got["LastModifiedDate"].(float64)-got["CreationDate"].(float64) != 3600 {
		t.Errorf("LastModifiedDate %v, CreationDate %v: want an hour apart", got["LastModifiedDate"], got["CreationDate"])
	}
	b, err := os.ReadFile(filepath.Join("..", "pool", "testdata", "default_user_pool.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	kept := upGeneric(t, full.UserPool).(map[string]any)
	for _, k := range []string{"Id", "Arn", "CreationDate", "LastModifiedDate", "Name", "SchemaAttributes", "AliasAttributes",
		"UsernameConfiguration", "UserPoolTags", "KeyConfiguration", "IssuerConfiguration"} {
		want[k] = got[k]
	}
	equalJSON(t, "after an empty update", got, want)
	upContains(t, "kept", map[string]any(got), map[string]any{
		"Name": kept["Name"], "AliasAttributes": kept["AliasAttributes"], "UserPoolTags": kept["UserPoolTags"],
		"UsernameConfiguration": kept["UsernameConfiguration"], "KeyConfiguration": kept["KeyConfiguration"],
		"IssuerConfiguration": kept["IssuerConfiguration"],
	})
	if n := len(got["SchemaAttributes"].([]any)); n != 25 {
		t.Errorf("%d schema attributes after the update, want 25", n)
	}

	// The full configuration, sent again, is accepted as it was described:
	// tools that read, edit and write a pool rely on it.
	again := fullPool()
	if _, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{
		UserPoolId: id, PoolName: aws.String("renamed"), Policies: again.Policies, DeletionProtection: again.DeletionProtection,
		LambdaConfig: again.LambdaConfig, AutoVerifiedAttributes: again.AutoVerifiedAttributes,
		VerificationMessageTemplate: again.VerificationMessageTemplate, SmsAuthenticationMessage: again.SmsAuthenticationMessage,
		MfaConfiguration: again.MfaConfiguration, UserAttributeUpdateSettings: again.UserAttributeUpdateSettings,
		DeviceConfiguration: again.DeviceConfiguration, EmailConfiguration: again.EmailConfiguration,
		SmsConfiguration: again.SmsConfiguration, UserPoolTags: map[string]string{"only": "this"},
		AdminCreateUserConfig: again.AdminCreateUserConfig, UserPoolAddOns: again.UserPoolAddOns,
		AccountRecoverySetting: again.AccountRecoverySetting, UserPoolTier: again.UserPoolTier,
	}); err != nil {
		t.Fatal(err)
	}
	out, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: id})
	if err != nil {
		t.Fatal(err)
	}
	if *out.UserPool.Name != "renamed" || !reflect.DeepEqual(out.UserPool.UserPoolTags, map[string]string{"only": "this"}) ||
		out.UserPool.DeletionProtection != types.DeletionProtectionTypeActive || out.UserPool.LambdaConfig.UserMigration == nil {
		t.Errorf("full update: %+v", out.UserPool)
	}
}
