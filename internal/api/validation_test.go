package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cirrohq/cirro/cirrotest"
)

// withoutClientValidation removes the SDK's own required-member check, so
// that a request missing a required member reaches the server, as it does
// from clients that do not validate (the AWS CLI with --cli-input-json,
// hand-written HTTP, other SDKs).
func withoutClientValidation(o *cip.Options) {
	o.APIOptions = append(o.APIOptions, dropValidation)
}

// TestModelConstraintsThroughTheSDK drives each constraint kind of the
// model through the real SDK and expects Cognito's InvalidParameterException
// with Cognito's wording.
func TestModelConstraintsThroughTheSDK(t *testing.T) {
	c := cirrotest.Start(t)
	idp := c.IdentityProvider(withoutClientValidation)
	ctx := context.Background()
	cases := []struct {
		kind string
		call func() error
		want string
	}{
		{"required", func() error {
			_, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{})
			return err
		}, "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"},
		{"min length", func() error {
			_, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("")})
			return err
		}, "Value '' at 'poolName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"max length", func() error {
			_, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(strings.Repeat("p", 129))})
			return err
		}, "at 'poolName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"pattern", func() error {
			_, err := idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("no underscore")})
			return err
		}, `Value 'no underscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`},
		{"enum", func() error {
			_, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"), MfaConfiguration: "SOMETIMES"})
			return err
		}, "Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"},
		{"range min", func() error {
			_, err := idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(0)})
			return err
		}, "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"range max", func() error {
			_, err := idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)})
			return err
		}, "Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{"nested range", func() error {
			_, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
				Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(5)}}})
			return err
		}, "at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"},
		{"list size", func() error {
			schema := make([]types.SchemaAttributeType, 51)
			for i := range schema {
				schema[i] = types.SchemaAttributeType{Name: aws.String("a")}
			}
			_, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"), Schema: schema})
			return err
		}, "Value at 'schema' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"list element", func() error {
			_, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
				Schema: []types.SchemaAttributeType{{Name: aws.String(strings.Repeat("n", 21))}}})
			return err
		}, "at 'schema.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 20"},
		{"several", func() error {
			_, err := idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(0), NextToken: aws.String("")})
			return err
		}, "2 validation errors detected: "},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			err := tc.call()
			var ipe *types.InvalidParameterException
			if !errors.As(err, &ipe) {
				t.Fatalf("want *types.InvalidParameterException, got %T %v", err, err)
			}
			if !strings.Contains(ipe.ErrorMessage(), tc.want) {
				t.Fatalf("message %q\nwant it to contain %q", ipe.ErrorMessage(), tc.want)
			}
		})
	}
}
