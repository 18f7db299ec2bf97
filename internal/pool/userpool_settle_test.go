package pool

import (
	"testing"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

func settled(t *testing.T, p *cognitoidp.UserPoolType) *cognitoidp.UserPoolType {
	t.Helper()
	if p.SchemaAttributes == nil {
		p.SchemaAttributes = standardSchema()
	}
	if err := (&Service{Region: "us-east-1"}).settle(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The temporary password's validity is one setting with two names; a
// value in either is reported in both.
func TestTemporaryPasswordValidityIsOneSetting(t *testing.T) {
	p := settled(t, &cognitoidp.UserPoolType{AdminCreateUserConfig: &cognitoidp.AdminCreateUserConfigType{UnusedAccountValidityDays: ptr(int32(3))}})
	if *p.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 3 || *p.AdminCreateUserConfig.UnusedAccountValidityDays != 3 {
		t.Errorf("legacy 3 → policy %d, admin %d", *p.Policies.PasswordPolicy.TemporaryPasswordValidityDays, *p.AdminCreateUserConfig.UnusedAccountValidityDays)
	}
	p = settled(t, &cognitoidp.UserPoolType{Policies: &cognitoidp.UserPoolPolicyType{PasswordPolicy: &cognitoidp.PasswordPolicyType{
		TemporaryPasswordValidityDays: ptr(int32(0)), PasswordHistorySize: ptr(int32(0)), MinimumLength: ptr(int32(12)),
	}}})
	pp := p.Policies.PasswordPolicy
	if *pp.TemporaryPasswordValidityDays != 7 || pp.PasswordHistorySize != nil || *pp.RequireSymbols || *pp.MinimumLength != 12 {
		t.Errorf("0 days and 0 history → %s", upJSON(pp))
	}
	err := (&Service{}).settle(&cognitoidp.UserPoolType{
		Policies:              &cognitoidp.UserPoolPolicyType{PasswordPolicy: &cognitoidp.PasswordPolicyType{TemporaryPasswordValidityDays: ptr(int32(2))}},
		AdminCreateUserConfig: &cognitoidp.AdminCreateUserConfigType{UnusedAccountValidityDays: ptr(int32(3))},
	})
	upWantErr(t, err, errs.InvalidParameterException, "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays")
}

func TestLegacyVerificationMessagesMirrorTheTemplate(t *testing.T) {
	p := settled(t, &cognitoidp.UserPoolType{
		EmailVerificationMessage: ptr("Code {####}"),
		VerificationMessageTemplate: &cognitoidp.VerificationMessageTemplateType{
			SmsMessage: ptr("SMS {####}"), EmailSubject: ptr("Subject"),
		},
	})
	tm := p.VerificationMessageTemplate
	if *tm.EmailMessage != "Code {####}" || *p.SmsVerificationMessage != "SMS {####}" || *p.EmailVerificationSubject != "Subject" ||
		*tm.DefaultEmailOption != cognitoidp.DefaultEmailOptionTypeConfirmWithCode {
		t.Errorf("pool = %s", upJSON(p))
	}
}

func TestPreTokenGenerationSpellingsAgree(t *testing.T) {
	fn := "arn:aws:lambda:us-east-1:123456789012:function:pre"
	p := settled(t, &cognitoidp.UserPoolType{LambdaConfig: &cognitoidp.LambdaConfigType{PreTokenGeneration: &fn}})
	if c := p.LambdaConfig.PreTokenGenerationConfig; c == nil || *c.LambdaArn != fn || *c.LambdaVersion != "V1_0" {
		t.Errorf("legacy only → %s", upJSON(p.LambdaConfig))
	}
	p = settled(t, &cognitoidp.UserPoolType{LambdaConfig: &cognitoidp.LambdaConfigType{
		PreTokenGenerationConfig: &cognitoidp.PreTokenGenerationVersionConfigType{LambdaArn: &fn, LambdaVersion: ptr("V2_0")},
	}})
	if p.LambdaConfig.PreTokenGeneration == nil || *p.LambdaConfig.PreTokenGeneration != fn {
		t.Errorf("config only → %s", upJSON(p.LambdaConfig))
	}
	lite := &cognitoidp.UserPoolType{UserPoolTier: ptr("LITE"), SchemaAttributes: standardSchema(), LambdaConfig: &cognitoidp.LambdaConfigType{
		PreTokenGenerationConfig: &cognitoidp.PreTokenGenerationVersionConfigType{LambdaArn: &fn, LambdaVersion: ptr("V2_0")},
	}}
	upWantErr(t, (&Service{}).settle(lite), errs.FeatureUnavailableInTierException,
		"Access token customization (pre token generation V2_0) requires the ESSENTIALS feature plan or higher; this user pool is on the LITE feature plan.")
}

func TestCheckCSS(t *testing.T) {
	ok := []string{
		"",
		"/* brand */ .logo-customizable { max-width: 60%; }",
		".submitButton-customizable, .submitButton-customizable:hover {\n color: #fff; background-color: <b>x</b> }\n.banner-customizable{padding:1px 2px 3px 4px}",
	}
	for _, css := range ok {
		if err := checkCSS(css); err != nil {
			t.Errorf("%q: %v", css, err)
		}
	}
	bad := map[string]string{
		"body { color: red }":                                         `CSS selector "body" is not one of the customizable classes.`,
		"@import url(x.css); .logo-customizable {}":                   "CSS must not contain @import.",
		"@MEDIA print { .logo-customizable {} }":                      "CSS must not contain @MEDIA.",
		".logo-customizable { background: url(javascript:alert(1)) }": "CSS must not contain javascript:.",
		".logo-customizable { color: red":                             "CSS is not a list of rules: a block is not closed.",
		".logo-customizable":                                          "CSS is not a list of rules: a selector has no block.",
	}
	for css, msg := range bad {
		upWantErr(t, checkCSS(css), errs.InvalidParameterException, msg)
	}
}

func TestImageType(t *testing.T) {
	for b, want := range map[string]string{"\x89PNG\r\n\x1a\nrest": "png", "\xff\xd8\xff\xe0JFIF": "jpg", "GIF89a": ""} {
		if got, _ := imageType([]byte(b)); got != want {
			t.Errorf("%q: %q, want %q", b, got, want)
		}
	}
}
