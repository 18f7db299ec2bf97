package api_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// TestAddCustomAttributes: added attributes join the schema with their
// prefix and Cognito's defaults, after the existing ones.
func TestAddCustomAttributes(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	id := newFamilyPool(t, idp)
	_, err := idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &id, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
		{Name: aws.String("seats"), AttributeDataType: types.AttributeDataTypeNumber, Mutable: aws.Bool(false),
			NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1")}},
		{Name: aws.String("beta"), AttributeDataType: types.AttributeDataTypeBoolean, DeveloperOnlyAttribute: aws.Bool(true)},
		{Name: aws.String("since"), AttributeDataType: types.AttributeDataTypeDatetime},
	}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	got := out.UserPool.SchemaAttributes[20:]
	want := []types.SchemaAttributeType{
		{Name: aws.String("custom:plan"), AttributeDataType: "String", DeveloperOnlyAttribute: aws.Bool(false), Mutable: aws.Bool(true), Required: aws.Bool(false),
			StringAttributeConstraints: &types.StringAttributeConstraintsType{}},
		{Name: aws.String("custom:seats"), AttributeDataType: "Number", DeveloperOnlyAttribute: aws.Bool(false), Mutable: aws.Bool(false), Required: aws.Bool(false),
			NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1")}},
		{Name: aws.String("dev:custom:beta"), AttributeDataType: "Boolean", DeveloperOnlyAttribute: aws.Bool(true), Mutable: aws.Bool(true), Required: aws.Bool(false)},
		{Name: aws.String("custom:since"), AttributeDataType: "DateTime", DeveloperOnlyAttribute: aws.Bool(false), Mutable: aws.Bool(true), Required: aws.Bool(false)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("custom attributes:\n got %+v\nwant %+v", upGeneric(t, got), upGeneric(t, want))
	}
}

// TestUserPoolMfaConfig: SetUserPoolMfaConfig replaces the factors and
// GetUserPoolMfaConfig returns them; the SMS factor's settings are the
// pool's own, and an UpdateUserPool that leaves MFA out turns it off.
func TestUserPoolMfaConfig(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider(withoutClientValidation)
	ctx := context.Background()
	id := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) {
		in.EmailConfiguration = &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper, SourceArn: aws.String(upSES)}
	})
	get := func() *cip.GetUserPoolMfaConfigOutput {
		t.Helper()
		out, err := idp.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if g := get(); g.MfaConfiguration != types.UserPoolMfaTypeOff || g.SmsMfaConfiguration != nil || g.SoftwareTokenMfaConfiguration != nil {
		t.Errorf("new pool: %+v", g)
	}
	sms := &types.SmsConfigurationType{SnsCallerArn: aws.String(upRole), ExternalId: aws.String("x")}
	webAuthn := &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("auth.example.com"), UserVerification: types.UserVerificationTypeRequired,
		FactorConfiguration: types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification}
	set, err := idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Code {####}"), SmsConfiguration: sms},
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		EmailMfaConfiguration:         &types.EmailMfaConfigType{Message: aws.String("Email code {####}"), Subject: aws.String("Code")},
		WebAuthnConfiguration:         webAuthn,
	})
	if err != nil {
		t.Fatal(err)
	}
	g := get()
	if g.MfaConfiguration != types.UserPoolMfaTypeOn || !g.SoftwareTokenMfaConfiguration.Enabled ||
		*g.SmsMfaConfiguration.SmsAuthenticationMessage != "Code {####}" || *g.SmsMfaConfiguration.SmsConfiguration.ExternalId != "x" ||
		*g.EmailMfaConfiguration.Subject != "Code" || !reflect.DeepEqual(g.WebAuthnConfiguration, webAuthn) {
		t.Errorf("after Set: %+v", upGeneric(t, g))
	}
	if !reflect.DeepEqual(upGeneric(t, set), upGeneric(t, g)) {
		t.Errorf("Set answered %+v, Get %+v", upGeneric(t, set), upGeneric(t, g))
	}
	d, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOn || *d.UserPool.SmsAuthenticationMessage != "Code {####}" || *d.UserPool.SmsConfiguration.ExternalId != "x" {
		t.Errorf("the pool does not show the SMS factor's settings: %+v", d.UserPool)
	}

	// Replace: TOTP only, so SMS configuration must go first, through an
	// update that keeps the developer email.
	if _, err := idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &id,
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper, SourceArn: aws.String(upSES)}}); err != nil {
		t.Fatal(err)
	}
	if g := get(); g.MfaConfiguration != types.UserPoolMfaTypeOff || g.SmsMfaConfiguration != nil || !g.SoftwareTokenMfaConfiguration.Enabled {
		t.Errorf("after an update without MFA: %+v", upGeneric(t, g))
	}
	if _, err := idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	if g := get(); g.MfaConfiguration != types.UserPoolMfaTypeOptional || g.EmailMfaConfiguration != nil || g.WebAuthnConfiguration != nil {
		t.Errorf("after replacing with TOTP only: %+v", upGeneric(t, g))
	}
}

// TestSigningCertificate: a pool's SAML signing certificate is a
// self-signed RSA 2048 X.509 certificate, base64 DER, valid ten years,
// made once.
func TestSigningCertificate(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	id := newFamilyPool(t, idp)
	first, err := idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(*first.Certificate)
	if err != nil {
		t.Fatalf("not base64 DER: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := cert.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Errorf("public key %T", cert.PublicKey)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if d := cert.NotAfter.Sub(cert.NotBefore); d < 3650*24*time.Hour {
		t.Errorf("valid for %v", d)
	}
	again, err := idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if *again.Certificate != *first.Certificate {
		t.Error("a second call made another certificate")
	}
	signedCert, key, err := c.Internal().API.Pools.SigningKey(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !signedCert.Equal(cert) || !key.Public().(*rsa.PublicKey).Equal(cert.PublicKey) {
		t.Error("SigningKey does not match the certificate")
	}
	other := newFamilyPool(t, idp)
	third, err := idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: &other})
	if err != nil {
		t.Fatal(err)
	}
	if *third.Certificate == *first.Certificate {
		t.Error("two pools share a certificate")
	}
}

// TestUICustomization: branding per pool (ALL) and per client, a client
// without its own falling back to the pool's; the logo is kept for the
// hosted UI to serve.
func TestUICustomization(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	id := newFamilyPool(t, idp)
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &id, Domain: aws.String("branded")}); err != nil {
		t.Fatal(err)
	}
	own, plain := newFamilyClient(t, idp, id), newFamilyClient(t, idp, id)
	empty, err := idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(upGeneric(t, empty.UICustomization), upGeneric(t, &types.UICustomizationType{})) {
		t.Errorf("nothing set: %+v", empty.UICustomization)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	css := ".logo-customizable { max-width: 60%; }\n.submitButton-customizable:hover { color: #fff; }"
	all, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &id, ClientId: aws.String("ALL"), CSS: &css, ImageFile: png})
	if err != nil {
		t.Fatal(err)
	}
	u := all.UICustomization
	if *u.UserPoolId != id || *u.ClientId != "ALL" || *u.CSS != css || u.CSSVersion == nil || u.CreationDate == nil ||
		!strings.HasPrefix(aws.ToString(u.ImageUrl), c.URL+"/ui-assets/"+id+"/ALL/") || !strings.HasSuffix(*u.ImageUrl, "/logo.png") {
		t.Errorf("pool branding: %+v", upGeneric(t, u))
	}
	mine := ".banner-customizable { background-color: black; }"
	if _, err := idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &id, ClientId: &own, CSS: &mine}); err != nil {
		t.Fatal(err)
	}
	for client, want := range map[string]string{own: mine, plain: css, "ALL": css} {
		got, err := idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &id, ClientId: aws.String(client)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(got.UICustomization.CSS) != want {
			t.Errorf("client %s: CSS %q, want %q", client, aws.ToString(got.UICustomization.CSS), want)
		}
	}
	img, ext, ok, err := c.Internal().API.Pools.UILogo(ctx, id, plain)
	if err != nil || !ok || ext != "png" || string(img) != string(png) {
		t.Errorf("UILogo(plain) = %q %q %v %v", img, ext, ok, err)
	}
	if _, _, ok, _ := c.Internal().API.Pools.UILogo(ctx, id, own); ok {
		t.Error("a client with its own branding and no logo has a logo")
	}
}

// TestLogDeliveryConfiguration: stored and returned; an empty list clears it.
func TestLogDeliveryConfiguration(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	id := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) { in.UserPoolTier = types.UserPoolTierTypePlus })
	get := func() *types.LogDeliveryConfigurationType {
		t.Helper()
		out, err := idp.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: &id})
		if err != nil {
			t.Fatal(err)
		}
		return out.LogDeliveryConfiguration
	}
	if g := get(); *g.UserPoolId != id || len(g.LogConfigurations) != 0 {
		t.Errorf("nothing set: %+v", g)
	}
	cfgs := []types.LogConfigurationType{
		{EventSource: "userNotification", LogLevel: "ERROR", CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/cognito")}},
		{EventSource: "userAuthEvents", LogLevel: "INFO", FirehoseConfiguration: &types.FirehoseConfigurationType{StreamArn: aws.String("arn:aws:firehose:us-east-1:123456789012:deliverystream/auth")}},
	}
	set, err := idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: &id, LogConfigurations: cfgs})
	if err != nil {
		t.Fatal(err)
	}
	if g := get(); !reflect.DeepEqual(g.LogConfigurations, cfgs) || !reflect.DeepEqual(set.LogDeliveryConfiguration, g) {
		t.Errorf("got %+v, want %+v", upGeneric(t, g), upGeneric(t, cfgs))
	}
	if _, err := idp.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: &id, LogConfigurations: []types.LogConfigurationType{}}); err != nil {
		t.Fatal(err)
	}
	if g := get(); len(g.LogConfigurations) != 0 {
		t.Errorf("not cleared: %+v", g)
	}
}

// TestUserPoolTags: tags set at creation, by TagResource and
// UntagResource, are the pool's UserPoolTags.
func TestUserPoolTags(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider()
	ctx := context.Background()
	id := newFamilyPool(t, idp, func(in *cip.CreateUserPoolInput) { in.UserPoolTags = map[string]string{"team": "id", "env": "dev"} })
	arn := aws.String(upPoolARN(c, id))
	before, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod", "cost": "42"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.UntagResource(ctx, &cip.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"env": "prod", "cost": "42"}
	list, err := idp.ListTagsForResource(ctx, &cip.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	out, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(list.Tags, want) || !reflect.DeepEqual(out.UserPool.UserPoolTags, want) {
		t.Errorf("ListTagsForResource %v, UserPoolTags %v, want %v", list.Tags, out.UserPool.UserPoolTags, want)
	}
	if !out.UserPool.LastModifiedDate.Equal(*before.UserPool.LastModifiedDate) {
		t.Error("tagging changed LastModifiedDate")
	}
}
